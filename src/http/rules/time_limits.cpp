#include "http/rules/time_limits.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "cli/values.hpp"
#include "http/rules/failures.hpp"

namespace hello::http {
namespace {

// What "no limit" waits for: long enough never to matter, short enough that
// a timer's expiry time cannot overflow.
constexpr auto forever = std::chrono::hours(24 * 365);

}  // namespace

const StepLimit& sooner(const StepLimit& a, const StepLimit& b)
{
    return b.left < a.left ? b : a;
}

TransferClock::TransferClock(TimeLimits limits, clock::time_point start)
    : limits_(limits), start_(start)
{
}

StepLimit TransferClock::total(clock::time_point now) const
{
    if (!limits_.max_time) {
        return {forever, "no limit"};
    }
    const auto left = std::max(start_ + *limits_.max_time - now, clock::duration::zero());
    return {left, fmt::format("--max-time {} (the whole transfer)",
                              cli::format_duration(*limits_.max_time))};
}

StepLimit TransferClock::for_transfer(clock::time_point now) const
{
    const StepLimit stall{limits_.stall_timeout,
                          fmt::format("--stall-timeout {} (no byte received)",
                                      cli::format_duration(limits_.stall_timeout))};
    return sooner(total(now), stall);
}

StepLimit TransferClock::for_connect(clock::time_point started, clock::time_point now) const
{
    const StepLimit connect{
        std::max(started + limits_.connect_timeout - now, clock::duration::zero()),
        fmt::format("--connect-timeout {} (resolve, connect and TLS handshake)",
                    cli::format_duration(limits_.connect_timeout))};
    return sooner(total(now), connect);
}

void throw_timed_out(const StepLimit& limit, std::string_view doing)
{
    throw TimedOut(fmt::format("timed out {}: {} ran out", doing, limit.description));
}

void check_time_left(const StepLimit& limit, std::string_view doing)
{
    if (limit.left <= TransferClock::clock::duration::zero()) {
        throw_timed_out(limit, doing);
    }
}

}  // namespace hello::http
