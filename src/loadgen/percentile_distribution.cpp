#include "loadgen/percentile_distribution.hpp"

#include <fmt/format.h>

#include <cmath>
#include <iterator>

namespace hello::loadgen {
namespace {

constexpr double ticks_per_half_distance = 5;

double microseconds(std::uint64_t nanoseconds)
{
    return static_cast<double>(nanoseconds) / 1000.0;
}

// HdrHistogram's PercentileIterator: the step halves each time the distance
// to 100% does.
double next_level(double level)
{
    const auto halvings = std::floor(std::log2(100.0 / (100.0 - level)));
    return level + 100.0 / (ticks_per_half_distance * std::exp2(halvings + 1));
}

}  // namespace

std::string format_percentile_distribution(const LatencyHistogram& histogram)
{
    std::string out = fmt::format("{:>12} {:>14} {:>10} {:>14}\n\n", "Value", "Percentile",
                                  "TotalCount", "1/(1-Percentile)");
    auto line = std::back_inserter(out);
    const auto total = histogram.count();
    const auto& counts = histogram.counts();
    std::uint64_t seen = 0;
    double level = 0;
    for (std::size_t counter = 0; counter < counts.size() && seen < total; ++counter) {
        if (counts[counter] == 0) {
            continue;
        }
        seen += counts[counter];
        const auto value = microseconds(LatencyHistogram::highest_in(counter));
        while (100.0 * static_cast<double>(seen) / static_cast<double>(total) >= level) {
            fmt::format_to(line, "{:12.3f} {:2.12f} {:10d} {:14.2f}\n", value, level / 100.0, seen,
                           1.0 / (1.0 - level / 100.0));
            if (seen == total) {
                fmt::format_to(line, "{:12.3f} {:2.12f} {:10d}\n", value, 1.0, seen);
                break;
            }
            level = next_level(level);
        }
    }
    fmt::format_to(line, "#[Mean    = {:12.3f}, StdDeviation   = {:12.3f}]\n",
                   histogram.mean() / 1000.0, histogram.standard_deviation() / 1000.0);
    fmt::format_to(line, "#[Max     = {:12.3f}, Total count    = {:12d}]\n",
                   microseconds(histogram.max()), total);
    fmt::format_to(line, "#[Buckets = {:12d}, SubBuckets     = {:12d}]\n",
                   LatencyHistogram::bucket_count, LatencyHistogram::sub_bucket_count);
    return out;
}

}  // namespace hello::loadgen
