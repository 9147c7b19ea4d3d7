#pragma once
// The Prometheus text exposition format, version 0.0.4: what GET /metrics
// answers. A pure function of the numbers, so its every byte is unit-tested.

#include <string>
#include <string_view>

#include "ops/counters.hpp"
#include "ops/process_stats.hpp"

namespace hello::ops {

// The Content-Type that goes with render_metrics()'s text.
inline constexpr std::string_view metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

std::string render_metrics(const CountersSnapshot& counters, const ProcessStats& process);

}  // namespace hello::ops
