#include "server/session.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ops/access_log.hpp"
#include "protocol/conversation.hpp"
#include "server/linger.hpp"
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
    asio::steady_timer timer;  // the tutorial's sleep(1); ending the session cancels it
    // This session's own: it waits, for its pause, while input is unanswered.
    std::vector<char> input;
};

// One client's session: the socket, the conversation (protocol/
// conversation.hpp: what the client said and is owed, every rule) and the
// record of it, which the worker's sweep and the logs see. Its members are
// the card's steps: answer, write, read, close. The destructor counts and
// logs the close, however the session ended (an exception too: "failed").
class Session {
public:
    // `socket` and `admission` are the coroutine's own parameters: the
    // session refers to them rather than keep a second copy in its frame.
    Session(net::tcp::socket& socket, const Admission& admission, SessionContext& context);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Whether the conversation is over, for whatever reason.
    bool over() const
    {
        return failed_ || conversation_.ending() != protocol::Ending::none ||
               entry_.ended_by_server();
    }

    // Writes what the kernel takes at once, without waiting (the socket is
    // non-blocking). Replies are small and the socket's send buffer almost
    // always has room, so this is nearly always all of it: the session goes
    // on at once, without the round through the scheduler that an
    // async_write's completion takes, nor a nested coroutine's frame
    // (docs/BENCHMARKS.md). True when nothing is owed any more, or the write
    // failed.
    bool write_at_once();
    // Writes the rest of what is owed, as the kernel takes it.
    net::awaitable<void> write();

    // With --delay, messages wait for their pause: whether one does.
    bool has_unanswered() const { return !conversation_.needs_input(); }
    // Answers the next waiting message after the pause, as the tutorial
    // sleeps before each reply.
    net::awaitable<void> answer_after_pause();

    // Waits for what the client says next, into the first bytes.
    auto read()
    {
        context_.sessions.waiting_to_read(entry_);
        return socket().async_read_some(first_read(), use_nothrow_awaitable);
    }
    // Takes what the read brought, and answers all of it at once (with
    // --delay: none of it yet).
    void answer(asio::error_code error, std::size_t size);

    // Ends the session, however it ended, without losing what the client is
    // still to receive: the close lingers.
    net::awaitable<void> close();

private:
    net::tcp::socket& socket() { return entry_.socket(); }
    // Where each read lands first: a few bytes of the session's own frame,
    // and never more than one read may bring (a raw read over it is refused).
    asio::mutable_buffer first_read()
    {
        return asio::buffer(first_bytes_.data(), std::min(first_bytes_.size(), max_read()));
    }
    std::size_t max_read() const { return context_.server.options.max_message + 2; }
    void take_input(std::size_t size, std::span<char> more);
    void answer_all();
    void answered(const protocol::Message& message);
    void sent(std::size_t bytes);

    SessionContext& context_;
    const Admission& admission_;
    std::unique_ptr<Pacing> pacing_;
    SessionList::Entry entry_;  // and through it, the socket
    protocol::Conversation conversation_;
    Clock::time_point started_ = Clock::now();
    std::uint64_t bytes_in_ = 0;
    std::uint64_t bytes_out_ = 0;
    // Counted in 32 bits, so that with the two below it fits in one word;
    // the worker's counter is 64-bit.
    std::uint32_t messages_ = 0;
    CloseReason reason_ = CloseReason::failed;  // until close() says why
    bool failed_ = false;                       // a read or write failed: the connection is gone
    std::array<char, first_read_size> first_bytes_;
};

Session::Session(net::tcp::socket& socket, const Admission& admission, SessionContext& context)
    : context_(context),
      admission_(admission),
      pacing_(context.server.options.delay.count() > 0
                  ? std::make_unique<Pacing>(socket, context.server.options.max_message)
                  : nullptr),
      entry_(socket, pacing_ ? &pacing_->timer : nullptr),
      conversation_(context.server.options.max_message)  // owing "Welcome!"
{
    context_.sessions.join(entry_);
    if (!admission_.client.empty()) {
        ops::log_accept(admission_.client);
    }
}

Session::~Session()
{
    context_.sessions.leave(entry_);
    context_.counters.count_close(reason_);
    if (!admission_.client.empty()) {
        ops::log_close(admission_.client, reason_,
                       {Clock::now() - started_, messages_, bytes_in_, bytes_out_});
    }
}

bool Session::write_at_once()
{
    if (conversation_.owed().empty()) {
        return true;
    }
    asio::error_code error;
    const auto written = socket().write_some(asio::buffer(conversation_.owed()), error);
    if (error == asio::error::would_block) {
        return false;
    }
    sent(written);
    failed_ = bool(error);
    return failed_ || conversation_.owed().empty();
}

// Every byte the kernel takes is progress, and while the session waits the
// sweep watches the client's receive window (session_list.hpp): a client
// that takes about one receive buffer's worth per timeout is never closed as
// idle; one whose window stays shut for a timeout is (docs/HARDENING.md).
net::awaitable<void> Session::write()
{
    while (!conversation_.owed().empty()) {
        context_.sessions.waiting_to_write(entry_);
        auto [error, written] = co_await socket().async_write_some(
            asio::buffer(conversation_.owed()), use_nothrow_awaitable);
        if (error) {
            failed_ = true;
            co_return;
        }
        sent(written);
        context_.sessions.made_progress(entry_);
    }
}

net::awaitable<void> Session::answer_after_pause()
{
    if (const auto message = conversation_.next_message()) {
        pacing_->timer.expires_after(context_.server.options.delay);
        co_await pacing_->timer.async_wait(use_nothrow_awaitable);
        context_.sessions.made_progress(entry_);  // the client was not idle while we were
        answered(*message);
    }
}

void Session::answer(asio::error_code error, std::size_t size)
{
    if (error) {
        if (error != asio::error::eof) {
            failed_ = true;
            return;
        }
        conversation_.received_end_of_stream();  // what is pending is a last message
        if (!pacing_) {
            answer_all();
        }
        return;
    }
    context_.sessions.made_progress(entry_);  // and for the replies written at once, too
    if (pacing_) {
        take_input(size, pacing_->input);  // answered one by one, after their pauses
        return;
    }
    // What else has come lands in the shared input, which lends its bytes
    // only until every one of them is answered.
    context_.input.lend(max_read(), [&](std::span<char> more) {
        take_input(size, more);
        answer_all();
    });
}

// Hands the conversation what a read into the first bytes brought, and what
// else has come: when the read filled them, more may be waiting, and is
// taken now into `more` without waiting (the socket is non-blocking), so that
// a raw message arrives whole and pipelined lines are answered in one batch.
// One read's worth at most (--max-message + 2 bytes) per turn, so one client
// cannot hold the thread.
void Session::take_input(std::size_t size, std::span<char> more)
{
    if (size < first_read().size()) {
        conversation_.received({first_bytes_.data(), size});  // nothing more was there
    } else {
        std::copy_n(first_bytes_.data(), size, more.data());
        asio::error_code nothing_more;  // would_block: that was all; eof: seen by the next read
        size +=
            socket().read_some(asio::buffer(more.data() + size, more.size() - size), nothing_more);
        conversation_.received({more.data(), size});
    }
    bytes_in_ += size;
    context_.counters.received_bytes.add(size);
}

void Session::answer_all()
{
    while (const auto message = conversation_.next_message()) {
        answered(*message);
    }
}

void Session::answered(const protocol::Message& message)
{
    if (context_.server.options.verbose && !admission_.client.empty()) {
        ops::log_message(admission_.client, message.text);
    }
    ++messages_;
    context_.counters.messages.add();
    conversation_.answer(message);
}

void Session::sent(std::size_t bytes)
{
    conversation_.sent(bytes);
    bytes_out_ += bytes;
    context_.counters.sent_bytes.add(bytes);
}

net::awaitable<void> Session::close()
{
    // The one rule for why a session ended, decided before the linger,
    // which a stop may cut short.
    reason_ =
        protocol::decide_close_reason(entry_.ended_by_server(), failed_, conversation_.ending());
    co_await linger(socket(), context_, entry_);
}

}  // namespace

// The tutorial's tcplink(): greet, then answer what the client says until it
// says "exit" or goes. One coroutine frame holds the whole session while it
// waits for the client. An exception (a bug, or memory exhausted) ends this
// session only: it counts as "failed", and the spawn's completion handler
// logs it.
net::awaitable<void> serve_client(net::tcp::socket socket, Admission admission,
                                  SessionContext& context)
{
    Session session(socket, admission, context);
    for (;;) {
        // Write what the client is owed: the greeting, the replies to one
        // read, or an error line.
        if (!session.write_at_once()) {
            co_await session.write();
        }
        if (session.over()) {
            break;
        }
        // With --delay, answer the next message after its pause.
        if (session.has_unanswered()) {
            co_await session.answer_after_pause();
            continue;
        }
        // Read what it says next, and answer it.
        const auto [error, size] = co_await session.read();
        session.answer(error, size);
    }
    // The one place where a session ends. However it ends, the client may
    // still be sending: the close lingers, so that it receives every byte
    // written to it before.
    co_await session.close();
}

}  // namespace hello::server
