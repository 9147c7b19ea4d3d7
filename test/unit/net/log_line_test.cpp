#include "net/log_line.hpp"

#include <doctest/doctest.h>

#include <array>
#include <string>

TEST_SUITE_BEGIN("log_line");

using namespace hello::net;
using namespace std::chrono;

namespace {

// 2026-11-25T17:45:03.042Z
const LogClock::time_point moment = sys_days{year{2026} / November / 25} + 17h + 45min + 3s + 42ms;

}  // namespace

TEST_CASE("text: the tutorial's words, with or without a timestamp")
{
    CHECK(log_line(LogFormat::text, LogLevel::info, "log", "", {}, "Waiting for connection...",
                   std::nullopt) == "Waiting for connection...\n");
    CHECK(log_line(LogFormat::text, LogLevel::info, "log", "", {}, "Waiting for connection...",
                   moment) == "2026-11-25T17:45:03.042Z Waiting for connection...\n");
}

TEST_CASE("text: the fields are not repeated after the words")
{
    const std::array<LogField, 1> fields{{{"messages", std::uint64_t{3}}}};
    CHECK(log_line(LogFormat::text, LogLevel::info, "close", "127.0.0.1:4000", fields,
                   "Connection from 127.0.0.1:4000 closed.",
                   std::nullopt) == "Connection from 127.0.0.1:4000 closed.\n");
}

TEST_CASE("json: one object with ts, level, event, peer, the fields and the words")
{
    const std::array<LogField, 4> fields{{
        {"reason", std::string_view("idle")},
        {"duration_s", 5.0021},
        {"messages", std::uint64_t{3}},
        {"bytes_in", std::uint64_t{18446744073709551615ULL}},
    }};
    CHECK(
        log_line(LogFormat::json, LogLevel::info, "close", "127.0.0.1:4000", fields,
                 "Connection from 127.0.0.1:4000 closed (idle timeout).", moment) ==
        R"({"ts":"2026-11-25T17:45:03.042Z","level":"info","event":"close","peer":"127.0.0.1:4000",)"
        R"("reason":"idle","duration_s":5.002,"messages":3,"bytes_in":18446744073709551615,)"
        R"("msg":"Connection from 127.0.0.1:4000 closed (idle timeout)."})"
        "\n");
}

TEST_CASE("json: no peer, no timestamp, other levels")
{
    CHECK(log_line(LogFormat::json, LogLevel::info, "log", "", {}, "x", std::nullopt) ==
          "{\"level\":\"info\",\"event\":\"log\",\"msg\":\"x\"}\n");
    CHECK(log_line(LogFormat::json, LogLevel::error, "log", "", {}, "", std::nullopt) ==
          "{\"level\":\"error\",\"event\":\"log\",\"msg\":\"\"}\n");
}

TEST_CASE("json: whatever the bytes, the line is valid JSON on one line")
{
    CHECK(
        log_line(LogFormat::json, LogLevel::info, "message", "[::1]:5", {},
                 std::string_view("say \"hi\" \\ \n\r\t\x01\x7f\xff", 17), std::nullopt) ==
        R"({"level":"info","event":"message","peer":"[::1]:5","msg":"say \"hi\" \\ \n\r\t\u0001\u007f\u00ff"})"
        "\n");
}

TEST_CASE("RFC 3339 timestamps: UTC, milliseconds, leading zeros")
{
    const auto stamp = [](LogClock::time_point time) {
        fmt::memory_buffer out;
        append_rfc3339_ms(out, time);
        return fmt::to_string(out);
    };
    CHECK(stamp(moment) == "2026-11-25T17:45:03.042Z");
    CHECK(stamp(LogClock::time_point{}) == "1970-01-01T00:00:00.000Z");
    CHECK(stamp(sys_days{year{2024} / February / 29} + 23h + 59min + 59s + 999ms + 999us) ==
          "2024-02-29T23:59:59.999Z");
}

TEST_SUITE_END();
