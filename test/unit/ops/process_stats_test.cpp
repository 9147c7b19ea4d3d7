#include "ops/process_stats.hpp"

#include <doctest/doctest.h>

TEST_SUITE_BEGIN("process_stats");

using namespace hello::ops;

namespace {

// A real line from /proc/PID/stat, with a command name that holds a space
// and a parenthesis: utime 150, stime 50, starttime 12345, rss 1024 pages.
constexpr std::string_view stat_line =
    "4242 (hello server) x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 150 50 0 0 20 0 3 0 12345 "
    "123456789 1024 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n";

}  // namespace

TEST_CASE("CPU time, memory and start time from /proc/PID/stat")
{
    const auto fields = parse_proc_stat(stat_line, 100, 4096, 1'764'000'000);
    REQUIRE(fields);
    CHECK(fields->cpu_seconds == doctest::Approx(2.0));
    CHECK(fields->resident_memory_bytes == 1024 * 4096);
    CHECK(fields->start_time_seconds == doctest::Approx(1'764'000'123.45));
}

TEST_CASE("a line that is not /proc/PID/stat is refused")
{
    CHECK_FALSE(parse_proc_stat("", 100, 4096, 0));
    CHECK_FALSE(parse_proc_stat("4242 (short) S 1 2 3\n", 100, 4096, 0));
    CHECK_FALSE(parse_proc_stat("4242 no parenthesis 1 2 3", 100, 4096, 0));
    CHECK_FALSE(parse_proc_stat(stat_line, 0, 4096, 0));
}

TEST_CASE("boot time from /proc/stat")
{
    CHECK(parse_boot_time("cpu  1 2 3\nintr 5\nbtime 1764000000\nprocesses 9\n") == 1'764'000'000U);
    CHECK_FALSE(parse_boot_time("cpu  1 2 3\n"));
    CHECK_FALSE(parse_boot_time("btime soon\n"));
}

TEST_CASE("this process's figures are plausible")
{
    const auto stats = read_process_stats();
    CHECK(stats.resident_memory_bytes > 0);
    CHECK(stats.open_fds >= 3);
    CHECK(stats.max_fds >= stats.open_fds);
    CHECK(stats.start_time_seconds > 1'600'000'000);
}

TEST_SUITE_END();
