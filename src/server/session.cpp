#include "server/session.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "net/endpoint.hpp"
#include "net/log.hpp"
#include "net/timeout.hpp"
#include "ops/access_log.hpp"
#include "protocol/conversation.hpp"
#include "server/proxy_handshake.hpp"
#include "server/session_context.hpp"

namespace hello::server {
namespace {

using net::use_nothrow_awaitable;
using protocol::CloseReason;
using Clock = std::chrono::steady_clock;

// Each read lands first in this many bytes of the session's own frame:
// enough for most names, and small, because an idle session spends its life
// waiting in that read (docs/BENCHMARKS.md, memory per connection).
constexpr std::size_t first_read_size = 16;

// How long a client refused with an error may go on sending before we close.
constexpr auto linger_time = std::chrono::seconds(2);

// What only --delay needs, kept out of the sessions that do not use it.
struct Pacing {
    Pacing(net::tcp::socket& socket, std::size_t max_message)
        : timer(socket.get_executor()), input(max_message + 2)
    {
    }
    asio::steady_timer timer;  // the tutorial's sleep(1), before each reply
    std::vector<char> input;   // this session's own: it waits while input is unanswered
};

// What a session amounts to, for its close line and the worker's counters.
class Tally {
public:
    Tally(const std::string& peer, SessionContext& context) : peer_(peer), context_(context)
    {
        if (!context_.options.quiet) {
            ops::log_accept(peer_);
        }
    }
    void received(std::size_t bytes)
    {
        totals_.bytes_in += bytes;
        context_.counters.received_bytes.add(bytes);
    }
    void sent(std::size_t bytes)
    {
        totals_.bytes_out += bytes;
        context_.counters.sent_bytes.add(bytes);
    }
    void answered(std::string_view message)
    {
        if (context_.options.verbose) {
            ops::log_message(peer_, message);
        }
        ++totals_.messages;
        context_.counters.messages.add();
    }
    void closed(CloseReason reason)
    {
        context_.counters.count_close(reason);
        if (!context_.options.quiet) {
            totals_.duration = Clock::now() - started_;
            ops::log_close(peer_, reason, totals_);
        }
    }

private:
    const std::string& peer_;
    SessionContext& context_;
    Clock::time_point started_ = Clock::now();
    ops::SessionTotals totals_;
};

// The name the logs give the client: its address, or with --proxy-protocol
// the one the balancer's header names (nothing if there was no valid header).
net::awaitable<std::optional<std::string>> client_name(net::tcp::socket& socket,
                                                       const ServerOptions& options,
                                                       const SessionList::Entry& session)
{
    if (!options.proxy_protocol) {
        co_return net::peer_of(socket);
    }
    co_return co_await read_proxy_header(socket, options.proxy_header_timeout, session);
}

// Writes what the kernel takes at once, without waiting (the socket is
// non-blocking). Replies are small and the socket's send buffer almost always
// has room, so this is nearly always all of it: the session goes on at once,
// without the round through the scheduler that an async_write's completion
// takes, nor a nested coroutine's frame (together about 1,000 instructions a
// reply, docs/BENCHMARKS.md). True when nothing is owed any more, or the
// write failed (`error` says which).
bool written_at_once(net::tcp::socket& socket, protocol::Conversation& conversation,
                     Tally& tally, asio::error_code& error)
{
    const auto written = socket.write_some(asio::buffer(conversation.owed()), error);
    if (error == asio::error::would_block) {
        error = {};
        return false;
    }
    conversation.sent(written);
    tally.sent(written);
    return error || conversation.owed().empty();
}

// Writes the rest of what the conversation owes, as the kernel takes it.
// Every byte it takes is progress, so a client that reads, however slowly, is
// never closed as idle; one that stops reading is, after --idle-timeout.
net::awaitable<asio::error_code> send(net::tcp::socket& socket,
                                      protocol::Conversation& conversation,
                                      SessionList::Entry& session, Tally& tally)
{
    asio::error_code error;
    while (!error && !conversation.owed().empty()) {
        std::size_t written = 0;
        std::tie(error, written) = co_await socket.async_write_some(
            asio::buffer(conversation.owed()), use_nothrow_awaitable);
        conversation.sent(written);
        tally.sent(written);
        session.made_progress();
    }
    co_return error;
}

// Where a read longer than the first bytes lands: room for the longest
// message and its "\r\n". Without --delay a session never waits while it
// holds unanswered input (the replies to one read are all owed before its
// next co_await), so every session of a thread shares one buffer; with
// --delay each has its own.
std::span<char> more_bytes(std::size_t size, Pacing* pacing)
{
    if (pacing != nullptr) {
        return pacing->input;
    }
    thread_local std::vector<char> shared;
    if (shared.size() < size) {
        shared.resize(size);
    }
    return {shared.data(), size};
}

// What a read into `first_read` brought, and what else has come. When the
// read filled them, more may be waiting: it is taken now, without waiting
// (the socket is non-blocking), so that a raw message arrives whole and
// pipelined lines are answered in one batch. One read's worth at most
// (--max-message + 2 bytes) per turn, so one client cannot hold the thread.
template <typename MoreBytes>
std::string_view take_input(net::tcp::socket& socket, std::span<const char> first_read,
                            std::size_t size, MoreBytes more_bytes)
{
    if (size < first_read.size()) {
        return {first_read.data(), size};  // nothing more was there
    }
    const auto more = more_bytes();
    std::copy_n(first_read.data(), size, more.data());
    asio::error_code nothing_more;  // would_block: that was all; eof: seen by the next read
    size += socket.read_some(asio::buffer(more.data() + size, more.size() - size), nothing_more);
    return {more.data(), size};
}

// Closing a socket with unread input makes the kernel send a reset, which can
// destroy the error reply before the client reads it. So, like nginx's
// lingering close: end our side, then read and discard what the client is
// still sending, until it closes too or the time is up.
net::awaitable<void> linger(net::tcp::socket& socket)
{
    asio::error_code error;
    socket.shutdown(net::tcp::socket::shutdown_send, error);
    thread_local std::array<char, 4096> discarded;  // never read, so it may be shared
    const auto give_up = Clock::now() + linger_time;
    while (!error) {
        std::tie(error, std::ignore) = co_await net::within(
            give_up - Clock::now(),
            socket.async_read_some(asio::buffer(discarded), use_nothrow_awaitable));
    }
}

}  // namespace

// The tutorial's tcplink(): greet, then answer what the client says until it
// says "exit" or goes. One coroutine frame holds the whole conversation while
// it waits for the client; `slot` is held, unused, for as long as it lives.
net::awaitable<void> serve_client(net::tcp::socket socket, [[maybe_unused]] ConnectionSlot slot,
                                  SessionContext& context)
{
    const auto& options = context.options;
    const auto pacing =
        options.delay.count() > 0 ? std::make_unique<Pacing>(socket, options.max_message) : nullptr;
    SessionList::Entry session(context.sessions, socket, pacing ? &pacing->timer : nullptr);
    const auto peer = co_await client_name(socket, options, session);
    if (!peer) {
        context.counters.count_close(CloseReason::proxy_header);  // logged; never a session
        co_return;
    }
    Tally tally(*peer, context);
    auto reason = CloseReason::failed;
    try {
        protocol::Conversation conversation(options.max_message);  // owing "Welcome!"
        std::array<char, first_read_size> first_bytes;
        // Never more than one read may bring (a raw read over it is refused).
        const auto first_read =
            std::span(first_bytes).first(std::min(first_bytes.size(), options.max_message + 2));
        asio::error_code error;
        socket.non_blocking(true, error);  // for send()'s first try and take_input()
        for (;;) {
            // Answer what the client has said. With --delay, one message a
            // turn, after the pause: the tutorial sleeps before each reply.
            while (const auto message = conversation.next_message()) {
                if (pacing) {
                    pacing->timer.expires_after(options.delay);
                    co_await pacing->timer.async_wait(use_nothrow_awaitable);
                    session.made_progress();  // the client was not idle while we were
                }
                tally.answered(message->text);
                conversation.answer(*message);
                if (pacing) {
                    break;
                }
            }
            // Write what it is owed: the greeting, all the replies to one
            // read at once, or an error line.
            if (!written_at_once(socket, conversation, tally, error)) {
                error = co_await send(socket, conversation, session, tally);
            }
            if (error || conversation.ending() != protocol::Ending::none ||
                session.ended_by_server()) {
                break;
            }
            if (!conversation.needs_input()) {
                continue;  // with --delay: more messages wait for their pause
            }
            // Read what it says next.
            auto [read_error, size] =
                co_await socket.async_read_some(asio::buffer(first_read.data(), first_read.size()),
                                             use_nothrow_awaitable);
            if (read_error == asio::error::eof) {
                conversation.received_end_of_stream();
            } else if (read_error) {
                error = read_error;
                break;
            } else {
                const auto input = take_input(socket, first_read, size, [&] {
                    return more_bytes(options.max_message + 2, pacing.get());
                });
                session.made_progress();  // and for the replies written at once, too
                tally.received(input.size());
                conversation.received(input);
            }
        }
        // The one place where a session ends, and the one rule for why.
        reason = protocol::decide_close_reason(session.ended_by_server(), bool(error),
                                               conversation.ending());
        if (reason == CloseReason::too_long) {
            co_await linger(socket);
        }
    } catch (const std::exception& failure) {
        // The session boundary: a bug or an exhausted resource ends this
        // client's session, never the server.
        net::log("Session with {} failed: {}", *peer, failure.what());
    }
    tally.closed(reason);
}

}  // namespace hello::server
