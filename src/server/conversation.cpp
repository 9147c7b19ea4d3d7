#include "server/conversation.hpp"

#include <algorithm>
#include <chrono>
#include <tuple>

#include "net/log.hpp"
#include "net/timeout.hpp"
#include "protocol/replies.hpp"
#include "server/worker.hpp"

namespace hello::server {
namespace {

using net::use_nothrow_awaitable;
using Verdict = SessionList::Verdict;

// How long a client refused with an error may go on sending before we close.
constexpr auto linger_time = std::chrono::seconds(2);

}  // namespace

// What only --delay needs, kept out of the conversations that do not use it.
struct Conversation::Delayed {
    Delayed(net::tcp::socket& socket, const ServerOptions& options)
        : pause(socket.get_executor()), input(options.max_message + 2)
    {
    }
    asio::steady_timer pause;  // before each reply
    std::vector<char> input;   // see input_buffer()
};

Conversation::Conversation(net::tcp::socket& socket, const std::string& peer, Worker& worker)
    : socket_(socket),
      options_(worker.options()),
      counters_(worker.counters()),
      delayed_(options_.delay.count() > 0 ? std::make_unique<Delayed>(socket, options_) : nullptr),
      entry_(worker.sessions(), socket_, delayed_ ? &delayed_->pause : nullptr),
      peer_(peer),
      framer_(options_.max_message),
      replies_(protocol::greeting)
{
    // So that take_input() can take what else has arrived without waiting.
    asio::error_code ignored;
    socket_.non_blocking(true, ignored);
    if (!options_.quiet) {
        log_accept(peer_);
    }
}

Conversation::~Conversation()
{
    counters_.count_close(reason_);
    if (!options_.quiet) {
        log_close(peer_, reason_,
                  SessionTotals{std::chrono::steady_clock::now() - started_, messages_, bytes_in_,
                                bytes_out_});
    }
}

CloseReason Conversation::why_gone() const
{
    switch (entry_.verdict()) {
    case Verdict::idle: return CloseReason::idle;
    case Verdict::stop_requested:
    case Verdict::closed: return CloseReason::shutdown;
    case Verdict::none: break;
    }
    return CloseReason::client_gone;
}

asio::mutable_buffer Conversation::first_read_buffer()
{
    return asio::buffer(first_bytes_.data(),
                        std::min(first_bytes_.size(), options_.max_message + 2));
}

// When the first bytes filled their buffer, more may be waiting: it is taken
// now, without waiting, so that a raw message arrives whole and pipelined
// lines are answered in one batch (one read's worth: at most --max-message
// + 2 bytes per turn, so one client cannot hold the thread for longer).
bool Conversation::take_input(asio::error_code error, std::size_t size)
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
    } else {
        const auto buffer = input_buffer();
        std::copy_n(first_bytes_.data(), size, buffer.data());
        asio::error_code nothing_more;  // would_block: that was all; eof: seen by the next read
        size += socket_.read_some(asio::buffer(buffer.data() + size, buffer.size() - size),
                                  nothing_more);
        framer_.received({buffer.data(), size});
    }
    bytes_in_ += size;
    counters_.received_bytes.add(size);
    return true;
}

// Where a read longer than first_bytes_ lands: room for the longest message
// and its "\r\n" (so a raw read longer than a message may be is refused, and
// a longest line still fits). Without --delay a session never waits while it
// holds unanswered input: the replies to one read are all built before its
// next co_await. So every session of a thread shares one buffer. With --delay
// a session waits between replies and needs its own.
std::span<char> Conversation::input_buffer()
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

void Conversation::answer(const protocol::Message& message)
{
    if (options_.verbose) {
        log_message(peer_, message.text);
    }
    protocol::append_reply(replies_, message);
    ++messages_;
    counters_.messages.add();
}

net::awaitable<bool> Conversation::answer_after_delay(const protocol::Message& message)
{
    delayed_->pause.expires_after(options_.delay);
    co_await delayed_->pause.async_wait(use_nothrow_awaitable);
    entry_.made_progress();  // the client has not been idle while we were
    answer(message);
    co_return co_await flush();
}

bool Conversation::replies_sent(asio::error_code error, std::size_t written)
{
    replies_.clear();
    return wrote(error, written);
}

bool Conversation::wrote(asio::error_code error, std::size_t written)
{
    bytes_out_ += written;
    counters_.sent_bytes.add(written);
    if (error) {
        return false;
    }
    entry_.made_progress();
    return true;
}

net::awaitable<bool> Conversation::flush()
{
    auto [error, written] = co_await asio::async_write(socket_, replies(), use_nothrow_awaitable);
    co_return replies_sent(error, written);
}

// A client that does not take its replies within --idle-timeout is closed by
// the worker's idle sweep, which makes this write fail.
net::awaitable<bool> Conversation::send(std::string_view bytes)
{
    if (bytes.empty()) {
        co_return true;
    }
    auto [error, written] =
        co_await asio::async_write(socket_, asio::buffer(bytes), use_nothrow_awaitable);
    co_return wrote(error, written);
}

net::awaitable<void> Conversation::refuse(std::string_view reason)
{
    co_await send(protocol::error_reply(reason, framer_.client_line_open()));
    co_await linger();
}

// Closing a socket with unread input makes the kernel send a reset, which can
// destroy the error reply before the client reads it. So, like nginx's
// lingering close: end our side, then read and discard what the client is
// still sending, until it closes too or the time is up.
net::awaitable<void> Conversation::linger()
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

}  // namespace hello::server
