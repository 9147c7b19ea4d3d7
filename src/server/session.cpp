#include "server/session.hpp"

#include <exception>
#include <span>
#include <tuple>
#include <string>
#include <string_view>
#include <vector>

#include "net/endpoint.hpp"
#include "net/log.hpp"
#include "net/or_on_failure.hpp"
#include "net/timeout.hpp"
#include "protocol/framing.hpp"
#include "protocol/printable.hpp"
#include "protocol/replies.hpp"
#include "server/proxy_handshake.hpp"

namespace hello::server {
namespace {

using namespace asio::experimental::awaitable_operators;
using net::use_nothrow_awaitable;
using protocol::Message;
using Clock = std::chrono::steady_clock;

// How long a client refused with an error may go on sending before we close.
constexpr auto linger_time = std::chrono::seconds(2);

enum class CloseReason { exit, end_of_stream, client_gone, too_long, idle, shutdown, failed };

std::string_view describe(CloseReason reason)
{
    switch (reason) {
    case CloseReason::exit: return "";
    case CloseReason::end_of_stream: return "";
    case CloseReason::client_gone: return " (connection lost)";
    case CloseReason::too_long: return " (message too long)";
    case CloseReason::idle: return " (idle timeout)";
    case CloseReason::shutdown: return " (server shutting down)";
    case CloseReason::failed: return " (session failed)";
    }
    return "";
}

// Returns once `deadline` has passed without being pushed back: one timer per
// session for the idle timeout, as in Asio's echo_server_with_deadline, rather
// than one per read and write.
net::awaitable<void> watchdog(const Clock::time_point& deadline)
{
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (auto now = Clock::now(); deadline > now; now = Clock::now()) {
        timer.expires_at(deadline);
        if (auto [cancelled] = co_await timer.async_wait(use_nothrow_awaitable); cancelled) {
            co_return;  // the conversation ended first
        }
    }
}

class Session {
public:
    Session(net::tcp::socket socket, std::string peer, const SessionSettings& settings,
            ConnectionRegistry& connections)
        : socket_(std::move(socket)),
          settings_(settings),
          registration_(connections, connection_),
          peer_(std::move(peer)),
          framer_(settings.max_message)
    {
        // Reads and writes are tried directly and only wait in the event
        // loop when they cannot proceed (see read_more() and send()).
        asio::error_code ignored;
        socket_.non_blocking(true, ignored);
    }

    net::awaitable<void> run()
    {
        if (settings_.log_connections) {
            net::log("Accept new connection from {}...", peer_);
        }
        extend_deadline();
        const auto outcome = co_await (
            net::or_on_failure(converse(), CloseReason::failed, "Session with " + peer_) ||
            watchdog(deadline_));
        const auto reason = outcome.index() == 0 ? std::get<0>(outcome) : CloseReason::idle;
        if (settings_.log_connections) {
            net::log("Connection from {} closed{}.", peer_, describe(reason));
        }
    }

private:
    net::awaitable<CloseReason> converse()
    {
        if (!co_await send(protocol::greeting)) {
            co_return CloseReason::client_gone;
        }
        for (;;) {
            const auto event = framer_.next();
            if (const auto* message = std::get_if<Message>(&event)) {
                if (protocol::is_exit(message->text)) {
                    co_return co_await flush() ? CloseReason::exit : CloseReason::client_gone;
                }
                if (!co_await answer(*message)) {
                    co_return CloseReason::client_gone;
                }
                continue;
            }
            if (!co_await flush()) {
                co_return CloseReason::client_gone;
            }
            if (std::holds_alternative<protocol::MessageTooLong>(event)) {
                co_await send(protocol::error_reply(protocol::too_long_reason, framer_.client_line_open()));
                co_await linger();
                co_return CloseReason::too_long;
            }
            if (std::holds_alternative<protocol::EndOfStream>(event)) {
                co_return CloseReason::end_of_stream;
            }
            if (connection_.stop_requested() || !co_await read_more()) {
                co_return connection_.stop_requested() ? CloseReason::shutdown : CloseReason::client_gone;
            }
        }
    }

    // Without --delay, the replies to one read leave together in one write.
    // With it, each reply waits and goes out on its own, as the tutorial's do.
    net::awaitable<bool> answer(const Message& message)
    {
        if (settings_.log_messages) {
            net::log("Message from {}: \"{}\"", peer_, protocol::printable(message.text));
        }
        if (settings_.delay.count() > 0) {
            pause_.expires_after(settings_.delay);
            co_await pause_.async_wait(use_nothrow_awaitable);
            extend_deadline();  // the client has not been idle while we were
        }
        protocol::append_reply(replies_, message);
        co_return settings_.delay.count() > 0 ? co_await flush() : true;
    }

    // Waits until the client has said something, then reads it without
    // waiting. So no read is ever tried in vain (one recv per message, as in
    // a hand-written epoll server), and a silent client ties up no buffer.
    net::awaitable<bool> read_more()
    {
        for (;;) {
            connection_.waiting_for_client(true);
            auto [waited] = co_await socket_.async_wait(net::tcp::socket::wait_read,
                                                        use_nothrow_awaitable);
            connection_.waiting_for_client(false);
            if (waited) {
                co_return false;  // cancelled: shutting down
            }
            asio::error_code error;
            const auto bytes = read_available(error);
            if (error == asio::error::would_block) {
                continue;  // woken for nothing
            }
            if (error == asio::error::eof) {
                framer_.received_end_of_stream();
                co_return true;
            }
            if (error) {
                co_return false;
            }
            extend_deadline();
            framer_.received(bytes);
            co_return true;
        }
    }

    // What the client has sent so far, read without waiting into
    // input_buffer(). Called only right after a readiness wait, so that the
    // shared buffer is only ever written while this session runs.
    std::string_view read_available(asio::error_code& error)
    {
        const auto buffer = input_buffer();
        const auto size = socket_.read_some(asio::buffer(buffer.data(), buffer.size()), error);
        return {buffer.data(), size};
    }

    // Where reads land: room for the longest message and its "\r\n" (so a
    // raw read longer than a message may be is refused, and a longest line
    // still fits). Without --delay a session never waits while it holds
    // unanswered input: the replies to one read are all built before its next
    // co_await that can suspend. So every session of a thread shares one
    // buffer. With --delay a session waits between replies and needs its own.
    std::span<char> input_buffer()
    {
        const auto size = settings_.max_message + 2;
        if (settings_.delay.count() > 0) {
            own_buffer_.resize(size);
            return own_buffer_;
        }
        thread_local std::vector<char> shared;
        if (shared.size() < size) {
            shared.resize(size);
        }
        return {shared.data(), size};
    }

    // Closing a socket with unread input makes the kernel send a reset, which
    // can destroy the error reply before the client reads it. So, like
    // nginx's lingering close: end our side, then read and discard what the
    // client is still sending, until it closes too or the time is up.
    net::awaitable<void> linger()
    {
        asio::error_code ignored;
        socket_.shutdown(net::tcp::socket::shutdown_send, ignored);
        const auto give_up = Clock::now() + linger_time;
        for (auto now = Clock::now(); now < give_up; now = Clock::now()) {
            auto [waited] = co_await net::within(
                give_up - now, socket_.async_wait(net::tcp::socket::wait_read, use_nothrow_awaitable));
            if (waited) {
                break;  // time is up
            }
            asio::error_code error;
            read_available(error);  // and dropped
            if (error && error != asio::error::would_block) {
                break;  // the client closed too, or is gone
            }
        }
    }

    net::awaitable<bool> flush()
    {
        const bool sent = co_await send(replies_);
        replies_.clear();
        co_return sent;
    }

    // Writes all of `bytes`. Each write that makes progress pushes the idle
    // deadline back, so a client that stops reading its replies is closed by
    // the watchdog after one idle timeout without progress, while the
    // unread replies stay bounded by what one read can ask for.
    net::awaitable<bool> send(std::string_view bytes)
    {
        while (!bytes.empty()) {
            // Try at once: a reply nearly always fits in the socket's send
            // buffer, and a write that is done needs no trip through the
            // event loop. Wait in the loop only when the buffer is full.
            asio::error_code error;
            auto written = socket_.write_some(asio::buffer(bytes), error);
            if (error == asio::error::would_block) {
                std::tie(error, written) =
                    co_await socket_.async_write_some(asio::buffer(bytes), use_nothrow_awaitable);
            }
            if (error) {
                co_return false;
            }
            bytes.remove_prefix(written);
            extend_deadline();
        }
        co_return true;
    }

    void extend_deadline() { deadline_ = Clock::now() + settings_.idle_timeout; }

    net::tcp::socket socket_;
    const SessionSettings& settings_;
    asio::steady_timer pause_{socket_.get_executor()};
    Connection connection_{socket_, &pause_};
    Registration registration_;
    std::string peer_;
    protocol::Framer framer_;
    std::vector<char> own_buffer_;  // only with --delay: see input_buffer()
    std::string replies_;
    Clock::time_point deadline_;
};

}  // namespace

net::awaitable<void> serve_client(net::tcp::socket socket, const SessionSettings& settings,
                                  ConnectionRegistry& connections)
{
    auto peer = net::peer_of(socket);
    try {
        if (settings.proxy_protocol) {  // --proxy-protocol: the balancer speaks first
            auto proxied = co_await read_proxy_header(socket, settings.proxy_header_timeout, connections);
            if (!proxied) {
                co_return;  // read_proxy_header() logged why
            }
            peer = std::move(*proxied);
        }
        Session session(std::move(socket), peer, settings, connections);
        co_await session.run();
    } catch (const std::exception& error) {
        // The session boundary: a bug or an exhausted resource ends this
        // client's session, never the server.
        net::log("Session with {} failed: {}", peer, error.what());
    }
}

}  // namespace hello::server
