#pragma once
// Log lines go to stderr, program output to stdout. One line is one write(2)
// call, without stdio's lock: lines from concurrent threads do not interleave
// (a line is short: client bytes are logged escaped and cut to 64), and
// logging never makes the threads wait for each other's locks.

#include <fmt/format.h>

#include <unistd.h>

#include <cerrno>
#include <string_view>

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
    std::string_view rest(line.data(), line.size());
    while (!rest.empty()) {
        const auto written = ::write(STDERR_FILENO, rest.data(), rest.size());
        if (written < 0 && errno != EINTR) {
            return;
        }
        rest.remove_prefix(written < 0 ? 0 : static_cast<std::size_t>(written));
    }
}

}  // namespace hello::net
