#include <doctest/doctest.h>

#include <string>

#include "loadgen/run_summary.hpp"

using namespace std::chrono_literals;
using hello::bench::RunSummary;

namespace {

RunSummary sample_summary()
{
    RunSummary summary;
    summary.connections_wanted = 100;
    summary.connections_made = 99;
    summary.threads = 2;
    summary.framing = hello::protocol::Framing::line;
    summary.replies = 50'000;
    summary.elapsed = 2s;
    for (int i = 0; i < 100; ++i) {
        // Percentiles are the top of their bucket: 20.0us reads as 20.1us.
        summary.latency.record(20'000);
    }
    summary.latency.record(150'000);
    summary.errors.connect = 1;
    return summary;
}

}  // namespace

TEST_SUITE("bench_summary")
{

    TEST_CASE("replies per second over the elapsed time")
    {
        CHECK(sample_summary().replies_per_second() == doctest::Approx(25'000));
        CHECK(RunSummary{}.replies_per_second() == 0.0);  // nothing ran: no division by zero
    }

    TEST_CASE("errors add up by kind")
    {
        hello::bench::ErrorCounts counts{.connect = 1, .timeout = 2, .closed = 3, .mismatch = 4};
        counts += hello::bench::ErrorCounts{.connect = 1, .timeout = 0, .closed = 0, .mismatch = 1};
        CHECK(counts.connect == 2);
        CHECK(counts.mismatch == 5);
        CHECK(counts.total() == 12);
    }

    TEST_CASE("the table shows every figure")
    {
        const auto table = hello::bench::format_table(sample_summary());
        CHECK(table == "connections      99 of 100 (line framing, 2 threads)\n"
                       "replies          50000 in 2.000s\n"
                       "replies/s        25000\n"
                       "latency          p50 20.1us  p90 20.1us  p99 20.1us  max 150.0us\n"
                       "errors           1 (connect 1, timeout 0, closed 0, mismatch 0)\n");
    }

    TEST_CASE("JSON is one line with microsecond latencies")
    {
        const auto json = hello::bench::format_json(sample_summary());
        CHECK(
            json ==
            R"({"connections":{"wanted":100,"made":99},"framing":"line","threads":2,)"
            R"("replies":50000,"elapsed_s":2.000000,"started_monotonic_s":0.000000,"replies_per_s":25000.0,)"
            R"("latency_us":{"p50":20.1,"p90":20.1,"p99":20.1,"max":150.0,"mean":21.3},)"
            R"("errors":{"total":1,"connect":1,"timeout":0,"closed":0,"mismatch":0}})"
            "\n");
    }

    TEST_CASE("progress: connecting, then running")
    {
        CHECK(hello::bench::format_progress(500, 10'000, false, 0, 0, 0s) ==
              "connecting 500/10000  0 errors");
        CHECK(hello::bench::format_progress(10'000, 10'000, true, 30'000, 2, 3s) ==
              "3.0s  30000 replies  10000/s  2 errors");
    }
}
