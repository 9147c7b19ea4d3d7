#include "bench/worker.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include <cstring>
#include <utility>

#include "bench/source_address.hpp"
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

Worker::Connection::Connection(asio::io_context& io, std::size_t index, Exchange exchange)
    : socket(io), index(index), exchange(std::move(exchange))
{
}

Worker::Worker(const LoadPlan& plan, std::size_t thread_index) : plan_(plan)
{
    connections_.reserve(plan.total_connections / plan.threads + 1);
    for (auto index = thread_index; index < plan.total_connections; index += plan.threads) {
        connections_.emplace_back(io_, index, exchange_for(plan.framing, name_of(index)));
    }
}

void Worker::connect_all()
{
    const auto connectors = std::min(connect_wave, connections_.size());
    for (std::size_t i = 0; i < connectors; ++i) {
        asio::co_spawn(io_, connect_next(), [this](std::exception_ptr failure) {
            failure_ = failure ? failure : failure_;
        });
    }
    run_until_all_done(connectors);
}

void Worker::converse_all()
{
    started_ = Clock::now();
    deadline_ = started_ + plan_.duration;
    conversing_.store(true, std::memory_order_relaxed);
    std::size_t conversations = 0;
    for (auto& connection : connections_) {
        if (connection.socket.is_open()) {
            asio::co_spawn(io_, converse(connection), [this](std::exception_ptr failure) {
                failure_ = failure ? failure : failure_;
            });
            ++conversations;
        }
    }
    run_until_all_done(conversations);
    finished_ = Clock::now();
}

void Worker::run_until_all_done(std::size_t coroutines)
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

void Worker::one_done()
{
    if (--running_ == 0) {
        watchdog_timer_.cancel();
    }
}

net::awaitable<void> Worker::connect_next()
{
    while (next_to_connect_ < connections_.size()) {
        co_await connect(connections_[next_to_connect_++]);
    }
    one_done();
}

void Worker::open(Connection& connection, asio::error_code& error)
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

net::awaitable<void> Worker::connect(Connection& connection)
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
    if (auto failure = co_await receive(connection, protocol::greeting)) {
        fail(connection, ErrorKind::connect, fmt::format("no greeting: {}", failure->what));
        co_return;
    }
    connection.waiting_since = Clock::time_point::max();
    connected_.fetch_add(1, std::memory_order_relaxed);
}

bool Worker::keep_sending(std::uint64_t sent) const
{
    return plan_.messages_per_connection ? sent < *plan_.messages_per_connection
                                         : Clock::now() < deadline_;
}

// The lockstep: send, wait for the whole reply, check it, time it, again.
net::awaitable<void> Worker::converse(Connection& connection)
{
    auto& socket = connection.socket;
    std::string_view expected = connection.exchange.first_reply;
    bool healthy = true;
    for (std::uint64_t sent = 0; healthy && keep_sending(sent); ++sent) {
        const auto sent_at = Clock::now();
        connection.waiting_since = sent_at;
        auto [error, written] = co_await asio::async_write(
            socket, asio::buffer(connection.exchange.request), use_nothrow_awaitable);
        if (error) {
            fail(connection, ErrorKind::closed, fmt::format("cannot send: {}", error.message()));
            healthy = false;
        } else if (auto failure = co_await receive(connection, expected)) {
            fail(connection, failure->kind, failure->what);
            healthy = false;
        } else {
            latency_.record(static_cast<std::uint64_t>(
                std::chrono::nanoseconds(Clock::now() - sent_at).count()));
            replies_.fetch_add(1, std::memory_order_relaxed);
            expected = connection.exchange.reply;
        }
    }
    connection.waiting_since = Clock::time_point::max();
    if (healthy) {
        // Say goodbye as a client should; the server closes its side.
        co_await asio::async_write(socket, asio::buffer(connection.exchange.goodbye),
                                   use_nothrow_awaitable);
    }
    asio::error_code ignored;
    socket.close(ignored);
    one_done();
}

// Reads until `expected` has arrived whole. A byte that differs, or one byte
// more than expected, is a mismatch: in lockstep the server has nothing else
// to say.
net::awaitable<std::optional<Worker::Failure>> Worker::receive(Connection& connection,
                                                               std::string_view expected)
{
    auto& buffer = connection.buffer;
    std::size_t received = 0;
    while (received < expected.size()) {
        auto [error, size] = co_await connection.socket.async_read_some(
            asio::buffer(buffer.data() + received, buffer.size() - received), use_nothrow_awaitable);
        if (connection.timed_out) {
            co_return Failure{ErrorKind::timeout,
                              fmt::format("no reply within {}s", reply_timeout.count())};
        }
        if (error) {
            co_return Failure{ErrorKind::closed, error == asio::error::eof
                                                     ? std::string("the server closed the connection")
                                                     : fmt::format("lost the connection: {}", error.message())};
        }
        received += size;
        const std::string_view got(buffer.data(), received);
        if (received > expected.size() || got != expected.substr(0, received)) {
            co_return Failure{ErrorKind::mismatch,
                              fmt::format("expected \"{}\", got \"{}\"", protocol::printable(expected),
                                          protocol::printable(got))};
        }
    }
    co_return std::nullopt;
}

void Worker::fail(Connection& connection, ErrorKind kind, std::string_view what)
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
    connection.waiting_since = Clock::time_point::max();
    asio::error_code ignored;
    connection.socket.close(ignored);
}

// One timer for all connections instead of one per read: a timer per
// operation would cost as much as the operation it guards.
net::awaitable<void> Worker::watch_for_stalls()
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
