#pragma once
// The values options take, parsed strictly: a typo is an error, not a zero.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace hello::cli {

// A TCP port to listen on, 0-65535 (0: let the OS choose).
std::uint16_t parse_port(std::string_view text);

// A TCP port to connect to, 1-65535: the same rule as parse_port, one message
// for the whole range ("... from 1 to 65535"), 0 included.
std::uint16_t parse_remote_port(std::string_view text);

// A duration: a number, with a fraction if need be, and a unit, ms, s, m or h
// ("250ms", "1.5s", "5m"); a bare number is seconds, as curl's ("0.5").
// Rounded to the millisecond; at most a day.
std::chrono::milliseconds parse_duration(std::string_view text);

// A duration in words parse_duration() reads back: milliseconds below a
// second, seconds from there ("250ms", "1.5s", "30s", "300s").
std::string format_duration(std::chrono::milliseconds duration);

// A host to listen on or connect to: a name or an address, and an IPv6
// address also in brackets, as the programs print it ("[::1]" is "::1").
std::string_view parse_host(std::string_view text);

// A whole number within [min, max]; `what` names it in the error.
std::uint64_t parse_count(std::string_view text, std::string_view what, std::uint64_t min,
                          std::uint64_t max);

}  // namespace hello::cli
