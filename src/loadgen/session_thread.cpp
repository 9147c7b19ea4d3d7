#include "loadgen/session_thread.hpp"

#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>
#include <system_error>
#include <utility>

#include "loadgen/event_wait.hpp"
#include "loadgen/schedule.hpp"
#include "loadgen/source_address.hpp"
#include "protocol/printable.hpp"

namespace hello::loadgen {
namespace {

// Connecting, the greeting, every reply and the end of stream must each
// come within this.
constexpr auto session_step_timeout = std::chrono::seconds(10);
constexpr auto session_watchdog_period = std::chrono::milliseconds(500);
constexpr std::size_t max_session_error_samples = 3;

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
      live_latency_(plan.live_latency ? LatencyHistogram::counter_count : 0)
{
    slots_.reserve(plan.total_connections / plan.threads + 1);
    for (auto index = thread_index; index < plan.total_connections; index += plan.threads) {
        slots_.emplace_back().index = index;
    }
}

SessionThread::~SessionThread()
{
    for (auto& slot : slots_) {
        if (slot.descriptor >= 0) {
            ::close(slot.descriptor);
        }
    }
    if (epoll_ >= 0) {
        ::close(epoll_);
    }
}

void SessionThread::prepare_conversations()
{
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) {
        throw std::system_error(errno, std::generic_category(), "epoll_create1");
    }
}

void SessionThread::add_live_latency(std::vector<std::uint64_t>& totals) const
{
    totals.resize(LatencyHistogram::counter_count);
    for (std::size_t i = 0; i < live_latency_.size(); ++i) {
        totals[i] += live_latency_[i].load(std::memory_order_relaxed);
    }
}

// Closed loop: every connection begins a session at once, and each begins
// the next when one ends, until the time or session count is up. Open loop:
// sessions begin when they fall due, or as soon as the one before them on
// their connection has ended; a session's latency counts from when it was
// due.
void SessionThread::converse_all(Clock::time_point start)
{
    started_ = start;
    deadline_ = session_limit_ == no_limit ? started_ + plan_.duration : Clock::time_point::max();
    conversing_.store(true, std::memory_order_relaxed);
    active_ = slots_.size();
    if (open_loop_ && !slots_.empty()) {
        // A late timer would count as the server's latency (load_thread.cpp).
        ::prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
        next_due_ = due_time(slots_.front(), 0);
    } else {
        const auto now = Clock::now();
        for (auto& slot : slots_) {
            next_session(slot, now);
        }
    }

    std::array<epoll_event, 256> events;
    EventWait waiter(epoll_);
    auto next_watch = Clock::now() + session_watchdog_period;
    while (active_ > 0) {
        const auto due = open_loop_ && !schedule_over_ ? std::optional(next_due_) : std::nullopt;
        const int ready = waiter.wait(events, due, session_watchdog_period);
        if (ready < 0 && errno != EINTR) {
            throw std::system_error(errno, std::generic_category(), "epoll_wait");
        }
        for (int i = 0; i < ready; ++i) {
            on_readable(*static_cast<Slot*>(events[static_cast<std::size_t>(i)].data.ptr));
        }
        const auto now = Clock::now();
        if (open_loop_) {
            release_due(now);
        }
        if (now >= next_watch) {
            close_stalled(now);
            next_watch = now + session_watchdog_period;
        }
    }
    finished_ = Clock::now();
}

Clock::time_point SessionThread::due_time(const Slot& slot, std::uint64_t session) const
{
    return started_ + std::chrono::duration_cast<Clock::duration>(
                          due_after(session, slot.index, plan_.total_connections, *plan_.rate));
}

void SessionThread::release_due(Clock::time_point now)
{
    while (!schedule_over_ && next_due_ <= now) {
        if (next_due_ >= deadline_) {
            end_schedule();
            return;
        }
        auto& slot = slots_[cursor_];
        if (!slot.finished) {
            ++slot.due;
            if (slot.descriptor < 0) {
                next_session(slot, now);
            }
        }
        if (++cursor_ == slots_.size()) {
            cursor_ = 0;
            ++round_;
        }
        next_due_ = due_time(slots_[cursor_], round_);
    }
}

// What fell due and could not begin is counted, not begun late.
void SessionThread::end_schedule()
{
    schedule_over_ = true;
    for (auto& slot : slots_) {
        if (slot.finished) {
            continue;
        }
        unsent_ += std::exchange(slot.due, 0);
        if (slot.descriptor < 0) {
            finish(slot);
        }
    }
}

// What follows a session (or the start): the next one, if the run and the
// schedule say so, or the end of this connection's part.
void SessionThread::next_session(Slot& slot, Clock::time_point now)
{
    if (!open_loop_) {
        if (now < deadline_ && slot.begun < session_limit_) {
            begin_session(slot, now, now);
        } else {
            finish(slot);
        }
        return;
    }
    if (slot.due > 0) {
        --slot.due;
        begin_session(slot, now, due_time(slot, slot.begun));
    } else if (schedule_over_) {
        finish(slot);
    }
}

void SessionThread::begin_session(Slot& slot, Clock::time_point now, Clock::time_point counted_from)
{
    ++slot.begun;
    slot.session_start = counted_from;
    slot.connect_start = now;
    slot.waiting_since = now;
    slot.step = 0;
    slot.expected = script_.greeting;
    slot.received = 0;
    const auto& server = plan_.server;
    const int descriptor =
        ::socket(server.protocol().family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (descriptor < 0) {
        fail(slot, ErrorKind::connect, fmt::format("socket: {}", std::strerror(errno)));
        return;
    }
    slot.descriptor = descriptor;
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
            fail(slot, ErrorKind::connect, fmt::format("bind: {}", std::strerror(errno)));
            return;
        }
    }
    if (::connect(descriptor, server.data(), static_cast<socklen_t>(server.size())) != 0 &&
        errno != EINPROGRESS) {
        fail(slot, ErrorKind::connect, fmt::format("cannot connect: {}", std::strerror(errno)));
        return;
    }
    // Readable once "Welcome!" arrives, or the connect fails (EPOLLERR).
    epoll_event interest{};
    interest.events = EPOLLIN;
    interest.data.ptr = &slot;
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, descriptor, &interest) != 0) {
        fail(slot, ErrorKind::connect, fmt::format("epoll_ctl: {}", std::strerror(errno)));
    }
}

// One recv per readiness. Every byte must continue what is awaited; after
// "exit" nothing but the end of stream is.
void SessionThread::on_readable(Slot& slot)
{
    if (slot.descriptor < 0) {
        return;  // ended earlier in this batch of events
    }
    auto& buffer = slot.buffer;
    const auto got =
        ::recv(slot.descriptor, buffer.data() + slot.received, buffer.size() - slot.received, 0);
    const auto last_step = script_.steps.size() + 1;
    if (got == 0 && slot.step == last_step && slot.received == 0) {
        end_session(slot, Clock::now());
        return;
    }
    if (got <= 0) {
        fail_to_receive(slot, got);
        return;
    }
    slot.received += static_cast<std::size_t>(got);
    const std::string_view bytes(buffer.data(), slot.received);
    if (slot.received > slot.expected.size() || bytes != slot.expected.substr(0, slot.received)) {
        fail_mismatch(slot);
        return;
    }
    if (slot.received < slot.expected.size()) {
        return;
    }
    const auto now = Clock::now();
    slot.received = 0;
    slot.waiting_since = now;
    if (slot.step == 0) {
        connect_latency_.record(nanoseconds_between(slot.connect_start, now));
        greeted_.store(greeted_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    } else {
        replies_.store(replies_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }
    std::string_view request = script_.goodbye;
    slot.expected = {};
    if (slot.step < script_.steps.size()) {
        request = script_.steps[slot.step].request;
        slot.expected = script_.steps[slot.step].reply;
    }
    ++slot.step;
    const auto sent = ::send(slot.descriptor, request.data(), request.size(), MSG_NOSIGNAL);
    if (sent != static_cast<ssize_t>(request.size())) {
        fail(slot, ErrorKind::closed,
             sent < 0 ? fmt::format("cannot send: {}", std::strerror(errno))
                      : fmt::format("cannot send: only {} of {} bytes went", sent, request.size()));
    }
}

void SessionThread::fail_to_receive(Slot& slot, ssize_t got)
{
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    const auto what = got == 0 ? std::string("the server closed the connection")
                               : fmt::format("lost the connection: {}", std::strerror(errno));
    if (slot.step == 0) {
        fail(slot, ErrorKind::connect,
             got < 0 && slot.received == 0 ? fmt::format("cannot connect: {}", std::strerror(errno))
                                           : fmt::format("no greeting: {}", what));
        return;
    }
    fail(slot, ErrorKind::closed, what);
}

void SessionThread::fail_mismatch(Slot& slot)
{
    const std::string_view bytes(slot.buffer.data(), slot.received);
    const auto expected = slot.step == script_.steps.size() + 1
                              ? std::string("the end of stream")
                              : fmt::format("\"{}\"", protocol::printable(slot.expected));
    fail(slot, slot.step == 0 ? ErrorKind::connect : ErrorKind::mismatch,
         fmt::format("{}expected {}, got \"{}\"", slot.step == 0 ? "no greeting: " : "", expected,
                     protocol::printable(bytes)));
}

void SessionThread::end_session(Slot& slot, Clock::time_point now)
{
    const auto nanoseconds = nanoseconds_between(slot.session_start, now);
    latency_.record(nanoseconds);
    if (!live_latency_.empty()) {
        auto& counter = live_latency_[LatencyHistogram::counter_of(nanoseconds)];
        counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }
    sessions_.store(sessions_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    close_session(slot);
    next_session(slot, now);
}

void SessionThread::finish(Slot& slot)
{
    slot.finished = true;
    unsent_ += std::exchange(slot.due, 0);
    --active_;
}

void SessionThread::close_session(Slot& slot)
{
    slot.waiting_since = Clock::time_point::max();
    if (slot.descriptor >= 0) {
        ::close(slot.descriptor);  // also leaves the epoll set
        slot.descriptor = -1;
    }
}

// A failure ends its connection's part of the run: retrying at once would
// turn a refusing server into a loop of refusals.
void SessionThread::fail(Slot& slot, ErrorKind kind, std::string_view what)
{
    switch (kind) {
    case ErrorKind::connect: ++errors_.connect; break;
    case ErrorKind::timeout: ++errors_.timeout; break;
    case ErrorKind::closed: ++errors_.closed; break;
    case ErrorKind::mismatch: ++errors_.mismatch; break;
    }
    error_count_.fetch_add(1, std::memory_order_relaxed);
    if (error_samples_.size() < max_session_error_samples) {
        error_samples_.push_back(
            fmt::format("connection {}, session {}: {}", slot.index, slot.begun, what));
    }
    close_session(slot);
    finish(slot);
}

void SessionThread::close_stalled(Clock::time_point now)
{
    const auto stalled_since = now - session_step_timeout;
    for (auto& slot : slots_) {
        if (slot.descriptor >= 0 && slot.waiting_since < stalled_since) {
            fail(slot, ErrorKind::timeout,
                 fmt::format("nothing within {}s (step {} of the session)",
                             session_step_timeout.count(), slot.step));
        }
    }
}

}  // namespace hello::loadgen
