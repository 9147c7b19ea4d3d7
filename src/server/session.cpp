#include "server/session.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "net/endpoint.hpp"
#include "net/log.hpp"
#include "ops/access_log.hpp"
#include "protocol/conversation.hpp"
#include "server/linger.hpp"
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

// What only --delay needs, kept out of the sessions that do not use it.
struct Pacing {
    Pacing(net::tcp::socket& socket, std::size_t max_message)
        : timer(socket.get_executor()), input(max_message + 2)
    {
    }
    // The tutorial's sleep(1), before each reply. Ending the session cancels it.
    net::awaitable<void> pause(std::chrono::milliseconds delay)
    {
        timer.expires_after(delay);
        co_await timer.async_wait(use_nothrow_awaitable);
    }

    asio::steady_timer timer;
    std::vector<char> input;  // this session's own: it waits while input is unanswered
};

// One session as its worker and the logs see it: its place in the idle sweep
// and what it amounted to, for its close line and the worker's counters once
// it ends, however it ends (an exception too: then as "failed").
class SessionRecord {
public:
    SessionRecord(SessionContext& context, net::tcp::socket& socket, asio::steady_timer* pause)
        : context_(context), entry_(socket, pause)
    {
        context_.sessions.join(entry_);
    }
    ~SessionRecord()
    {
        context_.sessions.leave(entry_);
        context_.counters.count_close(reason_);
        if (!context_.options.quiet && !peer_.empty()) {
            ops::log_close(peer_, reason_,
                           {Clock::now() - started_, messages_, bytes_in_, bytes_out_});
        }
    }
    SessionRecord(const SessionRecord&) = delete;
    SessionRecord& operator=(const SessionRecord&) = delete;

    // How the logs name the client; an unnamed session is never logged.
    std::string& peer() { return peer_; }
    void opened()
    {
        if (!context_.options.quiet) {
            ops::log_accept(peer_);
        }
    }
    const SessionList::Entry& entry() const { return entry_; }
    // Bytes moved, one way or the other: the idle clock restarts.
    void made_progress() { context_.sessions.made_progress(entry_); }
    void waiting_to_write() { context_.sessions.waiting_to_write(entry_); }
    void waiting_to_read() { context_.sessions.waiting_to_read(entry_); }
    // Ends our side without losing what the client is still to receive.
    net::awaitable<void> linger(net::tcp::socket& socket)
    {
        return server::linger(socket, context_.sessions, entry_);
    }
    std::optional<CloseReason> ended_by_server() const { return entry_.ended_by_server(); }

    void received(std::size_t bytes)
    {
        bytes_in_ += bytes;
        context_.counters.received_bytes.add(bytes);
    }
    void sent(std::size_t bytes)
    {
        bytes_out_ += bytes;
        context_.counters.sent_bytes.add(bytes);
    }
    void answered(std::string_view message)
    {
        if (context_.options.verbose) {
            ops::log_message(peer_, message);
        }
        ++messages_;
        context_.counters.messages.add();
    }
    void ended(CloseReason reason) { reason_ = reason; }
    CloseReason reason() const { return reason_; }

private:
    std::string peer_;
    SessionContext& context_;
    SessionList::Entry entry_;
    Clock::time_point started_ = Clock::now();
    std::uint64_t bytes_in_ = 0;
    std::uint64_t bytes_out_ = 0;
    // Counted in 32 bits, so that with reason_ it fits the word the 64-bit
    // fields leave (8 bytes less a session); the worker's counter is 64-bit.
    std::uint32_t messages_ = 0;
    CloseReason reason_ = CloseReason::failed;  // until the session says why
};

// Where each read lands first: a few bytes of the session's own frame, and
// never more than one read may bring (a raw read over it is refused).
asio::mutable_buffer first_read(std::array<char, first_read_size>& first_bytes,
                                std::size_t max_message)
{
    return asio::buffer(first_bytes.data(), std::min(first_bytes.size(), max_message + 2));
}

// Writes what the kernel takes at once, without waiting (the socket is
// non-blocking). Replies are small and the socket's send buffer almost always
// has room, so this is nearly always all of it: the session goes on at once,
// without the round through the scheduler that an async_write's completion
// takes, nor a nested coroutine's frame (together about 1,000 instructions a
// reply, docs/BENCHMARKS.md). True when nothing is owed any more, or the
// write failed (then `failed` is set).
bool written_at_once(net::tcp::socket& socket, protocol::Conversation& conversation,
                     SessionRecord& session, bool& failed)
{
    asio::error_code error;
    const auto written = socket.write_some(asio::buffer(conversation.owed()), error);
    if (error == asio::error::would_block) {
        return false;
    }
    conversation.sent(written);
    session.sent(written);
    failed = bool(error);
    return failed || conversation.owed().empty();
}

// Writes the rest of what the conversation owes, as the kernel takes it.
// Every byte taken is progress, and while it waits the sweep watches the
// client's receive window (session_list.hpp): a client that takes about one
// receive buffer's worth per timeout is never closed as idle; one whose
// window stays shut for a timeout is (docs/HARDENING.md).
// False when the write failed.
net::awaitable<bool> send(net::tcp::socket& socket, protocol::Conversation& conversation,
                          SessionRecord& session)
{
    while (!conversation.owed().empty()) {
        session.waiting_to_write();
        auto [error, written] = co_await socket.async_write_some(asio::buffer(conversation.owed()),
                                                                 use_nothrow_awaitable);
        if (error) {
            co_return false;
        }
        conversation.sent(written);
        session.sent(written);
        session.made_progress();
    }
    co_return true;
}

// Answers every message the client's last read brought, all at once.
void answer_all(protocol::Conversation& conversation, SessionRecord& session)
{
    while (const auto message = conversation.next_message()) {
        session.answered(message->text);
        conversation.answer(*message);
    }
}

// With --delay: answers the next message, if there is one, after the pause,
// as the tutorial sleeps before each reply.
net::awaitable<void> answer_one_after_pause(protocol::Conversation& conversation,
                                            SessionRecord& session, Pacing& pacing,
                                            std::chrono::milliseconds delay)
{
    if (const auto message = conversation.next_message()) {
        co_await pacing.pause(delay);
        session.made_progress();  // the client was not idle while we were
        session.answered(message->text);
        conversation.answer(*message);
    }
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

// Hands the conversation what a read into `first_read` brought, and what
// else has come: when the read filled it, more may be waiting, and is taken
// now without waiting (the socket is non-blocking), so that a raw message
// arrives whole and pipelined lines are answered in one batch. One read's
// worth at most (--max-message + 2 bytes) per turn, so one client cannot hold
// the thread. Returns how many bytes that was.
std::size_t take_input(net::tcp::socket& socket, asio::mutable_buffer first_read, std::size_t size,
                       protocol::Conversation& conversation, std::size_t max_message,
                       Pacing* pacing)
{
    const auto* first = static_cast<const char*>(first_read.data());
    if (size < first_read.size()) {
        conversation.received({first, size});  // nothing more was there
        return size;
    }
    const auto more = more_bytes(max_message + 2, pacing);
    std::copy_n(first, size, more.data());
    asio::error_code nothing_more;  // would_block: that was all; eof: seen by the next read
    size += socket.read_some(asio::buffer(more.data() + size, more.size() - size), nothing_more);
    conversation.received({more.data(), size});
    return size;
}

}  // namespace

// The tutorial's tcplink(): greet, then answer what the client says until it
// says "exit" or goes. One coroutine frame holds the whole conversation while
// it waits for the client; `slot` is held, unused, for as long as it lives.
// An exception (a bug, or memory exhausted) ends this session only: its record
// counts it as "failed", and the acceptor's completion handler logs it.
net::awaitable<void> serve_client(net::tcp::socket socket, [[maybe_unused]] ConnectionSlot slot,
                                  SessionContext& context)
{
    const auto pacing = context.options.delay.count() > 0
                            ? std::make_unique<Pacing>(socket, context.options.max_message)
                            : nullptr;
    SessionRecord session(context, socket, pacing ? &pacing->timer : nullptr);
    // The name the logs give the client: its address, or with
    // --proxy-protocol the one the balancer's header names.
    if (!context.options.proxy_protocol) {
        session.peer() = net::peer_of(socket);
    } else {
        session.waiting_to_read();  // a shutdown ends the wait for the header too
        if (!co_await read_proxy_header(socket, context.options.proxy_header_timeout,
                                        session.entry(), session.peer())) {
            session.ended(CloseReason::proxy_header);  // logged already; never a session
            co_return;
        }
    }
    session.opened();

    protocol::Conversation conversation(context.options.max_message);  // owing "Welcome!"
    std::array<char, first_read_size> first_bytes;
    bool failed = false;  // a read or write failed: the connection is gone
    for (;;) {
        // Answer what the client has said: all of it, or with --delay one
        // message a turn.
        if (pacing) {
            co_await answer_one_after_pause(conversation, session, *pacing, context.options.delay);
        } else {
            answer_all(conversation, session);
        }
        // Write what it is owed: the greeting, the replies to one read, or
        // an error line.
        if (!written_at_once(socket, conversation, session, failed)) {
            failed = !co_await send(socket, conversation, session);
        }
        if (failed || conversation.ending() != protocol::Ending::none ||
            session.ended_by_server()) {
            break;
        }
        if (!conversation.needs_input()) {
            continue;  // with --delay: more messages wait for their pause
        }
        // Read what it says next.
        session.waiting_to_read();
        const auto [error, size] = co_await socket.async_read_some(
            first_read(first_bytes, context.options.max_message), use_nothrow_awaitable);
        if (error == asio::error::eof) {
            conversation.received_end_of_stream();
        } else if (error) {
            failed = true;
            break;
        } else {
            session.made_progress();  // and for the replies written at once, too
            session.received(take_input(socket,
                                        first_read(first_bytes, context.options.max_message), size,
                                        conversation, context.options.max_message, pacing.get()));
        }
    }
    // The one place where a session ends, and the one rule for why. However
    // it ends, the client may still be sending: the close lingers, so that
    // it receives every byte written to it before.
    session.ended(
        protocol::decide_close_reason(session.ended_by_server(), failed, conversation.ending()));
    co_await session.linger(socket);
}

}  // namespace hello::server
