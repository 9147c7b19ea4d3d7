#pragma once
// Listening sockets, opened one way for every listener in the project (the
// hello port, its per-thread copies, the metrics port).

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/asio_compat.hpp"

namespace hello::net {

// When accept() fails (out of descriptors, out of buffers, a connection reset
// before it was taken), the pending connection stays queued: retrying at once
// would spin. Every acceptor waits this long instead.
inline constexpr auto accept_retry_delay = std::chrono::milliseconds(100);

struct ListenSettings {
    // SO_REUSEPORT: several sockets, one per thread, share the port and the
    // kernel spreads new connections over them.
    bool share_port = false;
    // SO_SNDBUF/SO_RCVBUF, inherited by every accepted socket at no cost per
    // connection; 0 leaves the kernel's defaults.
    int kernel_buffer_bytes = 0;
};

// HOST and a numeric port, resolved for listening ("localhost" resolves to its
// first address). Startup only: resolving may block. Throws std::system_error
// "invalid WHAT address 'HOST'".
tcp::endpoint listen_endpoint(asio::io_context& io, const std::string& host, std::uint16_t port,
                              std::string_view what);

// Opens, binds and listens. Throws std::system_error "cannot PURPOSE on ENDPOINT".
tcp::acceptor listen_on(asio::io_context& io, const tcp::endpoint& endpoint,
                        const ListenSettings& settings, std::string_view purpose);

// Applies settings.kernel_buffer_bytes to a socket opened elsewhere (systemd's).
void limit_kernel_buffers(tcp::acceptor& acceptor, int kernel_buffer_bytes);

}  // namespace hello::net
