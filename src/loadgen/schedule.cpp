#include "loadgen/schedule.hpp"

namespace hello::loadgen {

std::chrono::nanoseconds due_after(std::uint64_t number, std::uint64_t rate)
{
    constexpr std::uint64_t per_second = 1'000'000'000;
    // Whole seconds, then the remainder: (number % rate) * 1e9 stays below
    // 2^64 for any rate up to 18 billion per second.
    const auto seconds = number / rate;
    const auto rest = (number % rate) * per_second / rate;
    return std::chrono::nanoseconds(static_cast<std::int64_t>(seconds * per_second + rest));
}

std::size_t connections_of_thread(std::size_t connections, std::size_t threads,
                                  std::size_t thread_index)
{
    return thread_index < connections ? (connections - thread_index - 1) / threads + 1 : 0;
}

double rate_of_thread(std::uint64_t rate, std::size_t connections, std::size_t threads,
                      std::size_t thread_index)
{
    return static_cast<double>(rate) *
           static_cast<double>(connections_of_thread(connections, threads, thread_index)) /
           static_cast<double>(connections);
}

}  // namespace hello::loadgen
