#include "server/session.hpp"

#include <algorithm>
#include <array>
#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "net/endpoint.hpp"
#include "net/log.hpp"
#include "net/timeout.hpp"
#include "protocol/framing.hpp"
#include "protocol/printable.hpp"
#include "protocol/replies.hpp"
#include "server/proxy_handshake.hpp"
#include "server/worker.hpp"

namespace hello::server {
namespace {

using net::use_nothrow_awaitable;
using protocol::Message;
using Verdict = SessionList::Verdict;

// How long a client refused with an error may go on sending before we close.
constexpr auto linger_time = std::chrono::seconds(2);

// Each read lands first in this many bytes inside the session: enough for
// most names, and small, because an idle session spends its life waiting in
// that read. Longer input is taken from the socket at once, see take_input().
constexpr std::size_t first_read_size = 16;

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

// One conversation's state and its steps; serve_client() below runs them.
// Everything here lives in the session coroutine's frame, so an idle session
// costs that frame, the pending read and Asio's registration of the socket.
class Session {
public:
    Session(net::tcp::socket& socket, const std::string& peer, Worker& worker)
        : socket_(socket),
          options_(worker.options()),
          delayed_(options_.delay.count() > 0 ? std::make_unique<Delayed>(socket, options_) : nullptr),
          entry_(worker.sessions(), socket_, delayed_ ? &delayed_->pause : nullptr),
          peer_(peer),
          framer_(options_.max_message)
    {
        // So that take_input() can take what else has arrived without waiting.
        asio::error_code ignored;
        socket_.non_blocking(true, ignored);
        if (!options_.quiet) {
            net::log("Accept new connection from {}...", peer_);
        }
    }

    ~Session()
    {
        if (!options_.quiet) {
            net::log("Connection from {} closed{}.", peer_, describe(reason_));
        }
    }

    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Records why the conversation ended, for the closing log line.
    void end(CloseReason reason) { reason_ = reason; }

    // Why the conversation ended early: the worker ended it, or the client left.
    CloseReason why_gone() const
    {
        switch (entry_.verdict()) {
        case Verdict::idle: return CloseReason::idle;
        case Verdict::stop_requested:
        case Verdict::closed: return CloseReason::shutdown;
        case Verdict::none: break;
        }
        return CloseReason::client_gone;
    }

    // Whether the worker has asked this session to end (shutdown, idle).
    bool ended_by_worker() const { return entry_.verdict() != Verdict::none; }

    protocol::FramerEvent next_event() { return framer_.next(); }
    bool client_line_open() const { return framer_.client_line_open(); }

    // Where each read lands first.
    asio::mutable_buffer first_read_buffer()
    {
        return asio::buffer(first_bytes_.data(), std::min(first_bytes_.size(), options_.max_message + 2));
    }

    // Hands the framer what one read brought: the bytes in first_bytes_ and,
    // when they filled it, whatever else has arrived, taken without waiting
    // into the input buffer. False when the client is gone.
    bool take_input(asio::error_code error, std::size_t size)
    {
        if (error == asio::error::eof) {
            framer_.received_end_of_stream();
            return true;
        }
        if (error) {
            return false;
        }
        entry_.made_progress();
        if (size < first_read_buffer().size()) {
            framer_.received({first_bytes_.data(), size});  // nothing more was there
            return true;
        }
        const auto buffer = input_buffer();
        std::copy_n(first_bytes_.data(), size, buffer.data());
        asio::error_code nothing_more;  // would_block: that was all; eof: seen by the next read
        size += socket_.read_some(asio::buffer(buffer.data() + size, buffer.size() - size), nothing_more);
        framer_.received({buffer.data(), size});
        return true;
    }

    // Without --delay, the replies to one read are collected and leave
    // together in flush(). With it, each reply waits and goes out on its
    // own, as the tutorial's do.
    net::awaitable<bool> answer(const Message& message)
    {
        if (options_.verbose) {
            net::log("Message from {}: \"{}\"", peer_, protocol::printable(message.text));
        }
        if (delayed_) {
            delayed_->pause.expires_after(options_.delay);
            co_await delayed_->pause.async_wait(use_nothrow_awaitable);
            entry_.made_progress();  // the client has not been idle while we were
        }
        protocol::append_reply(replies_, message);
        if (!delayed_) {
            co_return true;
        }
        // Not `delayed_ ? co_await flush() : true`: GCC 12 miscompiles a
        // co_await inside the conditional operator.
        co_return co_await flush();
    }

    net::awaitable<bool> flush()
    {
        const bool sent = co_await send(replies_);
        replies_.clear();
        co_return sent;
    }

    // Writes all of `bytes`. A client that does not take them within
    // --idle-timeout is closed by the worker's idle sweep.
    net::awaitable<bool> send(std::string_view bytes)
    {
        if (bytes.empty()) {
            co_return true;
        }
        auto [error, written] = co_await asio::async_write(socket_, asio::buffer(bytes), use_nothrow_awaitable);
        if (error) {
            co_return false;
        }
        entry_.made_progress();
        co_return true;
    }

    // Closing a socket with unread input makes the kernel send a reset, which
    // can destroy the error reply before the client reads it. So, like
    // nginx's lingering close: end our side, then read and discard what the
    // client is still sending, until it closes too or the time is up.
    net::awaitable<void> linger()
    {
        asio::error_code error;
        socket_.shutdown(net::tcp::socket::shutdown_send, error);
        thread_local std::array<char, 4096> discarded;  // never read, so it may be shared
        const auto give_up = std::chrono::steady_clock::now() + linger_time;
        while (!error) {
            std::tie(error, std::ignore) = co_await net::within(
                give_up - std::chrono::steady_clock::now(),
                socket_.async_read_some(asio::buffer(discarded), use_nothrow_awaitable));
        }
    }

private:
    // What only --delay needs, kept out of the sessions that do not use it.
    struct Delayed {
        Delayed(net::tcp::socket& socket, const ServerOptions& options)
            : pause(socket.get_executor()), input(options.max_message + 2)
        {
        }
        asio::steady_timer pause;  // before each reply
        std::vector<char> input;   // see input_buffer()
    };

    // Where a read longer than first_bytes_ lands: room for the longest
    // message and its "\r\n" (so a raw read longer than a message may be is
    // refused, and a longest line still fits). Without --delay a session never
    // waits while it holds unanswered input: the replies to one read are all
    // built before its next co_await. So every session of a thread shares one
    // buffer. With --delay a session waits between replies and needs its own.
    std::span<char> input_buffer()
    {
        if (delayed_) {
            return delayed_->input;
        }
        const auto size = options_.max_message + 2;
        thread_local std::vector<char> shared;
        if (shared.size() < size) {
            shared.resize(size);
        }
        return {shared.data(), size};
    }

    net::tcp::socket& socket_;
    const ServerOptions& options_;
    std::unique_ptr<Delayed> delayed_;
    SessionList::Entry entry_;
    const std::string& peer_;
    protocol::Framer framer_;
    std::array<char, first_read_size> first_bytes_;
    std::string replies_;
    CloseReason reason_ = CloseReason::failed;
};

// The name the logs give the client: its address, or with --proxy-protocol
// the one the balancer's header names (nothing if there was no valid header).
net::awaitable<std::optional<std::string>> client_name(net::tcp::socket& socket, Worker& worker)
{
    if (!worker.options().proxy_protocol) {
        co_return net::peer_of(socket);
    }
    co_return co_await read_proxy_header(socket, worker);  // which logs why, if it fails
}

}  // namespace

// The tutorial's tcplink(): greet, then read, answer, repeat. `slot` is held,
// unused, for as long as the session lives.
net::awaitable<void> serve_client(net::tcp::socket socket, [[maybe_unused]] ConnectionSlot slot,
                                  Worker& worker)
{
    const auto peer = co_await client_name(socket, worker);
    if (!peer) {
        co_return;
    }
    try {
        Session session(socket, *peer, worker);
        if (!co_await session.send(protocol::greeting)) {
            co_return session.end(session.why_gone());
        }
        for (;;) {
            const auto event = session.next_event();
            if (const auto* message = std::get_if<Message>(&event)) {
                if (protocol::is_exit(message->text)) {
                    const bool said_goodbye = co_await session.flush();
                    co_return session.end(said_goodbye ? CloseReason::exit : session.why_gone());
                }
                if (!co_await session.answer(*message)) {
                    co_return session.end(session.why_gone());
                }
                continue;
            }
            // All that one read brought is answered: the replies leave together.
            if (!co_await session.flush()) {
                co_return session.end(session.why_gone());
            }
            if (std::holds_alternative<protocol::MessageTooLong>(event)) {
                co_await session.send(protocol::error_reply(protocol::too_long_reason, session.client_line_open()));
                co_await session.linger();
                co_return session.end(CloseReason::too_long);
            }
            if (std::holds_alternative<protocol::EndOfStream>(event)) {
                co_return session.end(CloseReason::end_of_stream);
            }
            if (session.ended_by_worker()) {
                co_return session.end(session.why_gone());
            }
            auto [error, size] = co_await socket.async_read_some(session.first_read_buffer(), use_nothrow_awaitable);
            if (!session.take_input(error, size) || session.ended_by_worker()) {
                co_return session.end(session.why_gone());
            }
        }
    } catch (const std::exception& error) {
        // The session boundary: a bug or an exhausted resource ends this
        // client's session, never the server.
        net::log("Session with {} failed: {}", *peer, error.what());
    }
}

}  // namespace hello::server
