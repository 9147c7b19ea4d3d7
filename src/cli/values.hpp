#pragma once
// The values options take, parsed strictly: a typo is an error, not a zero.

#include <chrono>
#include <cstdint>
#include <string_view>

namespace hello::cli {

// A TCP port to listen on, 0-65535 (0: let the OS choose).
std::uint16_t parse_port(std::string_view text);

// A TCP port to connect to, 1-65535: the same rule as parse_port, one message
// for the whole range ("... from 1 to 65535"), 0 included.
std::uint16_t parse_remote_port(std::string_view text);

// A duration: a whole number with a unit, ms, s, m or h ("250ms", "1s", "5m");
// a bare number is seconds.
std::chrono::milliseconds parse_duration(std::string_view text);

// A whole number within [min, max]; `what` names it in the error.
std::uint64_t parse_count(std::string_view text, std::string_view what, std::uint64_t min,
                          std::uint64_t max);

}  // namespace hello::cli
