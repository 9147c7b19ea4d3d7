#include "ops/process_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace hello::ops {
namespace {

std::optional<std::uint64_t> to_number(std::string_view text)
{
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

std::string read_whole(const char* path)
{
    std::ifstream file(path);
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

std::uint64_t count_open_fds()
{
    // Like the Go client: the directory's own descriptor is among them.
    std::error_code error;
    std::uint64_t count = 0;
    for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end;
         it.increment(error)) {
        ++count;
    }
    return count;
}

}  // namespace

std::optional<StatFields> parse_proc_stat(std::string_view stat, long ticks_per_second,
                                          long page_size, std::uint64_t boot_time)
{
    // "PID (COMM) STATE PPID ...": the command may hold spaces and ')', so
    // the fields start after the last ')'. Counting from STATE as field 3,
    // utime is 14, stime 15, starttime 22 and rss 24 (proc(5)).
    const auto close = stat.rfind(')');
    if (close == std::string_view::npos || ticks_per_second <= 0 || page_size <= 0) {
        return std::nullopt;
    }
    std::vector<std::string_view> fields;
    std::string_view rest = stat.substr(close + 1);
    while (!rest.empty()) {
        const auto start = rest.find_first_not_of(" \n");
        if (start == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(start);
        const auto end = rest.find_first_of(" \n");
        fields.push_back(rest.substr(0, end));
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    }
    auto field = [&](std::size_t number) { return to_number(fields.at(number - 3)); };
    if (fields.size() < 24 - 2) {
        return std::nullopt;
    }
    const auto utime = field(14), stime = field(15), starttime = field(22), rss = field(24);
    if (!utime || !stime || !starttime || !rss) {
        return std::nullopt;
    }
    const auto ticks = static_cast<double>(ticks_per_second);
    return StatFields{
        .cpu_seconds = static_cast<double>(*utime + *stime) / ticks,
        .resident_memory_bytes = *rss * static_cast<std::uint64_t>(page_size),
        .start_time_seconds =
            static_cast<double>(boot_time) + static_cast<double>(*starttime) / ticks,
    };
}

std::optional<std::uint64_t> parse_boot_time(std::string_view proc_stat)
{
    constexpr std::string_view key = "btime ";
    for (std::size_t at = 0; at < proc_stat.size();) {
        auto end = proc_stat.find('\n', at);
        if (end == std::string_view::npos) {
            end = proc_stat.size();
        }
        const auto line = proc_stat.substr(at, end - at);
        if (line.starts_with(key)) {
            return to_number(line.substr(key.size()));
        }
        at = end + 1;
    }
    return std::nullopt;
}

ProcessStats read_process_stats()
{
    ProcessStats stats;
    const auto boot_time = parse_boot_time(read_whole("/proc/stat"));
    if (const auto fields = parse_proc_stat(read_whole("/proc/self/stat"), ::sysconf(_SC_CLK_TCK),
                                            ::sysconf(_SC_PAGESIZE), boot_time.value_or(0))) {
        stats.cpu_seconds = fields->cpu_seconds;
        stats.resident_memory_bytes = fields->resident_memory_bytes;
        stats.start_time_seconds = boot_time ? fields->start_time_seconds : 0;
    }
    stats.open_fds = count_open_fds();
    if (rlimit limit{}; ::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        stats.max_fds = limit.rlim_cur;
    }
    return stats;
}

}  // namespace hello::ops
