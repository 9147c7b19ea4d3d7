#pragma once
// --max-time: one point in time that bounds the whole transfer, redirects
// included. Each operation races a timer set to what is left of it (net::within).

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <string>

namespace hello::http {

class Deadline {
public:
    using clock = std::chrono::steady_clock;

    explicit Deadline(std::chrono::milliseconds limit) : limit_(limit), end_(clock::now() + limit)
    {
    }

    // Never negative: a spent deadline makes the next timer fire at once.
    clock::duration remaining() const
    {
        return std::max(end_ - clock::now(), clock::duration::zero());
    }

    // "30s", "250ms": the limit as the user wrote it, for error messages.
    std::string describe() const
    {
        return limit_.count() % 1000 == 0 ? fmt::format("{}s", limit_.count() / 1000)
                                          : fmt::format("{}ms", limit_.count());
    }

private:
    std::chrono::milliseconds limit_;
    clock::time_point end_;
};

}  // namespace hello::http
