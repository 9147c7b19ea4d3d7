#include "loadgen/session_thread.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "loadgen/measured_loop.hpp"
#include "loadgen/source_address.hpp"
#include "protocol/printable.hpp"

namespace hello::loadgen {
namespace {

std::uint64_t nanoseconds_between(Clock::time_point from, Clock::time_point to)
{
    return static_cast<std::uint64_t>(std::chrono::nanoseconds(to - from).count());
}

}  // namespace

SessionThread::SessionThread(const LoadPlan& plan, std::size_t thread_index)
    : plan_(plan),
      script_(session_script(plan.framing, plan.names)),
      open_loop_(plan.rate.has_value()),
      session_limit_(plan.messages_per_connection.value_or(no_limit)),
      spread_sources_(plan.server.address().is_v4() && plan.server.address().is_loopback()),
      tally_(plan.live_latency)
{
    connections_.reserve(plan.total_connections / plan.threads + 1);
    for (auto index = thread_index; index < plan.total_connections; index += plan.threads) {
        connections_.emplace_back().index = index;
    }
    if (open_loop_) {
        pacing_.emplace(thread_index, plan.threads, connections_.size(), plan.total_connections,
                        *plan.rate);
    }
}

SessionThread::~SessionThread()
{
    for (auto& connection : connections_) {
        if (connection.descriptor >= 0) {
            ::close(connection.descriptor);
        }
    }
}

// Closed loop: every connection begins a session at once, and each begins
// the next when one ends, until the time or session count is up. Open loop:
// sessions begin when they fall due, or as soon as the one before them on
// their connection has ended; a session's latency counts from when it was
// due.
void SessionThread::converse_all(Clock::time_point start)
{
    deadline_ = plan_.deadline_after(start);
    tally_.begin_window(start);
    active_ = connections_.size();
    if (open_loop_) {
        EpollSet::wake_on_time();
        pacing_->start(start, deadline_);
    } else {
        const auto now = Clock::now();
        for (auto& connection : connections_) {
            next_session(connection, now);
        }
    }

    run_measured_loop<Connection>(
        epoll_, active_, pacing_, [this](Connection& ready) { on_readable(ready); },
        [this](Clock::time_point now) { release_due(now); },
        [this](Clock::time_point now) { close_stalled(now); });
    tally_.end_window();
}

void SessionThread::release_due(Clock::time_point now)
{
    const bool ended = pacing_->release_due(now, [&](std::size_t position) {
        auto& connection = connections_[position];
        if (!connection.finished) {
            ++connection.due;
            if (connection.descriptor < 0) {
                next_session(connection, now);
            }
        }
    });
    if (ended) {
        end_schedule();
    }
}

// What fell due and could not begin is counted, not begun late.
void SessionThread::end_schedule()
{
    for (auto& connection : connections_) {
        if (connection.finished) {
            continue;
        }
        tally_.add_unsent(std::exchange(connection.due, 0));
        if (connection.descriptor < 0) {
            finish(connection);
        }
    }
}

// What follows a session (or the start): the next one, if the run and the
// schedule say so, or the end of this connection's part.
void SessionThread::next_session(Connection& connection, Clock::time_point now)
{
    if (!open_loop_) {
        if (now < deadline_ && connection.begun < session_limit_) {
            begin_session(connection, now, now);
        } else {
            finish(connection);
        }
        return;
    }
    if (connection.due > 0) {
        --connection.due;
        begin_session(connection, now, due_time(connection));
    } else if (pacing_->over()) {
        finish(connection);
    }
}

Clock::time_point SessionThread::due_time(const Connection& connection) const
{
    return pacing_->due_time(connection.index, connection.begun);
}

void SessionThread::begin_session(Connection& connection, Clock::time_point now,
                                  Clock::time_point counted_from)
{
    ++connection.begun;
    connection.session_start = counted_from;
    connection.connect_start = now;
    connection.waiting_since = now;
    connection.step = 0;
    connection.expected = script_.greeting;
    connection.received = 0;
    const auto& server = plan_.server;
    const int descriptor =
        ::socket(server.protocol().family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (descriptor < 0) {
        fail(connection, ErrorKind::connect, fmt::format("socket: {}", std::strerror(errno)));
        return;
    }
    connection.descriptor = descriptor;
    // No TCP_NODELAY, as in the tutorial's client: it sends only once
    // everything it sent is answered, so Nagle's algorithm never holds it.
    if (spread_sources_) {
        const int yes = 1;
        // The port is then chosen by connect(), knowing the destination.
        ::setsockopt(descriptor, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &yes, sizeof yes);
        sockaddr_in source{};
        source.sin_family = AF_INET;
        source.sin_addr.s_addr = htonl((127U << 24) | session_source_octet(next_source_++));
        if (::bind(descriptor, reinterpret_cast<const sockaddr*>(&source), sizeof source) != 0) {
            fail(connection, ErrorKind::connect, fmt::format("bind: {}", std::strerror(errno)));
            return;
        }
    }
    if (::connect(descriptor, server.data(), static_cast<socklen_t>(server.size())) != 0 &&
        errno != EINPROGRESS) {
        fail(connection, ErrorKind::connect,
             fmt::format("cannot connect: {}", std::strerror(errno)));
        return;
    }
    // Readable once "Welcome!" arrives, or the connect fails (EPOLLERR).
    if (const int error = epoll_.add(descriptor, &connection); error != 0) {
        fail(connection, ErrorKind::connect, fmt::format("epoll_ctl: {}", std::strerror(error)));
    }
}

// One recv per readiness. Every byte must continue what is awaited; after
// "exit" nothing but the end of stream is.
void SessionThread::on_readable(Connection& connection)
{
    if (connection.descriptor < 0) {
        return;  // ended earlier in this batch of events
    }
    auto& buffer = connection.buffer;
    const auto got = ::recv(connection.descriptor, buffer.data() + connection.received,
                            buffer.size() - connection.received, 0);
    const auto last_step = script_.steps.size() + 1;
    if (got == 0 && connection.step == last_step && connection.received == 0) {
        end_session(connection, Clock::now());
        return;
    }
    if (got <= 0) {
        fail_to_receive(connection, got);
        return;
    }
    connection.received += static_cast<std::size_t>(got);
    const std::string_view bytes(buffer.data(), connection.received);
    if (connection.received > connection.expected.size() ||
        bytes != connection.expected.substr(0, connection.received)) {
        fail_mismatch(connection);
        return;
    }
    if (connection.received < connection.expected.size()) {
        return;
    }
    const auto now = Clock::now();
    connection.received = 0;
    connection.waiting_since = now;
    if (connection.step == 0) {
        tally_.record_connect_latency(nanoseconds_between(connection.connect_start, now));
        tally_.add_connected();
    } else {
        tally_.add_replies(1);
    }
    std::string_view request = script_.goodbye;
    connection.expected = {};
    if (connection.step < script_.steps.size()) {
        request = script_.steps[connection.step].request;
        connection.expected = script_.steps[connection.step].reply;
    }
    ++connection.step;
    const auto sent = ::send(connection.descriptor, request.data(), request.size(), MSG_NOSIGNAL);
    if (sent != static_cast<ssize_t>(request.size())) {
        fail(connection, ErrorKind::closed,
             sent < 0 ? fmt::format("cannot send: {}", std::strerror(errno))
                      : fmt::format("cannot send: only {} of {} bytes went", sent, request.size()));
    }
}

void SessionThread::fail_to_receive(Connection& connection, ssize_t got)
{
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    const auto what = got == 0 ? std::string("the server closed the connection")
                               : fmt::format("lost the connection: {}", std::strerror(errno));
    if (connection.step == 0) {
        fail(connection, ErrorKind::connect,
             got < 0 && connection.received == 0
                 ? fmt::format("cannot connect: {}", std::strerror(errno))
                 : fmt::format("no greeting: {}", what));
        return;
    }
    fail(connection, ErrorKind::closed, what);
}

void SessionThread::fail_mismatch(Connection& connection)
{
    const std::string_view bytes(connection.buffer.data(), connection.received);
    const auto expected = connection.step == script_.steps.size() + 1
                              ? std::string("the end of stream")
                              : fmt::format("\"{}\"", protocol::printable(connection.expected));
    fail(connection, connection.step == 0 ? ErrorKind::connect : ErrorKind::mismatch,
         fmt::format("{}expected {}, got \"{}\"", connection.step == 0 ? "no greeting: " : "",
                     expected, protocol::printable(bytes)));
}

void SessionThread::end_session(Connection& connection, Clock::time_point now)
{
    tally_.record_latency(nanoseconds_between(connection.session_start, now));
    tally_.add_session();
    close_session(connection);
    next_session(connection, now);
}

void SessionThread::finish(Connection& connection)
{
    connection.finished = true;
    tally_.add_unsent(std::exchange(connection.due, 0));
    --active_;
}

void SessionThread::close_session(Connection& connection)
{
    connection.waiting_since = Clock::time_point::max();
    if (connection.descriptor >= 0) {
        ::close(connection.descriptor);  // also leaves the epoll set
        connection.descriptor = -1;
    }
}

// A failure ends its connection's part of the run: retrying at once would
// turn a refusing server into a loop of refusals.
void SessionThread::fail(Connection& connection, ErrorKind kind, std::string_view what)
{
    tally_.record_error(kind, fmt::format("connection {}, session {}: {}", connection.index,
                                          connection.begun, what));
    close_session(connection);
    finish(connection);
}

void SessionThread::close_stalled(Clock::time_point now)
{
    const auto stalled_since = now - reply_timeout;
    for (auto& connection : connections_) {
        if (connection.descriptor >= 0 && connection.waiting_since < stalled_since) {
            fail(connection, ErrorKind::timeout,
                 fmt::format("nothing within {}s (step {} of the session)", reply_timeout.count(),
                             connection.step));
        }
    }
}

}  // namespace hello::loadgen
