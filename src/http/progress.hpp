#pragma once
// The text of a progress bar, as a pure function of the numbers, so that it
// is tested without a terminal or a clock. ProgressMeter draws it.

#include <cstdint>
#include <optional>
#include <string>

namespace hello::http {

// "0 B", "999 B", "1.0 KiB", "12.3 MiB", "1.5 GiB".
std::string human_size(std::uint64_t bytes);

// With a known total: " 42% [=========>             ]  4.2 MiB  1.3 MiB/s"
// Without one:        "      4.2 MiB  1.3 MiB/s"
// `bar_width` counts the characters between the brackets.
std::string progress_line(std::uint64_t bytes, double bytes_per_second,
                          std::optional<std::uint64_t> total, std::size_t bar_width = 30);

}  // namespace hello::http
