#include <doctest/doctest.h>

#include <string>

#include "loadgen/run_summary.hpp"

using namespace std::chrono_literals;
using hello::loadgen::RunSummary;

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

    TEST_CASE("latencies in the unit that reads best, four significant digits at most")
    {
        using hello::loadgen::format_latency;
        CHECK(format_latency(20'100) == "20.1us");
        CHECK(format_latency(757'800) == "757.8us");
        CHECK(format_latency(12'058'600) == "12.06ms");
        CHECK(format_latency(123'456'000) == "123.5ms");
        CHECK(format_latency(1'573'000'000) == "1.573s");
        CHECK(format_latency(15'000'000'000) == "15.00s");
        CHECK(format_latency(0) == "0.0us");
    }

    TEST_CASE("errors add up by kind")
    {
        hello::loadgen::ErrorCounts counts{.connect = 1, .timeout = 2, .closed = 3, .mismatch = 4};
        counts +=
            hello::loadgen::ErrorCounts{.connect = 1, .timeout = 0, .closed = 0, .mismatch = 1};
        CHECK(counts.connect == 2);
        CHECK(counts.mismatch == 5);
        CHECK(counts.total() == 12);
    }

    TEST_CASE("the table shows every figure")
    {
        const auto table = hello::loadgen::format_table(sample_summary());
        CHECK(table == "connections      99 of 100 (line framing, 2 threads)\n"
                       "load             closed loop, 1 in flight per connection\n"
                       "replies          50000 in 2.000s\n"
                       "replies/s        25000\n"
                       "latency          mean 21.3us  p50 20.1us  p90 20.1us  p99 20.1us\n"
                       "                 p99.9 150.0us  p99.99 150.0us  max 150.0us\n"
                       "errors           1 (connect 1, timeout 0, closed 0, mismatch 0)\n");
    }

    TEST_CASE("open loop: the rate asked for, the depth and what could not go")
    {
        auto summary = sample_summary();
        summary.rate = 30'000;
        summary.pipeline = 4;
        summary.unsent = 12;
        const auto table = hello::loadgen::format_table(summary);
        CHECK(table.find("load             open loop at 30000/s, 4 in flight per connection, "
                         "12 unsent\n") != std::string::npos);
    }

    TEST_CASE("JSON is one line with microsecond latencies")
    {
        const auto json = hello::loadgen::format_json(sample_summary());
        CHECK(
            json ==
            R"({"connections":{"wanted":100,"made":99},"framing":"line","threads":2,)"
            R"("mode":"closed","rate":null,"pipeline":1,"unsent":0,)"
            R"("replies":50000,"elapsed_s":2.000000,"started_monotonic_s":0.000000,"replies_per_s":25000.0,)"
            R"("latency_us":{"count":101,"p50":20.1,"p90":20.1,"p99":20.1,"p99.9":150.0,)"
            R"("p99.99":150.0,"max":150.0,"mean":21.3},)"
            R"("errors":{"total":1,"connect":1,"timeout":0,"closed":0,"mismatch":0},)"
            R"("per_thread":[]})"
            "\n");
    }

    TEST_CASE("JSON in open loop: the rate, and each thread's share")
    {
        auto summary = sample_summary();
        summary.rate = 1000;
        summary.per_thread = {{.connections = 50, .rate = 500, .replies = 60},
                              {.connections = 49, .rate = 490, .replies = 41}};
        const auto json = hello::loadgen::format_json(summary);
        CHECK(json.find(R"("mode":"open","rate":1000,)") != std::string::npos);
        CHECK(json.find(R"("per_thread":[{"connections":50,"rate":500.000,"replies":60},)"
                        R"({"connections":49,"rate":490.000,"replies":41}]})") !=
              std::string::npos);
    }

    TEST_CASE("progress: connecting, then running")
    {
        hello::loadgen::Progress progress;
        progress.connected = 500;
        progress.wanted = 10'000;
        CHECK(hello::loadgen::format_progress(progress) == "connecting 500/10000  0 errors");
        progress.connected = 10'000;
        progress.running = true;
        progress.replies = 30'000;
        progress.errors = 2;
        progress.elapsed = 3s;
        progress.recent_rate = 9'876.4;
        CHECK(hello::loadgen::format_progress(progress) == "3.0s  30000 replies  9876/s  2 errors");
        progress.rate = 10'000;
        progress.recent_p99 = 250'340;
        CHECK(hello::loadgen::format_progress(progress) ==
              "3.0s  30000 replies  9876/s (asked 10000/s)  p99 250.3us  2 errors");
    }

    TEST_CASE("--reconnect: sessions, their rate, connect time and session latency")
    {
        auto summary = sample_summary();
        summary.reconnect = true;
        summary.names = 3;
        summary.sessions = 10'000;
        summary.connect_latency.record(40'000);  // reads as 40.2us, the top of its bucket
        summary.connect_latency.record(60'000);
        const auto table = hello::loadgen::format_table(summary);
        CHECK(table ==
              "connections      100 at a time, reconnecting; 99 greeted (line framing, 2 threads)\n"
              "load             closed loop, 3 names per session\n"
              "sessions         10000 in 2.000s\n"
              "sessions/s       5000\n"
              "replies          50000 (25000/s)\n"
              "connect          mean 50.0us  p50 40.2us  p90 60.0us  p99 60.0us  max 60.0us\n"
              "session          mean 21.3us  p50 20.1us  p90 20.1us  p99 20.1us\n"
              "                 p99.9 150.0us  p99.99 150.0us  max 150.0us\n"
              "errors           1 (connect 1, timeout 0, closed 0, mismatch 0)\n");
        summary.rate = 4000;
        summary.unsent = 3;
        CHECK(hello::loadgen::format_table(summary).find(
                  "load             open loop at 4000/s, 3 names per session, 3 unsent\n") !=
              std::string::npos);
        const auto json = hello::loadgen::format_json(summary);
        CHECK(
            json.find(R"("mean":21.3},"reconnect":{"names":3,"sessions":10000,)"
                      R"("sessions_per_s":5000.0,"connect_us":{"count":2,"p50":40.2,)"
                      R"("p90":60.0,"p99":60.0,"p99.9":60.0,"max":60.0,"mean":50.0}},"errors")") !=
            std::string::npos);
        CHECK(hello::loadgen::format_json(sample_summary()).find("reconnect") == std::string::npos);
    }

    TEST_CASE("progress with --reconnect counts sessions")
    {
        hello::loadgen::Progress progress;
        progress.running = true;
        progress.reconnect = true;
        progress.replies = 1'234;
        progress.elapsed = 2s;
        progress.recent_rate = 617;
        CHECK(hello::loadgen::format_progress(progress) == "2.0s  1234 sessions  617/s  0 errors");
    }
}
