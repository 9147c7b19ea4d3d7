#pragma once
// A whole run: find the server, connect every client, drive them all, and
// add up what each thread measured.

#include <string>
#include <vector>

#include "loadgen/options.hpp"
#include "loadgen/run_summary.hpp"

namespace hello::loadgen {

struct RunResult {
    RunSummary summary;
    std::vector<std::string> error_samples;  // the first few failures, for stderr
};

// Throws std::runtime_error (one line) when the run cannot start at all: the
// server is unreachable, or the descriptor limit is too low.
RunResult run_bench(const BenchOptions& options, bool show_progress);

}  // namespace hello::loadgen
