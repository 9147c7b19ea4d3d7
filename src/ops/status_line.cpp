#include "ops/status_line.hpp"

#include <fmt/format.h>

#include <array>
#include <string_view>

namespace hello::ops {

std::string human_bytes(std::uint64_t bytes)
{
    static constexpr std::array<std::string_view, 6> units{"kB", "MB", "GB", "TB", "PB", "EB"};
    if (bytes < 1000) {
        return fmt::format("{} B", bytes);
    }
    auto value = static_cast<double>(bytes) / 1000;
    std::size_t unit = 0;
    while (value >= 999.5 && unit + 1 < units.size()) {
        value /= 1000;
        ++unit;
    }
    return value < 9.95 ? fmt::format("{:.1f} {}", value, units[unit])
                        : fmt::format("{:.0f} {}", value, units[unit]);
}

std::string status_line(const CountersSnapshot& counters)
{
    return fmt::format(
        "{} connection{} open; {} accepted, {} turned away; {} message{}; {} in, {} out",
        counters.connections_open, counters.connections_open == 1 ? "" : "s", counters.accepted,
        counters.rejected_total(), counters.messages, counters.messages == 1 ? "" : "s",
        human_bytes(counters.received_bytes), human_bytes(counters.sent_bytes));
}

}  // namespace hello::ops
