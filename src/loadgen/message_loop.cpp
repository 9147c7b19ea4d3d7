#include "loadgen/message_loop.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "loadgen/measured_loop.hpp"
#include "protocol/printable.hpp"

namespace hello::loadgen {
namespace {

std::string name_of(std::size_t index)
{
    return fmt::format("bench{}", index);
}

}  // namespace

MessageLoop::Connection::Connection(std::size_t index, Exchange exchange, std::size_t pipeline)
    : index(index), exchange(std::move(exchange)), in_flight(pipeline)
{
    for (std::size_t i = 0; i < pipeline; ++i) {
        requests += this->exchange.request;
    }
}

MessageLoop::MessageLoop(const LoadPlan& plan, std::size_t thread_index)
    : plan_(plan),
      tally_(plan.live_latency),
      open_loop_(plan.rate.has_value()),
      pipeline_(plan.pipeline),
      message_limit_(plan.messages_per_connection.value_or(no_limit))
{
    connections_.reserve(plan.total_connections / plan.threads + 1);
    for (auto index = thread_index; index < plan.total_connections; index += plan.threads) {
        connections_.emplace_back(index, exchange_for(plan.framing, name_of(index)), plan.pipeline);
    }
    if (open_loop_) {
        pacing_.emplace(thread_index, plan.threads, connections_.size(), plan.total_connections,
                        *plan.rate);
    }
}

MessageLoop::~MessageLoop()
{
    for (auto& connection : connections_) {
        if (connection.descriptor >= 0) {
            ::close(connection.descriptor);
        }
    }
}

std::vector<std::size_t> MessageLoop::indices() const
{
    std::vector<std::size_t> indices;
    indices.reserve(connections_.size());
    for (const auto& connection : connections_) {
        indices.push_back(connection.index);
    }
    return indices;
}

void MessageLoop::take(std::span<const int> descriptors)
{
    for (std::size_t i = 0; i < connections_.size(); ++i) {
        auto& connection = connections_[i];
        if (descriptors[i] < 0) {
            continue;
        }
        connection.descriptor = descriptors[i];
        ++open_connections_;
        // The loop only reads what epoll said has arrived.
        if (const int error = epoll_.add(connection.descriptor, &connection); error != 0) {
            fail(connection, ErrorKind::closed, fmt::format("epoll_ctl: {}", std::strerror(error)));
            continue;
        }
        connection.expected = connection.exchange.first_reply;
    }
}

// Closed loop: every connection sends its first requests (up to the
// pipeline depth), then each reply that arrives whole is checked, timed and
// answered with the next request, until the time or message count is up.
// Open loop: requests go when they fall due, if fewer than the pipeline depth
// are in flight, or else as soon as a reply makes room; a reply's latency
// counts from when its request was due. Level-triggered: one recv() per
// readiness, and whatever is left is reported again by the next wait.
void MessageLoop::converse_all(Clock::time_point start)
{
    deadline_ = plan_.deadline_after(start);
    tally_.begin_window(start);
    if (open_loop_) {
        EpollSet::wake_on_time();
        pacing_->start(start, deadline_);
    } else {
        const auto now = Clock::now();
        for (auto& connection : connections_) {
            if (connection.descriptor >= 0) {
                send_more(connection, now);
            }
        }
    }

    run_measured_loop<Connection>(
        epoll_, open_connections_, pacing_, [this](Connection& ready) { on_readable(ready); },
        [this](Clock::time_point now) { release_due(now); },
        [this](Clock::time_point now) { close_stalled(now); });
    tally_.end_window();
}

void MessageLoop::release_due(Clock::time_point now)
{
    const bool ended = pacing_->release_due(now, [&](std::size_t position) {
        auto& connection = connections_[position];
        if (connection.descriptor >= 0) {
            ++connection.due;
            send_more(connection, now);
        }
    });
    if (ended) {
        end_schedule();
    }
}

// What fell due and could not go is counted, not sent late: the run is over.
void MessageLoop::end_schedule()
{
    for (auto& connection : connections_) {
        if (connection.descriptor < 0) {
            continue;
        }
        tally_.add_unsent(std::exchange(connection.due, 0));
        if (connection.sent == connection.replies) {
            say_goodbye(connection);
        }
    }
}

// Sends what the connection may: closed loop, up to the pipeline depth while
// the run lasts; open loop, what has fallen due, up to the pipeline depth.
// Says goodbye once nothing is in flight and nothing more will go.
void MessageLoop::send_more(Connection& connection, Clock::time_point now)
{
    const auto in_flight = connection.sent - connection.replies;
    std::uint64_t count = 0;
    if (open_loop_) {
        count = std::min(connection.due, pipeline_ - in_flight);
        connection.due -= count;
    } else if (now < deadline_) {
        count = std::min(pipeline_ - in_flight, message_limit_ - connection.sent);
    }
    if (count > 0) {
        send_requests(connection, count, now);
    } else if (in_flight == 0 && (!open_loop_ || pacing_->over())) {
        say_goodbye(connection);
    }
}

inline void MessageLoop::send_requests(Connection& connection, std::uint64_t count,
                                       Clock::time_point now)
{
    if (connection.sent == connection.replies) {
        connection.waiting_since = now;
    }
    for (std::uint64_t i = 0; i < count; ++i) {
        connection.in_flight[connection.next_send] =
            open_loop_ ? due_time(connection, connection.sent + i) : now;
        if (++connection.next_send == pipeline_) {
            connection.next_send = 0;
        }
    }
    connection.sent += count;
    // At most `pipeline` requests are ever unanswered, and max_pipeline of
    // them fit in the smallest send buffer: they go whole or the connection
    // is broken.
    const auto size = count * connection.exchange.request.size();
    const auto sent = ::send(connection.descriptor, connection.requests.data(), size, MSG_NOSIGNAL);
    if (sent != static_cast<ssize_t>(size)) {
        fail_to_send(connection, sent, size);
    }
}

Clock::time_point MessageLoop::due_time(const Connection& connection, std::uint64_t message) const
{
    return pacing_->due_time(connection.index, message);
}

// Out of the way of the loop (cold, never inlined): formatting needs
// registers the usual path then need not save.
void MessageLoop::fail_to_send(Connection& connection, ssize_t sent, std::size_t size)
{
    fail(connection, ErrorKind::closed,
         sent < 0 ? fmt::format("cannot send: {}", std::strerror(errno))
                  : fmt::format("cannot send: only {} of {} bytes went", sent, size));
}

void MessageLoop::fail_to_receive(Connection& connection, ssize_t got)
{
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    fail(connection, ErrorKind::closed,
         got == 0 ? std::string("the server closed the connection")
                  : fmt::format("lost the connection: {}", std::strerror(errno)));
}

void MessageLoop::on_readable(Connection& connection)
{
    if (connection.descriptor < 0) {
        return;  // closed earlier in this batch of events
    }
    auto& buffer = connection.buffer;
    const auto got = ::recv(connection.descriptor, buffer.data() + connection.received,
                            buffer.size() - connection.received, 0);
    if (got <= 0) {
        fail_to_receive(connection, got);
        return;
    }
    connection.received += static_cast<std::size_t>(got);
    const auto expected = connection.expected;
    std::uint64_t whole = 1;
    // The usual read: exactly the one reply awaited.
    if (connection.received == expected.size() && connection.sent != connection.replies &&
        std::memcmp(buffer.data(), expected.data(), expected.size()) == 0) {
        connection.received = 0;
        connection.expected = connection.exchange.reply;
    } else {
        whole = take_replies(connection);
        if (whole == 0) {
            return;
        }
    }
    const auto now = Clock::now();
    record_replies(connection, whole, now);
    send_more(connection, now);
}

// Every byte must continue the replies expected: one that differs, or any
// byte when no reply is awaited, is a mismatch, and nothing of that read
// counts. Returns the whole replies taken from the buffer (0 also when the
// connection failed).
std::uint64_t MessageLoop::take_replies(Connection& connection)
{
    auto& buffer = connection.buffer;
    const std::string_view bytes(buffer.data(), connection.received);
    const auto awaited = connection.sent - connection.replies;
    auto expected = connection.expected;
    std::size_t used = 0;
    std::size_t reply_start = 0;  // of the reply checked last, for the error
    std::uint64_t whole = 0;
    while (used < bytes.size()) {
        const auto rest = bytes.substr(used);
        if (whole == awaited ||
            rest.substr(0, expected.size()) != expected.substr(0, rest.size())) {
            fail(connection, ErrorKind::mismatch,
                 fmt::format(
                     "expected \"{}\", got \"{}\"", protocol::printable(expected),
                     protocol::printable(bytes.substr(whole == awaited ? reply_start : used))));
            return 0;
        }
        if (rest.size() < expected.size()) {
            break;
        }
        reply_start = used;
        used += expected.size();
        ++whole;
        expected = connection.exchange.reply;
    }
    connection.expected = expected;
    connection.received -= used;
    if (whole > 0 && connection.received > 0) {
        std::memmove(buffer.data(), buffer.data() + used, connection.received);
    }
    return whole;
}

inline void MessageLoop::record_replies(Connection& connection, std::uint64_t count,
                                        Clock::time_point now)
{
    for (std::uint64_t i = 0; i < count; ++i) {
        const auto nanoseconds = static_cast<std::uint64_t>(
            std::chrono::nanoseconds(now - connection.in_flight[connection.next_reply]).count());
        if (++connection.next_reply == pipeline_) {
            connection.next_reply = 0;
        }
        tally_.record_latency(nanoseconds);
    }
    connection.replies += count;
    connection.waiting_since =
        connection.sent > connection.replies ? now : Clock::time_point::max();
    tally_.add_replies(count);
}

// As a client should; the server closes its side.
void MessageLoop::say_goodbye(Connection& connection)
{
    const auto& goodbye = connection.exchange.goodbye;
    [[maybe_unused]] const auto ignored =
        ::send(connection.descriptor, goodbye.data(), goodbye.size(), MSG_NOSIGNAL);
    close(connection);
}

void MessageLoop::fail(Connection& connection, ErrorKind kind, std::string_view what)
{
    tally_.record_error(kind, fmt::format("connection {}: {}", connection.index, what));
    close(connection);
}

void MessageLoop::close(Connection& connection)
{
    connection.waiting_since = Clock::time_point::max();
    if (connection.descriptor >= 0) {
        ::close(connection.descriptor);  // also leaves the epoll set
        connection.descriptor = -1;
        --open_connections_;
    }
}

// The watchdog: a reply that takes too long ends its connection.
void MessageLoop::close_stalled(Clock::time_point now)
{
    const auto stalled_since = now - reply_timeout;
    for (auto& connection : connections_) {
        if (connection.descriptor >= 0 && connection.waiting_since < stalled_since) {
            fail(connection, ErrorKind::timeout,
                 fmt::format("no reply within {}s", reply_timeout.count()));
        }
    }
}

}  // namespace hello::loadgen
