#include "loadgen/load_thread.hpp"

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

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
#include "protocol/replies.hpp"

namespace hello::loadgen {
namespace {

using net::use_nothrow_awaitable;

// Connects in flight at once per worker: enough to connect 10,000 clients in
// well under a second, few enough not to overflow the server's listen backlog.
constexpr std::size_t connect_wave = 256;
// Connecting, the greeting and every reply must take less than this.
constexpr auto reply_timeout = std::chrono::seconds(10);
// How often the watchdog looks for stalled connections.
constexpr auto watchdog_period = std::chrono::milliseconds(500);
constexpr std::size_t max_error_samples = 3;

std::string name_of(std::size_t index)
{
    return fmt::format("bench{}", index);
}

bool is_loopback_v4(const net::tcp::endpoint& endpoint)
{
    return endpoint.address().is_v4() && endpoint.address().is_loopback();
}

}  // namespace

LoadThread::Connection::Connection(asio::io_context& io, std::size_t index, Exchange exchange,
                                   std::size_t pipeline)
    : socket(io), index(index), exchange(std::move(exchange)), in_flight(pipeline)
{
    for (std::size_t i = 0; i < pipeline; ++i) {
        requests += this->exchange.request;
    }
}

LoadThread::LoadThread(const LoadPlan& plan, std::size_t thread_index)
    : plan_(plan),
      open_loop_(plan.rate.has_value()),
      pipeline_(plan.pipeline),
      message_limit_(plan.messages_per_connection.value_or(no_limit)),
      live_latency_(plan.live_latency ? LatencyHistogram::counter_count : 0)
{
    connections_.reserve(plan.total_connections / plan.threads + 1);
    for (auto index = thread_index; index < plan.total_connections; index += plan.threads) {
        connections_.emplace_back(io_, index, exchange_for(plan.framing, name_of(index)),
                                  plan.pipeline);
    }
}

LoadThread::~LoadThread()
{
    for (auto& connection : connections_) {
        if (connection.descriptor >= 0) {
            ::close(connection.descriptor);
        }
    }
    if (epoll_ >= 0) {
        ::close(epoll_);
    }
}

void LoadThread::connect_all()
{
    const auto connectors = std::min(connect_wave, connections_.size());
    for (std::size_t i = 0; i < connectors; ++i) {
        asio::co_spawn(io_, connect_next(), [this](std::exception_ptr failure) {
            failure_ = failure ? failure : failure_;
        });
    }
    run_until_all_done(connectors);
}

void LoadThread::prepare_conversations()
{
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) {
        throw std::system_error(errno, std::generic_category(), "epoll_create1");
    }
    for (auto& connection : connections_) {
        if (!connection.socket.is_open()) {
            continue;
        }
        // Ours from now on: Asio's reactor forgets it (its epoll set no
        // longer wakes for it). It stays non-blocking, as async_connect
        // left it; and the loop only reads what epoll said has arrived.
        connection.descriptor = connection.socket.release();
        ++conversing_connections_;
        epoll_event interest{};
        interest.events = EPOLLIN;
        interest.data.ptr = &connection;
        if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, connection.descriptor, &interest) != 0) {
            fail(connection, ErrorKind::closed, fmt::format("epoll_ctl: {}", std::strerror(errno)));
            continue;
        }
        connection.expected = connection.exchange.first_reply;
    }
}

void LoadThread::add_live_latency(std::vector<std::uint64_t>& totals) const
{
    totals.resize(LatencyHistogram::counter_count);
    for (std::size_t i = 0; i < live_latency_.size(); ++i) {
        totals[i] += live_latency_[i].load(std::memory_order_relaxed);
    }
}

// Closed loop: every connection sends its first requests (up to the
// pipeline depth), then each reply that arrives whole is checked, timed and
// answered with the next request, until the time or message count is up.
// Open loop: requests go when they fall due, if fewer than the pipeline depth
// are in flight, or else as soon as a reply makes room; a reply's latency
// counts from when its request was due. Level-triggered: one recv() per
// readiness, and whatever is left is reported again by the next wait.
void LoadThread::converse_all(Clock::time_point start)
{
    started_ = start;
    // A message count ends the run instead of a time.
    deadline_ = message_limit_ == no_limit ? started_ + plan_.duration : Clock::time_point::max();
    conversing_.store(true, std::memory_order_relaxed);
    if (open_loop_ && !connections_.empty()) {
        // A timer may fire up to its thread's slack late (50 us by default,
        // 1 us here): lateness would count as the server's latency.
        ::prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
        next_due_ = due_time(connections_.front(), 0);
    } else {
        const auto now = Clock::now();
        for (auto& connection : connections_) {
            if (connection.descriptor >= 0) {
                send_more(connection, now);
            }
        }
    }

    std::array<epoll_event, 256> events;
    EventWait waiter(epoll_);
    auto next_watch = Clock::now() + watchdog_period;
    while (conversing_connections_ > 0) {
        const auto due = open_loop_ && !schedule_over_ ? std::optional(next_due_) : std::nullopt;
        const int ready = waiter.wait(events, due, watchdog_period);
        if (ready < 0 && errno != EINTR) {
            throw std::system_error(errno, std::generic_category(), "epoll_wait");
        }
        for (int i = 0; i < ready; ++i) {
            on_readable(*static_cast<Connection*>(events[static_cast<std::size_t>(i)].data.ptr));
        }
        const auto now = Clock::now();
        if (open_loop_) {
            release_due(now);
        }
        if (now >= next_watch) {
            close_stalled(now);
            next_watch = now + watchdog_period;
        }
    }
    finished_ = Clock::now();
}

Clock::time_point LoadThread::due_time(const Connection& connection, std::uint64_t message) const
{
    return started_ + std::chrono::duration_cast<Clock::duration>(due_after(
                          message, connection.index, plan_.total_connections, *plan_.rate));
}

void LoadThread::release_due(Clock::time_point now)
{
    while (!schedule_over_ && next_due_ <= now) {
        if (next_due_ >= deadline_) {
            end_schedule();
            return;
        }
        auto& connection = connections_[cursor_];
        if (connection.descriptor >= 0) {
            ++connection.due;
            send_more(connection, now);
        }
        if (++cursor_ == connections_.size()) {
            cursor_ = 0;
            ++round_;
        }
        next_due_ = due_time(connections_[cursor_], round_);
    }
}

// What fell due and could not go is counted, not sent late: the run is over.
void LoadThread::end_schedule()
{
    schedule_over_ = true;
    for (auto& connection : connections_) {
        if (connection.descriptor < 0) {
            continue;
        }
        unsent_ += std::exchange(connection.due, 0);
        if (connection.sent == connection.replies) {
            say_goodbye(connection);
        }
    }
}

void LoadThread::run_until_all_done(std::size_t coroutines)
{
    running_ = coroutines;
    if (running_ > 0) {
        asio::co_spawn(io_, watch_for_stalls(), asio::detached);
    }
    io_.run();
    io_.restart();
    if (failure_) {
        std::rethrow_exception(std::exchange(failure_, nullptr));
    }
}

void LoadThread::one_done()
{
    if (--running_ == 0) {
        watchdog_timer_.cancel();
    }
}

net::awaitable<void> LoadThread::connect_next()
{
    while (next_to_connect_ < connections_.size()) {
        co_await connect(connections_[next_to_connect_++]);
    }
    one_done();
}

void LoadThread::open(Connection& connection, asio::error_code& error)
{
    auto& socket = connection.socket;
    socket.open(plan_.server.protocol(), error);
    const auto octet = loopback_source_octet(connection.index, plan_.total_connections);
    if (error || !octet || !is_loopback_v4(plan_.server)) {
        return;
    }
    // Let connect() pick the port, knowing the destination: otherwise bind()
    // would reserve a port per socket as if for any destination.
    const int yes = 1;
    ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &yes, sizeof yes);
    socket.bind(net::tcp::endpoint(asio::ip::address_v4({127, 0, 0, *octet}), 0), error);
}

net::awaitable<void> LoadThread::connect(Connection& connection)
{
    connection.waiting_since = Clock::now();
    asio::error_code error;
    open(connection, error);
    if (!error) {
        std::tie(error) =
            co_await connection.socket.async_connect(plan_.server, use_nothrow_awaitable);
    }
    if (error) {
        fail(connection, ErrorKind::connect,
             connection.timed_out ? fmt::format("no connection within {}s", reply_timeout.count())
                                  : fmt::format("cannot connect: {}", error.message()));
        co_return;
    }
    connection.socket.set_option(net::tcp::no_delay(true), error);
    if (plan_.proxy_v1) {
        const auto local = connection.socket.local_endpoint(error);
        const auto header =
            proxy_v1_header(local.address().to_string(), local.port(),
                            plan_.server.address().to_string(), plan_.server.port());
        std::tie(error, std::ignore) = co_await asio::async_write(
            connection.socket, asio::buffer(header), use_nothrow_awaitable);
        if (error) {
            fail(connection, ErrorKind::connect,
                 fmt::format("cannot send the PROXY header: {}", error.message()));
            co_return;
        }
    }
    if (auto failure = co_await receive(connection, protocol::greeting)) {
        fail(connection, ErrorKind::connect, fmt::format("no greeting: {}", failure->what));
        co_return;
    }
    connection.waiting_since = Clock::time_point::max();
    connected_.fetch_add(1, std::memory_order_relaxed);
}

// Sends what the connection may: closed loop, up to the pipeline depth while
// the run lasts; open loop, what has fallen due, up to the pipeline depth.
// Says goodbye once nothing is in flight and nothing more will go.
void LoadThread::send_more(Connection& connection, Clock::time_point now)
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
    } else if (in_flight == 0 && (schedule_over_ || !open_loop_)) {
        say_goodbye(connection);
    }
}

inline void LoadThread::send_requests(Connection& connection, std::uint64_t count,
                                      Clock::time_point now)
{
    if (connection.sent == connection.replies) {
        connection.waiting_since = now;
    }
    for (std::uint64_t i = 0; i < count; ++i) {
        connection.in_flight[connection.send_slot] =
            open_loop_ ? due_time(connection, connection.sent + i) : now;
        if (++connection.send_slot == pipeline_) {
            connection.send_slot = 0;
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

// Out of the way of the loop (cold, never inlined): formatting needs
// registers the usual path then need not save.
void LoadThread::fail_to_send(Connection& connection, ssize_t sent, std::size_t size)
{
    fail(connection, ErrorKind::closed,
         sent < 0 ? fmt::format("cannot send: {}", std::strerror(errno))
                  : fmt::format("cannot send: only {} of {} bytes went", sent, size));
}

void LoadThread::fail_to_receive(Connection& connection, ssize_t got)
{
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    fail(connection, ErrorKind::closed,
         got == 0 ? std::string("the server closed the connection")
                  : fmt::format("lost the connection: {}", std::strerror(errno)));
}

void LoadThread::on_readable(Connection& connection)
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
std::uint64_t LoadThread::take_replies(Connection& connection)
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

inline void LoadThread::record_replies(Connection& connection, std::uint64_t count,
                                       Clock::time_point now)
{
    for (std::uint64_t i = 0; i < count; ++i) {
        const auto nanoseconds = static_cast<std::uint64_t>(
            std::chrono::nanoseconds(now - connection.in_flight[connection.reply_slot]).count());
        if (++connection.reply_slot == pipeline_) {
            connection.reply_slot = 0;
        }
        latency_.record(nanoseconds);
        if (!live_latency_.empty()) {
            auto& counter = live_latency_[LatencyHistogram::counter_of(nanoseconds)];
            counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        }
    }
    connection.replies += count;
    connection.waiting_since =
        connection.sent > connection.replies ? now : Clock::time_point::max();
    // Only this thread writes the count: no read-modify-write needed.
    replies_.store(replies_.load(std::memory_order_relaxed) + count, std::memory_order_relaxed);
}

// As a client should; the server closes its side.
void LoadThread::say_goodbye(Connection& connection)
{
    const auto& goodbye = connection.exchange.goodbye;
    [[maybe_unused]] const auto ignored =
        ::send(connection.descriptor, goodbye.data(), goodbye.size(), MSG_NOSIGNAL);
    close(connection);
}

// Reads until `expected` has arrived whole. A byte that differs, or one byte
// more than expected, is a mismatch: in lockstep the server has nothing else
// to say.
net::awaitable<std::optional<LoadThread::Failure>> LoadThread::receive(Connection& connection,
                                                                       std::string_view expected)
{
    auto& buffer = connection.buffer;
    std::size_t received = 0;
    while (received < expected.size()) {
        auto [error, size] = co_await connection.socket.async_read_some(
            asio::buffer(buffer.data() + received, buffer.size() - received),
            use_nothrow_awaitable);
        if (connection.timed_out) {
            co_return Failure{ErrorKind::timeout,
                              fmt::format("no reply within {}s", reply_timeout.count())};
        }
        if (error) {
            co_return Failure{ErrorKind::closed,
                              error == asio::error::eof
                                  ? std::string("the server closed the connection")
                                  : fmt::format("lost the connection: {}", error.message())};
        }
        received += size;
        const std::string_view got(buffer.data(), received);
        if (received > expected.size() || got != expected.substr(0, received)) {
            co_return Failure{ErrorKind::mismatch,
                              fmt::format("expected \"{}\", got \"{}\"",
                                          protocol::printable(expected), protocol::printable(got))};
        }
    }
    co_return std::nullopt;
}

void LoadThread::fail(Connection& connection, ErrorKind kind, std::string_view what)
{
    switch (kind) {
    case ErrorKind::connect: ++errors_.connect; break;
    case ErrorKind::timeout: ++errors_.timeout; break;
    case ErrorKind::closed: ++errors_.closed; break;
    case ErrorKind::mismatch: ++errors_.mismatch; break;
    }
    error_count_.fetch_add(1, std::memory_order_relaxed);
    if (error_samples_.size() < max_error_samples) {
        error_samples_.push_back(fmt::format("connection {}: {}", connection.index, what));
    }
    close(connection);
}

void LoadThread::close(Connection& connection)
{
    connection.waiting_since = Clock::time_point::max();
    if (connection.descriptor >= 0) {
        ::close(connection.descriptor);  // also leaves the epoll set
        connection.descriptor = -1;
        --conversing_connections_;
    } else {
        asio::error_code ignored;
        connection.socket.close(ignored);
    }
}

// The conversing phase's watchdog: a reply that takes too long ends its
// connection.
void LoadThread::close_stalled(Clock::time_point now)
{
    const auto stalled_since = now - reply_timeout;
    for (auto& connection : connections_) {
        if (connection.descriptor >= 0 && connection.waiting_since < stalled_since) {
            fail(connection, ErrorKind::timeout,
                 fmt::format("no reply within {}s", reply_timeout.count()));
        }
    }
}

// The connecting phase's watchdog: one timer for all connections instead of one per read: a timer
// per operation would cost as much as the operation it guards.
net::awaitable<void> LoadThread::watch_for_stalls()
{
    while (running_ > 0) {
        watchdog_timer_.expires_after(watchdog_period);
        co_await watchdog_timer_.async_wait(use_nothrow_awaitable);
        const auto stalled_since = Clock::now() - reply_timeout;
        for (auto& connection : connections_) {
            if (connection.waiting_since < stalled_since) {
                connection.timed_out = true;
                connection.waiting_since = Clock::time_point::max();
                asio::error_code ignored;
                connection.socket.close(ignored);
            }
        }
    }
}

}  // namespace hello::loadgen
