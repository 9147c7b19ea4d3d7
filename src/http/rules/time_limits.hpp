#pragma once
// http_get's three time limits, each with its own job:
//   --max-time        the whole transfer, redirects included (none by default, as curl);
//   --connect-timeout resolving, connecting and the TLS handshake (30 s);
//   --stall-timeout   a peer that sends nothing at all (60 s without a byte).
// Every step (a connect, a read, a write) runs against whichever of them ends
// first, and the error names that one, so the user knows which to raise.
//
// The total limit is also checked before every step, not only by the step's
// timer: a server that keeps bytes coming makes every read complete at once,
// and a read that completes at once wins its race against a timer that is due.

#include <chrono>
#include <optional>
#include <string>

namespace hello::http {

struct TimeLimits {
    std::optional<std::chrono::milliseconds> max_time;  // nullopt: no total limit
    std::chrono::milliseconds connect_timeout{30'000};
    std::chrono::milliseconds stall_timeout{60'000};
};

// One limit as it applies to the next step: how long is left, and what to
// say when it runs out.
struct StepLimit {
    std::chrono::steady_clock::duration left;
    std::string description;  // "--max-time 2s (the whole transfer)"
};

// The sooner of the two (the first when they tie).
const StepLimit& sooner(const StepLimit& a, const StepLimit& b);

class TransferClock {
public:
    using clock = std::chrono::steady_clock;

    explicit TransferClock(TimeLimits limits, clock::time_point start = clock::now());

    // For a read or a write: the stall limit, or what is left of --max-time.
    StepLimit for_transfer(clock::time_point now = clock::now()) const;
    // For resolving, connecting and the handshake that began at `started`.
    StepLimit for_connect(clock::time_point started, clock::time_point now = clock::now()) const;

    const TimeLimits& limits() const { return limits_; }

private:
    StepLimit total(clock::time_point now) const;

    TimeLimits limits_;
    clock::time_point start_;
};

// The TimeoutError for `limit`, saying what was being done: "timed out while
// reading the body: --stall-timeout 60s (no byte received) ran out".
[[noreturn]] void throw_timed_out(const StepLimit& limit, std::string_view doing);

// Throws as above if nothing is left of `limit`.
void check_time_left(const StepLimit& limit, std::string_view doing);

}  // namespace hello::http
