#include "loadgen/connect_phase.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <exception>
#include <tuple>
#include <utility>

#include "loadgen/exchange.hpp"
#include "loadgen/source_address.hpp"
#include "protocol/printable.hpp"
#include "protocol/replies.hpp"

namespace hello::loadgen {
namespace {

using net::use_nothrow_awaitable;

// Connects in flight at once per thread: enough that connecting is quick
// even for many thousands of clients, few enough not to overflow the
// server's listen backlog.
constexpr std::size_t connect_wave = 256;

bool is_loopback_v4(const net::tcp::endpoint& endpoint)
{
    return endpoint.address().is_v4() && endpoint.address().is_loopback();
}

}  // namespace

ConnectPhase::ConnectPhase(const LoadPlan& plan, std::span<const std::size_t> indices, Tally& tally)
    : plan_(plan), tally_(tally)
{
    attempts_.reserve(indices.size());
    for (const auto index : indices) {
        attempts_.emplace_back(io_, index);
    }
}

std::vector<int> ConnectPhase::connect_all()
{
    running_ = std::min(connect_wave, attempts_.size());
    for (std::size_t i = 0; i < running_; ++i) {
        asio::co_spawn(io_, connect_next(), [this](std::exception_ptr failure) {
            failure_ = failure ? failure : failure_;
        });
    }
    if (running_ > 0) {
        asio::co_spawn(io_, watch_for_stalls(), asio::detached);
    }
    io_.run();
    if (failure_) {
        std::rethrow_exception(std::exchange(failure_, nullptr));
    }
    std::vector<int> descriptors;
    descriptors.reserve(attempts_.size());
    for (auto& attempt : attempts_) {
        descriptors.push_back(attempt.socket.is_open() ? attempt.socket.release() : -1);
    }
    return descriptors;
}

void ConnectPhase::one_done()
{
    if (--running_ == 0) {
        watchdog_timer_.cancel();
    }
}

net::awaitable<void> ConnectPhase::connect_next()
{
    while (next_to_connect_ < attempts_.size()) {
        co_await connect(attempts_[next_to_connect_++]);
    }
    one_done();
}

void ConnectPhase::open(Attempt& attempt, asio::error_code& error)
{
    auto& socket = attempt.socket;
    socket.open(plan_.server.protocol(), error);
    const auto octet = loopback_source_octet(attempt.index, plan_.total_connections);
    if (error || !octet || !is_loopback_v4(plan_.server)) {
        return;
    }
    // Let connect() pick the port, knowing the destination: otherwise bind()
    // would reserve a port per socket as if for any destination.
    const int yes = 1;
    ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &yes, sizeof yes);
    socket.bind(net::tcp::endpoint(asio::ip::address_v4({127, 0, 0, *octet}), 0), error);
}

net::awaitable<void> ConnectPhase::connect(Attempt& attempt)
{
    attempt.waiting_since = Clock::now();
    asio::error_code error;
    open(attempt, error);
    if (!error) {
        std::tie(error) =
            co_await attempt.socket.async_connect(plan_.server, use_nothrow_awaitable);
    }
    if (error) {
        fail(attempt, attempt.timed_out
                          ? fmt::format("no connection within {}s", reply_timeout.count())
                          : fmt::format("cannot connect: {}", error.message()));
        co_return;
    }
    attempt.socket.set_option(net::tcp::no_delay(true), error);
    if (plan_.proxy_v1) {
        const auto local = attempt.socket.local_endpoint(error);
        const auto header =
            proxy_v1_header(local.address().to_string(), local.port(),
                            plan_.server.address().to_string(), plan_.server.port());
        std::tie(error, std::ignore) =
            co_await asio::async_write(attempt.socket, asio::buffer(header), use_nothrow_awaitable);
        if (error) {
            fail(attempt, fmt::format("cannot send the PROXY header: {}", error.message()));
            co_return;
        }
    }
    if (auto failure = co_await receive(attempt, protocol::greeting)) {
        fail(attempt, fmt::format("no greeting: {}", *failure));
        co_return;
    }
    attempt.waiting_since = Clock::time_point::max();
    tally_.add_connected();
}

// Reads until `expected` has arrived whole; returns what went wrong, if
// anything. A byte that differs, or one byte more than expected, is a
// mismatch: in lockstep the server has nothing else to say.
net::awaitable<std::optional<std::string>> ConnectPhase::receive(Attempt& attempt,
                                                                 std::string_view expected)
{
    std::array<char, 256> buffer;
    std::size_t received = 0;
    while (received < expected.size()) {
        auto [error, size] = co_await attempt.socket.async_read_some(
            asio::buffer(buffer.data() + received, buffer.size() - received),
            use_nothrow_awaitable);
        if (attempt.timed_out) {
            co_return fmt::format("no reply within {}s", reply_timeout.count());
        }
        if (error) {
            co_return error == asio::error::eof
                ? std::string("the server closed the connection")
                : fmt::format("lost the connection: {}", error.message());
        }
        received += size;
        const std::string_view got(buffer.data(), received);
        if (received > expected.size() || got != expected.substr(0, received)) {
            co_return fmt::format("expected \"{}\", got \"{}\"", protocol::printable(expected),
                                  protocol::printable(got));
        }
    }
    co_return std::nullopt;
}

// Every failure here is a connect error: the connection never got as far as
// the measured window.
void ConnectPhase::fail(Attempt& attempt, std::string_view what)
{
    tally_.record_error(ErrorKind::connect, fmt::format("connection {}: {}", attempt.index, what));
    attempt.waiting_since = Clock::time_point::max();
    asio::error_code ignored;
    attempt.socket.close(ignored);
}

// One timer for all the attempts (load_plan.hpp says why).
net::awaitable<void> ConnectPhase::watch_for_stalls()
{
    while (running_ > 0) {
        watchdog_timer_.expires_after(watchdog_period);
        co_await watchdog_timer_.async_wait(use_nothrow_awaitable);
        const auto stalled_since = Clock::now() - reply_timeout;
        for (auto& attempt : attempts_) {
            if (attempt.waiting_since < stalled_since) {
                attempt.timed_out = true;
                attempt.waiting_since = Clock::time_point::max();
                asio::error_code ignored;
                attempt.socket.close(ignored);
            }
        }
    }
}

}  // namespace hello::loadgen
