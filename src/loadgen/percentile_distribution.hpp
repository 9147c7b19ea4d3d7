#pragma once
// A latency histogram as HdrHistogram's percentile-distribution text (what
// its outputPercentileDistribution() and wrk2's --latency print), so that the
// tools made for it (HdrHistogram's plotFiles.html, hdr-plot, ...) read
// hello_bench's results. Pure code.

#include <string>

#include "loadgen/latency_histogram.hpp"

namespace hello::loadgen {

// Values in microseconds (HdrHistogram's "Value" column has no unit; wrk2
// writes milliseconds), each the highest value its counter stands for; the
// percentiles step as HdrHistogram's do (5 ticks per halving of the distance
// to 100%), ending with a line at 100%. An empty histogram gives the header
// and the footer only.
std::string format_percentile_distribution(const LatencyHistogram& histogram);

}  // namespace hello::loadgen
