#pragma once
// How a load thread connects its connections before the measured window:
// Asio coroutines on an io_context of its own (no locks, no sharing), a wave
// of them in flight at once, each connecting, sending the PROXY header if
// asked, and reading "Welcome!". Nothing here is measured, so it is written
// in the card's style; the descriptors it hands over are then driven by the
// thread's epoll loop (message_loop.hpp).

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "loadgen/load_plan.hpp"
#include "loadgen/tally.hpp"
#include "net/asio_compat.hpp"

namespace hello::loadgen {

class ConnectPhase {
public:
    // The run's connections `indices`; what fails is counted in `tally`.
    ConnectPhase(const LoadPlan& plan, std::span<const std::size_t> indices, Tally& tally);

    // Returns once every connection is greeted or has failed: the descriptor
    // of each, in the order of `indices`, or -1 where it failed. Each is
    // taken from Asio (its reactor forgets it) and stays non-blocking, as
    // async_connect left it. Rethrows what escaped a coroutine (a bug or an
    // exhausted resource, not a network error).
    std::vector<int> connect_all();

private:
    struct Attempt {
        Attempt(asio::io_context& io, std::size_t index) : socket(io), index(index) {}

        net::tcp::socket socket;
        std::size_t index;  // among all connections of the run
        // Since when it has waited for the server; the watchdog closes
        // attempts that wait too long.
        Clock::time_point waiting_since = Clock::time_point::max();
        bool timed_out = false;
    };

    net::awaitable<void> connect_next();
    net::awaitable<void> connect(Attempt& attempt);
    net::awaitable<std::optional<std::string>> receive(Attempt& attempt, std::string_view expected);
    net::awaitable<void> watch_for_stalls();
    void open(Attempt& attempt, asio::error_code& error);
    void fail(Attempt& attempt, std::string_view what);
    void one_done();

    const LoadPlan& plan_;
    Tally& tally_;
    asio::io_context io_{1};
    std::vector<Attempt> attempts_;
    std::size_t next_to_connect_ = 0;
    std::size_t running_ = 0;  // connecting coroutines still running
    asio::steady_timer watchdog_timer_{io_};
    std::exception_ptr failure_;
};

}  // namespace hello::loadgen
