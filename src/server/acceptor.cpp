#include "server/acceptor.hpp"

#include <chrono>
#include <exception>
#include <utility>

#include "net/log.hpp"
#include "protocol/replies.hpp"

namespace hello::server {
namespace {

using net::use_nothrow_awaitable;

// Out of descriptors (EMFILE, ENFILE), out of buffers, a connection reset
// before we took it: none is a reason to stop serving the others. The pending
// connection stays queued, so retrying at once would spin; wait a little.
constexpr auto accept_retry_delay = std::chrono::milliseconds(100);

// Past --max-connections: say why in one line and hang up, at the cost of one
// non-blocking send (a new socket's send buffer always has room for it).
void turn_away(net::tcp::socket& socket)
{
    static const auto busy = protocol::error_reply(protocol::busy_reason, false);
    asio::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.send(asio::buffer(busy), 0, ignored);
}

void report_session_failure(std::exception_ptr failure)
{
    // serve_client() catches everything; this is the net under the net, so
    // that nothing ever propagates out of io_context::run().
    try {
        if (failure) {
            std::rethrow_exception(failure);
        }
    } catch (const std::exception& error) {
        net::log("Session failed: {}", error.what());
    } catch (...) {
        net::log("Session failed: unknown exception");
    }
}

}  // namespace

net::awaitable<void> accept_clients(net::tcp::acceptor& acceptor, std::size_t max_connections,
                                    const SessionSettings& settings,
                                    ConnectionRegistry& connections)
{
    bool failing = false;
    bool turning_away = false;
    while (acceptor.is_open()) {
        auto [error, socket] = co_await acceptor.async_accept(use_nothrow_awaitable);
        if (error == asio::error::operation_aborted || !acceptor.is_open()) {
            break;  // closed for shutdown
        }
        if (error) {
            if (!std::exchange(failing, true)) {
                net::log("Cannot accept connections: {}; retrying every {}ms.", error.message(),
                         accept_retry_delay.count());
            }
            asio::steady_timer retry(acceptor.get_executor(), accept_retry_delay);
            co_await retry.async_wait(use_nothrow_awaitable);
            continue;
        }
        if (std::exchange(failing, false)) {
            net::log("Accepting connections again.");
        }
        if (connections.server_total() >= max_connections) {
            if (!std::exchange(turning_away, true)) {
                net::log("{} clients connected (--max-connections); turning new ones away.",
                         connections.server_total());
            }
            turn_away(socket);
            continue;
        }
        if (std::exchange(turning_away, false)) {
            net::log("Below --max-connections again; accepting new clients.");
        }
        asio::error_code ignored;
        socket.set_option(net::tcp::no_delay(true), ignored);  // replies are small; send them now
        asio::co_spawn(acceptor.get_executor(),
                       serve_client(std::move(socket), settings, connections),
                       report_session_failure);
    }
}

}  // namespace hello::server
