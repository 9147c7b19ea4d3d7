#include "server/linger.hpp"

#include <tuple>

#include "server/session_context.hpp"

namespace hello::server {

net::awaitable<void> linger(net::tcp::socket& socket, SessionContext& context,
                            SessionList::Entry& entry)
{
    asio::error_code error;
    socket.shutdown(net::tcp::socket::shutdown_send, error);
    if (error) {
        co_return;  // the connection is gone already: nothing left to save
    }
    context.sessions.lingering(entry);
    using Clock = std::chrono::steady_clock;
    const auto give_up = Clock::now() + linger_limit;
    std::size_t discarded_bytes = 0;
    while (!error && discarded_bytes <= linger_byte_limit && Clock::now() < give_up) {
        std::size_t size = 0;
        std::tie(error, size) = co_await socket.async_read_some(asio::buffer(context.discarded),
                                                                net::use_nothrow_awaitable);
        discarded_bytes += size;
        context.sessions.made_progress(entry);  // the client is still there: not quiet yet
    }
}

}  // namespace hello::server
