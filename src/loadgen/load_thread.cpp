#include "loadgen/load_thread.hpp"

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "loadgen/source_address.hpp"
#include "protocol/printable.hpp"
#include "protocol/replies.hpp"

namespace hello::bench {
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

LoadThread::Connection::Connection(asio::io_context& io, std::size_t index, Exchange exchange)
    : socket(io), index(index), exchange(std::move(exchange))
{
}

LoadThread::LoadThread(const LoadPlan& plan, std::size_t thread_index) : plan_(plan)
{
    connections_.reserve(plan.total_connections / plan.threads + 1);
    for (auto index = thread_index; index < plan.total_connections; index += plan.threads) {
        connections_.emplace_back(io_, index, exchange_for(plan.framing, name_of(index)));
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

// Every connection sends its first request, then each reply that arrives
// whole is checked, timed and answered with the next request, until the time
// or message count is up. Level-triggered: one recv() per readiness, and
// whatever is left is reported again by the next epoll_wait().
void LoadThread::converse_all()
{
    const int epoll = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll < 0) {
        throw std::system_error(errno, std::generic_category(), "epoll_create1");
    }
    started_ = Clock::now();
    deadline_ = started_ + plan_.duration;
    conversing_.store(true, std::memory_order_relaxed);
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
        if (::epoll_ctl(epoll, EPOLL_CTL_ADD, connection.descriptor, &interest) != 0) {
            fail(connection, ErrorKind::closed, fmt::format("epoll_ctl: {}", std::strerror(errno)));
            continue;
        }
        connection.expected = connection.exchange.first_reply;
        send_request(connection, Clock::now());
    }

    std::array<epoll_event, 256> events;
    const auto watchdog_ms = static_cast<int>(watchdog_period.count());
    auto next_watch = Clock::now() + watchdog_period;
    while (conversing_connections_ > 0) {
        const int ready =
            ::epoll_wait(epoll, events.data(), static_cast<int>(events.size()), watchdog_ms);
        if (ready < 0 && errno != EINTR) {
            const int error = errno;
            ::close(epoll);
            throw std::system_error(error, std::generic_category(), "epoll_wait");
        }
        for (int i = 0; i < ready; ++i) {
            on_readable(*static_cast<Connection*>(events[static_cast<std::size_t>(i)].data.ptr));
        }
        if (const auto now = Clock::now(); now >= next_watch) {
            close_stalled(now);
            next_watch = now + watchdog_period;
        }
    }
    ::close(epoll);
    finished_ = Clock::now();
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

bool LoadThread::keep_sending(std::uint64_t sent, Clock::time_point now) const
{
    return plan_.messages_per_connection ? sent < *plan_.messages_per_connection : now < deadline_;
}

void LoadThread::send_request(Connection& connection, Clock::time_point now)
{
    connection.waiting_since = now;
    const auto& request = connection.exchange.request;
    // In lockstep the send buffer is empty: a request of a few bytes goes
    // whole or the connection is broken.
    const auto sent = ::send(connection.descriptor, request.data(), request.size(), MSG_NOSIGNAL);
    if (sent != static_cast<ssize_t>(request.size())) {
        fail(connection, ErrorKind::closed,
             sent < 0 ? fmt::format("cannot send: {}", std::strerror(errno))
                      : fmt::format("cannot send: only {} of {} bytes went", sent, request.size()));
    }
}

// A byte that differs from the expected reply, or one byte more than it, is
// a mismatch: in lockstep the server has nothing else to say.
void LoadThread::on_readable(Connection& connection)
{
    if (connection.descriptor < 0) {
        return;  // closed earlier in this batch of events
    }
    auto& buffer = connection.buffer;
    const auto got = ::recv(connection.descriptor, buffer.data() + connection.received,
                            buffer.size() - connection.received, 0);
    if (got <= 0) {
        if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
            return;
        }
        fail(connection, ErrorKind::closed,
             got == 0 ? std::string("the server closed the connection")
                      : fmt::format("lost the connection: {}", std::strerror(errno)));
        return;
    }
    connection.received += static_cast<std::size_t>(got);
    const auto expected = connection.expected;
    const std::string_view so_far(buffer.data(), connection.received);
    if (connection.received > expected.size() ||
        so_far != expected.substr(0, connection.received)) {
        fail(connection, ErrorKind::mismatch,
             fmt::format("expected \"{}\", got \"{}\"", protocol::printable(expected),
                         protocol::printable(so_far)));
        return;
    }
    if (connection.received < expected.size()) {
        return;
    }
    const auto now = Clock::now();
    latency_.record(static_cast<std::uint64_t>(
        std::chrono::nanoseconds(now - connection.waiting_since).count()));
    // Only this thread writes the count: no read-modify-write needed.
    replies_.store(replies_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    connection.expected = connection.exchange.reply;
    connection.received = 0;
    if (keep_sending(++connection.replies, now)) {
        send_request(connection, now);
    } else {
        say_goodbye(connection);
    }
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

}  // namespace hello::bench
