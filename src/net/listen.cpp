#include "net/listen.hpp"

#include <fmt/format.h>

#include <sys/socket.h>

#include <system_error>

#include "net/endpoint.hpp"

namespace hello::net {
namespace {

using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

}  // namespace

tcp::endpoint listen_endpoint(asio::io_context& io, const std::string& host, std::uint16_t port,
                              std::string_view what)
{
    tcp::resolver resolver(io);
    asio::error_code error;
    const auto results = resolver.resolve(
        host, std::to_string(port), tcp::resolver::passive | tcp::resolver::numeric_service, error);
    if (error || results.empty()) {
        throw std::system_error(error, fmt::format("invalid {} address '{}'", what, host));
    }
    return results.begin()->endpoint();
}

tcp::acceptor listen_on(asio::io_context& io, const tcp::endpoint& endpoint,
                        const ListenSettings& settings, std::string_view purpose)
{
    tcp::acceptor acceptor(io);
    asio::error_code error;
    acceptor.open(endpoint.protocol(), error);
    if (!error) {
        acceptor.set_option(tcp::acceptor::reuse_address(true), error);
    }
    if (!error && settings.share_port) {
        acceptor.set_option(reuse_port(true), error);
    }
    if (!error) {
        acceptor.bind(endpoint, error);
    }
    if (!error) {
        limit_kernel_buffers(acceptor, settings.kernel_buffer_bytes);
        acceptor.listen(asio::socket_base::max_listen_connections, error);
    }
    if (error) {
        throw std::system_error(error,
                                fmt::format("cannot {} on {}", purpose, to_string(endpoint)));
    }
    return acceptor;
}

void limit_kernel_buffers(tcp::acceptor& acceptor, int kernel_buffer_bytes)
{
    if (kernel_buffer_bytes == 0) {
        return;
    }
    asio::error_code ignored;  // a kernel that refuses keeps its defaults: no reason not to serve
    acceptor.set_option(asio::socket_base::send_buffer_size(kernel_buffer_bytes), ignored);
    acceptor.set_option(asio::socket_base::receive_buffer_size(kernel_buffer_bytes), ignored);
}

}  // namespace hello::net
