#pragma once
// Log lines go to stderr, program output to stdout. One line is one write(2)
// call, without stdio's lock: lines from concurrent sessions and threads never
// interleave mid-line, and logging never makes the threads wait for each other.

#include <fmt/format.h>

#include <unistd.h>

#include <iterator>
#include <utility>

namespace hello::net {

template <typename... Args>
void log(fmt::format_string<Args...> format, Args&&... args)
{
    fmt::memory_buffer line;
    fmt::format_to(std::back_inserter(line), format, std::forward<Args>(args)...);
    line.push_back('\n');
    // A log line that cannot be written (stderr closed) is not worth failing for.
    [[maybe_unused]] const auto written = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace hello::net
