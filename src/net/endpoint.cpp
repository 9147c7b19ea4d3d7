#include "net/endpoint.hpp"

#include <fmt/format.h>

namespace hello::net {

asio::ip::address unmapped(const asio::ip::address& address)
{
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    }
    return address;
}

std::string to_string(const tcp::endpoint& endpoint)
{
    const auto address = unmapped(endpoint.address());
    return address.is_v6() ? fmt::format("[{}]:{}", address.to_string(), endpoint.port())
                           : fmt::format("{}:{}", address.to_string(), endpoint.port());
}

}  // namespace hello::net
