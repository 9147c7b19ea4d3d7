#include "server/linger.hpp"

#include <array>
#include <tuple>

namespace hello::server {

net::awaitable<void> linger(net::tcp::socket& socket, SessionList& sessions,
                            SessionList::Entry& entry)
{
    asio::error_code error;
    socket.shutdown(net::tcp::socket::shutdown_send, error);
    if (error) {
        co_return;  // the connection is gone already: nothing left to save
    }
    sessions.lingering(entry);
    // What is read is thrown away unlooked-at, so every lingering session of
    // a thread may share the one buffer.
    thread_local std::array<char, 64 * 1024> discarded;
    using Clock = std::chrono::steady_clock;
    const auto give_up = Clock::now() + linger_limit;
    std::size_t discarded_bytes = 0;
    while (!error && discarded_bytes <= linger_byte_limit && Clock::now() < give_up) {
        std::size_t size = 0;
        std::tie(error, size) =
            co_await socket.async_read_some(asio::buffer(discarded), net::use_nothrow_awaitable);
        discarded_bytes += size;
        sessions.made_progress(entry);  // the client is still there: not quiet yet
    }
}

}  // namespace hello::server
