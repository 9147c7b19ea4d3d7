#pragma once
// Log lines go to stderr, program output to stdout. One line is one write, so
// lines from concurrent sessions never interleave mid-line.

#include <fmt/format.h>

#include <cstdio>
#include <iterator>
#include <utility>

namespace hello::net {

template <typename... Args>
void log(fmt::format_string<Args...> format, Args&&... args)
{
    fmt::memory_buffer line;
    fmt::format_to(std::back_inserter(line), format, std::forward<Args>(args)...);
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace hello::net
