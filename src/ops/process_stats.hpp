#pragma once
// The standard process metrics every Prometheus client library exports
// (process_cpu_seconds_total and friends), read from /proc on Linux.

#include <cstdint>
#include <optional>
#include <string_view>

namespace hello::ops {

struct ProcessStats {
    double cpu_seconds = 0;  // user + system time
    std::uint64_t resident_memory_bytes = 0;
    std::uint64_t open_fds = 0;
    std::uint64_t max_fds = 0;      // the soft RLIMIT_NOFILE
    double start_time_seconds = 0;  // since the Unix epoch
};

// What /proc/PID/stat says, in the units Prometheus wants. `stat` is the
// file's one line; `boot_time` is /proc/stat's btime (seconds since the
// epoch). nullopt if the line is not what Linux writes.
struct StatFields {
    double cpu_seconds;
    std::uint64_t resident_memory_bytes;
    double start_time_seconds;
};
std::optional<StatFields> parse_proc_stat(std::string_view stat, long ticks_per_second,
                                          long page_size, std::uint64_t boot_time);

// The "btime N" line of /proc/stat, or nullopt.
std::optional<std::uint64_t> parse_boot_time(std::string_view proc_stat);

// This process, now. A file that cannot be read leaves its figures at 0: a
// scrape reports what it can rather than fail.
ProcessStats read_process_stats();

}  // namespace hello::ops
