#include "net/endpoint.hpp"

#include <fmt/format.h>

namespace hello::net {

std::string to_string(const tcp::endpoint& endpoint)
{
    auto address = endpoint.address();
    // A v4 client of a "::" listener shows up as ::ffff:a.b.c.d; name it as itself.
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    }
    return address.is_v6() ? fmt::format("[{}]:{}", address.to_string(), endpoint.port())
                           : fmt::format("{}:{}", address.to_string(), endpoint.port());
}

std::string peer_of(const tcp::socket& socket)
{
    asio::error_code error;
    const auto endpoint = socket.remote_endpoint(error);
    return error ? std::string("unknown peer") : to_string(endpoint);
}

}  // namespace hello::net
