#include "server/session.hpp"

#include <algorithm>
#include <array>
#include <exception>
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

enum class CloseReason { exit, end_of_stream, client_gone, too_long, idle, shutdown };

std::string_view describe(CloseReason reason)
{
    switch (reason) {
    case CloseReason::exit: return "";
    case CloseReason::end_of_stream: return "";
    case CloseReason::client_gone: return " (connection lost)";
    case CloseReason::too_long: return " (message too long)";
    case CloseReason::idle: return " (idle timeout)";
    case CloseReason::shutdown: return " (server shutting down)";
    }
    return "";
}

class Session {
public:
    Session(net::tcp::socket socket, const std::string& peer, Worker& worker)
        : socket_(std::move(socket)),
          options_(worker.options()),
          entry_(worker.sessions(), socket_, options_.delay.count() > 0 ? &pause_ : nullptr),
          peer_(peer),
          framer_(options_.max_message)
    {
        // So that take_input() can take what else has arrived without waiting.
        asio::error_code ignored;
        socket_.non_blocking(true, ignored);
    }

    net::awaitable<void> run()
    {
        if (!options_.quiet) {
            net::log("Accept new connection from {}...", peer_);
        }
        const auto reason = co_await converse();
        if (!options_.quiet) {
            net::log("Connection from {} closed{}.", peer_, describe(reason));
        }
    }

private:
    // The tutorial's tcplink(): greet, then read, answer, repeat.
    net::awaitable<CloseReason> converse()
    {
        if (!co_await send(protocol::greeting)) {
            co_return why_gone();
        }
        for (;;) {
            const auto event = framer_.next();
            if (const auto* message = std::get_if<Message>(&event)) {
                if (protocol::is_exit(message->text)) {
                    co_return co_await flush() ? CloseReason::exit : why_gone();
                }
                if (!co_await answer(*message)) {
                    co_return why_gone();
                }
                continue;
            }
            // All that one read brought is answered: the replies leave together.
            if (!co_await flush()) {
                co_return why_gone();
            }
            if (std::holds_alternative<protocol::MessageTooLong>(event)) {
                co_await send(protocol::error_reply(protocol::too_long_reason, framer_.client_line_open()));
                co_await linger();
                co_return CloseReason::too_long;
            }
            if (std::holds_alternative<protocol::EndOfStream>(event) || entry_.verdict() != Verdict::none) {
                co_return entry_.verdict() == Verdict::none ? CloseReason::end_of_stream : why_gone();
            }
            auto [error, size] = co_await socket_.async_read_some(
                asio::buffer(first_bytes_.data(), first_read_size_limit()), use_nothrow_awaitable);
            if (!take_input(error, size) || entry_.verdict() != Verdict::none) {
                co_return why_gone();
            }
        }
    }

    // Without --delay, the replies to one read are collected and leave
    // together in flush(). With it, each reply waits and goes out on its
    // own, as the tutorial's do.
    net::awaitable<bool> answer(const Message& message)
    {
        if (options_.verbose) {
            net::log("Message from {}: \"{}\"", peer_, protocol::printable(message.text));
        }
        if (options_.delay.count() > 0) {
            pause_.expires_after(options_.delay);
            co_await pause_.async_wait(use_nothrow_awaitable);
            entry_.made_progress();  // the client has not been idle while we were
        }
        protocol::append_reply(replies_, message);
        co_return options_.delay.count() > 0 ? co_await flush() : true;
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
        if (size < first_read_size_limit()) {
            framer_.received({first_bytes_.data(), size});  // nothing more was there
            return true;
        }
        const auto buffer = input_buffer();
        std::copy_n(first_bytes_.data(), size, buffer.data());
        asio::error_code nothing_more;  // would_block: the read was all there is; eof: seen next time
        size += socket_.read_some(asio::buffer(buffer.data() + size, buffer.size() - size), nothing_more);
        framer_.received({buffer.data(), size});
        return true;
    }

    // Where a read longer than first_bytes_ lands: room for the longest
    // message and its "\r\n" (so a raw read longer than a message may be is
    // refused, and a longest line still fits). Without --delay a session never
    // waits while it holds unanswered input: the replies to one read are all
    // built before its next co_await. So every session of a thread shares one
    // buffer. With --delay a session waits between replies and needs its own.
    std::span<char> input_buffer()
    {
        const auto size = options_.max_message + 2;
        if (options_.delay.count() > 0) {
            own_buffer_.resize(size);
            return own_buffer_;
        }
        thread_local std::vector<char> shared;
        if (shared.size() < size) {
            shared.resize(size);
        }
        return {shared.data(), size};
    }

    std::size_t first_read_size_limit() const { return std::min(first_bytes_.size(), options_.max_message + 2); }

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

    net::tcp::socket socket_;
    const ServerOptions& options_;
    asio::steady_timer pause_{socket_.get_executor()};
    SessionList::Entry entry_;
    const std::string& peer_;
    protocol::Framer framer_;
    std::array<char, first_read_size> first_bytes_;
    std::string replies_;
    std::vector<char> own_buffer_;  // only with --delay: see input_buffer()
};

}  // namespace

// `slot` is held, unused, for as long as the session lives.
net::awaitable<void> serve_client(net::tcp::socket socket, [[maybe_unused]] ConnectionSlot slot,
                                  Worker& worker)
{
    auto peer = net::peer_of(socket);
    try {
        if (worker.options().proxy_protocol) {  // --proxy-protocol: the balancer speaks first
            auto proxied = co_await read_proxy_header(socket, worker);
            if (!proxied) {
                co_return;  // read_proxy_header() logged why
            }
            peer = std::move(*proxied);
        }
        Session session(std::move(socket), peer, worker);
        co_await session.run();
    } catch (const std::exception& error) {
        // The session boundary: a bug or an exhausted resource ends this
        // client's session, never the server.
        net::log("Session with {} failed: {}", peer, error.what());
    }
}

}  // namespace hello::server
