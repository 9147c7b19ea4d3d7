#include <doctest/doctest.h>

#include <limits>

#include "http/progress.hpp"

using namespace hello::http;

TEST_SUITE_BEGIN("http_progress");

TEST_CASE("sizes for people")
{
    CHECK(human_size(0) == "0 B");
    CHECK(human_size(1023) == "1023 B");
    CHECK(human_size(1024) == "1.0 KiB");
    CHECK(human_size(1536) == "1.5 KiB");
    CHECK(human_size(5 * 1024 * 1024) == "5.0 MiB");
    CHECK(human_size(3ULL * 1024 * 1024 * 1024) == "3.0 GiB");
    CHECK(human_size(std::numeric_limits<std::uint64_t>::max()) == "16777216.0 TiB");
}

TEST_CASE("a bar with a known total")
{
    CHECK(progress_line(512, 1024, 1024, 10) == " 50% [=====>    ]      512 B     1.0 KiB/s");
    CHECK(progress_line(0, 0, 1024, 4) == "  0% [>   ]        0 B         0 B/s");
    CHECK(progress_line(1024, 2048, 1024, 4) == "100% [====]    1.0 KiB     2.0 KiB/s");
}

TEST_CASE("odd totals and rates do not break the bar")
{
    CHECK(progress_line(10, 1, 0, 4) == "100% [====]       10 B         1 B/s");  // empty body
    CHECK(progress_line(2000, 1, 1000, 4) ==
          "100% [====]    2.0 KiB         1 B/s");  // more than promised
    CHECK(progress_line(1, std::numeric_limits<double>::infinity(), 2, 4).ends_with("0 B/s"));
    CHECK(progress_line(1, -5.0, 2, 4).ends_with("0 B/s"));
}

TEST_CASE("without a total: bytes and rate only")
{
    CHECK(progress_line(3 * 1024 * 1024, 1024 * 1024, std::nullopt) == "   3.0 MiB     1.0 MiB/s");
}

TEST_SUITE_END();
