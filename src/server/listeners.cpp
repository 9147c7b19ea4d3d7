#include "server/listeners.hpp"

#include <unistd.h>

#include <system_error>

#include "net/listen.hpp"
#include "ops/socket_activation.hpp"

namespace hello::server {
namespace {

using net::tcp;

// What the kernel may hold for one connection, each way. Left alone, Linux
// grows a socket's buffers to megabytes for a client that sends fast and
// never reads: 500 such clients cost a gigabyte of kernel memory and push the
// whole host into TCP memory pressure. This protocol's messages and replies
// are at most a few KiB, so a few tens of KiB in flight is plenty (the kernel
// doubles the figure for its bookkeeping).
constexpr int kernel_buffer_bytes = 32 * 1024;

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
    if (auto inherited = ops::inherited_acceptor(*contexts.front())) {
        net::limit_kernel_buffers(*inherited, kernel_buffer_bytes);
        listeners.push_back(std::move(*inherited));
        for (std::size_t i = 1; i < contexts.size(); ++i) {
            listeners.push_back(share(*contexts[i], listeners.front()));
        }
        return listeners;
    }
    auto endpoint = net::listen_endpoint(*contexts.front(), options.host, options.port, "listen");
    const net::ListenSettings alone{.share_port = false,
                                    .kernel_buffer_bytes = kernel_buffer_bytes};
    if (contexts.size() == 1) {
        listeners.push_back(net::listen_on(*contexts.front(), endpoint, alone, "listen"));
        return listeners;
    }
    // SO_REUSEPORT would also let another server that uses it join our port
    // unnoticed. So first claim the address with a plain socket, which fails
    // if anyone listens there (and fixes the port if it was 0), then let it go
    // and open the shared sockets in its place.
    endpoint = net::listen_on(*contexts.front(), endpoint, alone, "listen").local_endpoint();
    const net::ListenSettings shared{.share_port = true,
                                     .kernel_buffer_bytes = kernel_buffer_bytes};
    for (auto* context : contexts) {
        listeners.push_back(net::listen_on(*context, endpoint, shared, "listen"));
    }
    return listeners;
}

}  // namespace hello::server
