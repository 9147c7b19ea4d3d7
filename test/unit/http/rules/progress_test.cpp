#include <doctest/doctest.h>

#include <limits>

#include "http/rules/progress.hpp"

using namespace hello::http;
using namespace std::chrono_literals;

TEST_SUITE_BEGIN("http_progress");

TEST_CASE("sizes and times for people")
{
    CHECK(human_size(0) == "0 B");
    CHECK(human_size(1023) == "1023 B");
    CHECK(human_size(1024) == "1.0 KiB");
    CHECK(human_size(1536) == "1.5 KiB");
    CHECK(human_size(5 * 1024 * 1024) == "5.0 MiB");
    CHECK(human_size(3ULL * 1024 * 1024 * 1024) == "3.0 GiB");
    CHECK(human_size(std::numeric_limits<std::uint64_t>::max()) == "16777216.0 TiB");
    CHECK(clock_time(0s) == "0:00");
    CHECK(clock_time(7s) == "0:07");
    CHECK(clock_time(754s) == "12:34");
    CHECK(clock_time(3723s) == "1:02:03");
    CHECK(clock_time(-5s) == "0:00");
}

TEST_CASE("with a total: percentage, a bar filling the room, size, rate, elapsed and ETA")
{
    const Progress half{512 * 1024, 1024 * 1024, 128 * 1024.0, 3000ms};
    const auto line = progress_line(half, 79);
    CHECK(line.size() == 79);
    CHECK(line.starts_with(" 50% [====="));
    CHECK(line.ends_with("]  512.0 KiB  128.0 KiB/s  0:03 ETA 0:04"));
    CHECK(progress_line(half, 120).size() == 120);
}

TEST_CASE("narrow terminals: the line always fits, dropping the bar, then times, then the rate")
{
    const Progress half{512 * 1024, 1024 * 1024, 128 * 1024.0, 3000ms};
    for (std::size_t width = 1; width <= 100; ++width) {
        CAPTURE(width);
        CHECK(progress_line(half, width).size() <= width);
    }
    CHECK(progress_line(half, 56).find("[==") != std::string::npos);
    CHECK(progress_line(half, 55) == " 50% 512.0 KiB  128.0 KiB/s  0:03 ETA 0:04");
    CHECK(progress_line(half, 40) == " 50% 512.0 KiB  128.0 KiB/s");
    CHECK(progress_line(half, 16) == " 50% 512.0 KiB");
}

TEST_CASE("no rate yet: no number, no ETA; odd totals do not break the bar")
{
    const auto line = progress_line({0, 1024, std::nullopt, 0ms}, 60);
    CHECK(line.starts_with("  0% [>"));
    CHECK(line.ends_with("]        0 B         --/s  0:00"));
    CHECK(progress_line({10, 0, 1.0, 1000ms}, 60).starts_with("100% [=========="));
    CHECK(progress_line({2000, 1000, 1.0, 1000ms}, 60).starts_with("100% [=========="));
    CHECK(progress_line({1, 2, std::numeric_limits<double>::infinity(), 0ms}, 60).find("--/s") !=
          std::string::npos);
    CHECK(progress_line({1, 2, -5.0, 0ms}, 60).find("--/s") != std::string::npos);
}

TEST_CASE("without a total: bytes, rate and elapsed time only")
{
    CHECK(progress_line({3 * 1024 * 1024, std::nullopt, 1024 * 1024.0, 65s}, 80) ==
          "   3.0 MiB    1.0 MiB/s  1:05");
}

TEST_CASE("the rate: nothing before half a second, then over the last five")
{
    const RateWindow::clock::time_point start{};
    RateWindow window;
    window.add(start, 0);
    CHECK_FALSE(window.rate());
    window.add(start + 100ms, 100'000'000);  // a first read that came all at once
    CHECK_FALSE(window.rate());
    window.add(start + 1000ms, 101'000'000);
    CHECK(window.rate() == doctest::Approx(101'000'000.0));
    for (int second = 2; second <= 10; ++second) {
        window.add(start + std::chrono::seconds(second), 101'000'000 + (second - 1) * 1'000'000ULL);
    }
    // The burst has left the window: 1 MB/s, as the last five seconds went.
    CHECK(window.rate() == doctest::Approx(1'000'000.0));
}

TEST_SUITE_END();
