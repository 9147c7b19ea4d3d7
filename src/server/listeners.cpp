#include "server/listeners.hpp"

#include <fmt/format.h>

#include <sys/socket.h>
#include <unistd.h>

#include <system_error>

#include "net/endpoint.hpp"
#include "server/socket_activation.hpp"

namespace hello::server {
namespace {

using net::tcp;
using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

// What the kernel may hold for one connection, each way. Left alone, Linux
// grows a socket's buffers to megabytes for a client that sends fast and
// never reads: 500 such clients cost a gigabyte of kernel memory and push the
// whole host into TCP memory pressure. This protocol's messages and replies
// are at most a few KiB, so a few tens of KiB in flight is plenty. Set on the
// listening socket, the sizes are inherited by every accepted one at no cost
// per connection (the kernel doubles the figure for its bookkeeping).
constexpr int kernel_buffer_bytes = 32 * 1024;

void limit_kernel_buffers(tcp::acceptor& acceptor)
{
    asio::error_code ignored;  // a kernel that refuses keeps its defaults: no reason not to serve
    acceptor.set_option(asio::socket_base::send_buffer_size(kernel_buffer_bytes), ignored);
    acceptor.set_option(asio::socket_base::receive_buffer_size(kernel_buffer_bytes), ignored);
}

// Startup happens before any coroutine runs, so resolving the listen address
// here blocks nothing; it lets --host take "localhost" as well as addresses.
tcp::endpoint listen_endpoint(asio::io_context& io, const ServerOptions& options)
{
    tcp::resolver resolver(io);
    asio::error_code error;
    const auto results =
        resolver.resolve(options.host, std::to_string(options.port),
                         tcp::resolver::passive | tcp::resolver::numeric_service, error);
    if (error || results.empty()) {
        throw std::system_error(error, fmt::format("invalid listen address '{}'", options.host));
    }
    return results.begin()->endpoint();
}

tcp::acceptor listen_on(asio::io_context& io, const tcp::endpoint& endpoint, bool shared)
{
    tcp::acceptor acceptor(io);
    asio::error_code error;
    acceptor.open(endpoint.protocol(), error);
    if (!error) {
        acceptor.set_option(tcp::acceptor::reuse_address(true), error);
    }
    if (!error && shared) {
        acceptor.set_option(reuse_port(true), error);
    }
    if (!error) {
        acceptor.bind(endpoint, error);
    }
    if (!error) {
        limit_kernel_buffers(acceptor);
        acceptor.listen(asio::socket_base::max_listen_connections, error);
    }
    if (error) {
        throw std::system_error(error,
                                fmt::format("cannot listen on {}", net::to_string(endpoint)));
    }
    return acceptor;
}

// Another thread's handle on a socket systemd passed in: there is only one,
// so the threads take turns accepting from it.
tcp::acceptor share(asio::io_context& io, tcp::acceptor& original)
{
    const int copy = ::dup(original.native_handle());
    if (copy == -1) {
        throw std::system_error(errno, std::generic_category(),
                                "cannot share the inherited socket");
    }
    return tcp::acceptor(io, original.local_endpoint().protocol(), copy);
}

}  // namespace

std::vector<tcp::acceptor> open_listeners(std::vector<asio::io_context*> contexts,
                                          const ServerOptions& options)
{
    std::vector<tcp::acceptor> listeners;
    if (auto inherited = inherited_acceptor(*contexts.front())) {
        limit_kernel_buffers(*inherited);
        listeners.push_back(std::move(*inherited));
        for (std::size_t i = 1; i < contexts.size(); ++i) {
            listeners.push_back(share(*contexts[i], listeners.front()));
        }
        return listeners;
    }
    auto endpoint = listen_endpoint(*contexts.front(), options);
    if (contexts.size() == 1) {
        listeners.push_back(listen_on(*contexts.front(), endpoint, false));
        return listeners;
    }
    // SO_REUSEPORT would also let another server that uses it join our port
    // unnoticed. So first claim the address with a plain socket, which fails
    // if anyone listens there (and fixes the port if it was 0), then let it go
    // and open the shared sockets in its place.
    endpoint = listen_on(*contexts.front(), endpoint, false).local_endpoint();
    for (auto* context : contexts) {
        listeners.push_back(listen_on(*context, endpoint, true));
    }
    return listeners;
}

}  // namespace hello::server
