#pragma once
// One client's conversation, as state and steps: what it has said, what we
// owe it, and the single steps (read input, answer, write, linger) that the
// session coroutine (session.cpp) strings together.
//
// It lives in the session coroutine's frame, so an idle session costs that
// frame, the pending read and Asio's registration of the socket: its members
// are chosen to be small (see docs/BENCHMARKS.md, memory per connection).

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "net/asio_compat.hpp"
#include "protocol/framing.hpp"
#include "server/access_log.hpp"
#include "server/counters.hpp"
#include "server/options.hpp"
#include "server/session_list.hpp"

namespace hello::server {

class Worker;

class Conversation {
public:
    // Logs the new connection, and owes it the greeting as its first reply;
    // the destructor logs its end, why, and what it amounted to, and counts it.
    Conversation(net::tcp::socket& socket, const std::string& peer, Worker& worker);
    ~Conversation();
    Conversation(const Conversation&) = delete;
    Conversation& operator=(const Conversation&) = delete;

    // Records why the conversation ended, for the closing log line.
    void end(CloseReason reason) { reason_ = reason; }
    // Why it ended early: the worker ended it (idle, shutdown), or the client left.
    CloseReason why_gone() const;
    // Whether the worker has asked it to end.
    bool ended_by_worker() const { return entry_.verdict() != SessionList::Verdict::none; }

    protocol::FramerEvent next_event() { return framer_.next(); }

    // Where each read lands first: a few bytes inside the conversation.
    asio::mutable_buffer first_read_buffer();
    // Hands the framer what one read into first_read_buffer() brought, and
    // whatever else has arrived. False when the client is gone.
    bool take_input(asio::error_code error, std::size_t size);

    // Without --delay: appends the answer to the replies, which leave
    // together once all that one read brought is answered.
    void answer(const protocol::Message& message);
    // With --delay: waits, then answers and sends at once, as the tutorial
    // does. False when the client is gone.
    bool delays_replies() const { return delayed_ != nullptr; }
    net::awaitable<bool> answer_after_delay(const protocol::Message& message);

    // The replies not yet sent, and the bookkeeping once a write of them has
    // completed (false when it failed).
    bool has_replies() const { return !replies_.empty(); }
    asio::const_buffer replies() const { return asio::buffer(replies_); }
    bool replies_sent(asio::error_code error, std::size_t written);
    net::awaitable<bool> flush();
    // Writes all of `bytes`. False when the client is gone.
    net::awaitable<bool> send(std::string_view bytes);
    // Sends "error: <reason>" and closes without destroying it (linger()).
    net::awaitable<void> refuse(std::string_view reason);

private:
    net::awaitable<void> linger();
    struct Delayed;
    std::span<char> input_buffer();
    // Counts what a write sent; false if it failed.
    bool wrote(asio::error_code error, std::size_t written);

    // Each read lands first in this many bytes: enough for most names, and
    // small, because an idle session spends its life waiting in that read.
    static constexpr std::size_t first_read_size = 16;

    net::tcp::socket& socket_;
    const ServerOptions& options_;
    WorkerCounters& counters_;
    std::unique_ptr<Delayed> delayed_;  // only with --delay
    SessionList::Entry entry_;
    const std::string& peer_;
    protocol::Framer framer_;
    std::array<char, first_read_size> first_bytes_;
    std::string replies_;
    CloseReason reason_ = CloseReason::failed;
    // For the close line (the worker's counters get the same, summed).
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    std::uint64_t messages_ = 0;
    std::uint64_t bytes_in_ = 0;
    std::uint64_t bytes_out_ = 0;
};

}  // namespace hello::server
