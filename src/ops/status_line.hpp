#pragma once
// The server's state in one line of words, for SIGUSR1's log line and
// systemd's STATUS= (what `systemctl status` shows).

#include <string>

#include "ops/counters.hpp"

namespace hello::ops {

// "3 connections open; 120 accepted, 2 turned away; 4051 messages; 41 kB in, 61 kB out"
std::string status_line(const CountersSnapshot& counters);

// Bytes for people: 999 B, 1.2 kB, 34 kB, 5.6 MB (SI units, 2-3 significant digits).
std::string human_bytes(std::uint64_t bytes);

}  // namespace hello::ops
