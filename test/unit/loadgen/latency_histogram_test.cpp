#include <doctest/doctest.h>

#include <cstdint>

#include "loadgen/latency_histogram.hpp"

using hello::bench::LatencyHistogram;

TEST_SUITE("bench_histogram")
{

    TEST_CASE("an empty histogram reports zeros")
    {
        const LatencyHistogram histogram;
        CHECK(histogram.count() == 0);
        CHECK(histogram.percentile(50) == 0);
        CHECK(histogram.max() == 0);
        CHECK(histogram.mean() == 0.0);
    }

    TEST_CASE("small values are exact")
    {
        LatencyHistogram histogram;
        for (std::uint64_t value = 1; value <= 100; ++value) {
            histogram.record(value);
        }
        CHECK(histogram.count() == 100);
        CHECK(histogram.percentile(50) == 50);
        CHECK(histogram.percentile(90) == 90);
        CHECK(histogram.percentile(99) == 99);
        CHECK(histogram.percentile(100) == 100);
        CHECK(histogram.max() == 100);
        CHECK(histogram.mean() == doctest::Approx(50.5));
    }

    TEST_CASE("large values are within 1% and never above the maximum")
    {
        LatencyHistogram histogram;
        for (std::uint64_t i = 1; i <= 1000; ++i) {
            histogram.record(i * 1'000'003);  // about 1ms to 1s
        }
        CHECK(histogram.percentile(50) == doctest::Approx(500 * 1'000'003.0).epsilon(0.01));
        CHECK(histogram.percentile(99) == doctest::Approx(990 * 1'000'003.0).epsilon(0.01));
        CHECK(histogram.percentile(50) >=
              500 * 1'000'003);  // an upper bound, as a latency should be
        CHECK(histogram.percentile(100) == 1000 * 1'000'003);
        CHECK(histogram.max() == 1000 * 1'000'003);
    }

    TEST_CASE("one outlier shows in the maximum and the top percentile only")
    {
        LatencyHistogram histogram;
        for (int i = 0; i < 999; ++i) {
            histogram.record(20'000);
        }
        histogram.record(5'000'000'000);
        CHECK(histogram.percentile(99) == doctest::Approx(20'000).epsilon(0.01));
        CHECK(histogram.percentile(99.9) == doctest::Approx(20'000).epsilon(0.01));
        CHECK(histogram.percentile(100) == 5'000'000'000);
    }

    TEST_CASE("the extremes of the range have buckets")
    {
        LatencyHistogram histogram;
        histogram.record(0);
        histogram.record(UINT64_MAX);
        CHECK(histogram.percentile(50) == 0);
        CHECK(histogram.percentile(100) == UINT64_MAX);
    }

    TEST_CASE("merging adds counts, keeps the larger maximum")
    {
        LatencyHistogram first;
        LatencyHistogram second;
        for (int i = 0; i < 100; ++i) {
            first.record(1000);
            second.record(3000);
        }
        second.record(9000);
        first.merge(second);
        CHECK(first.count() == 201);
        CHECK(first.max() == 9000);
        CHECK(first.percentile(40) == doctest::Approx(1000).epsilon(0.01));
        CHECK(first.percentile(60) == doctest::Approx(3000).epsilon(0.01));
    }
}
