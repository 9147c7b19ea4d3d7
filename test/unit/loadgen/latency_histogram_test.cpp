#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "loadgen/latency_histogram.hpp"

using hello::loadgen::LatencyHistogram;

namespace {

constexpr double microsecond = 1'000;
constexpr double minute = 60e9;

// The exact p-th percentile of sorted values: the smallest value that at
// least p% of them do not exceed.
std::uint64_t exact_percentile(const std::vector<std::uint64_t>& sorted, double percent)
{
    const auto rank = static_cast<std::size_t>(
        std::ceil(percent / 100.0 * static_cast<double>(sorted.size()) * (1 - 1e-12)));
    return sorted[std::max<std::size_t>(rank, 1) - 1];
}

// Every percentile the reports show, within 1% above the exact one (the
// histogram reports the top of a value's counter: an upper bound).
void check_percentiles(const std::vector<std::uint64_t>& values)
{
    LatencyHistogram histogram;
    for (const auto value : values) {
        histogram.record(value);
    }
    auto sorted = values;
    std::sort(sorted.begin(), sorted.end());
    for (const double percent :
         {0.0, 1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
        CAPTURE(percent);
        const auto exact = exact_percentile(sorted, percent);
        const auto reported = histogram.percentile(percent);
        CHECK(reported >= exact);
        CHECK(static_cast<double>(reported) <= static_cast<double>(exact) * 1.01);
    }
    CHECK(histogram.count() == values.size());
    CHECK(histogram.max() == sorted.back());
}

}  // namespace

TEST_SUITE("bench_histogram")
{

    TEST_CASE("an empty histogram reports zeros")
    {
        const LatencyHistogram histogram;
        CHECK(histogram.count() == 0);
        CHECK(histogram.percentile(50) == 0);
        CHECK(histogram.max() == 0);
        CHECK(histogram.mean() == 0.0);
        CHECK(histogram.standard_deviation() == 0.0);
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
        // sqrt((100^2 - 1) / 12), the spread of 1..100
        CHECK(histogram.standard_deviation() == doctest::Approx(28.866).epsilon(0.001));
    }

    TEST_CASE("every counter from 1 us to past a minute is narrower than 1% of its values")
    {
        const auto first = LatencyHistogram::counter_of(1'000);
        const auto last = LatencyHistogram::counter_of(static_cast<std::uint64_t>(2 * minute));
        for (auto counter = first; counter <= last; ++counter) {
            const auto low = LatencyHistogram::lowest_in(counter);
            const auto high = LatencyHistogram::highest_in(counter);
            REQUIRE(LatencyHistogram::counter_of(low) == counter);
            REQUIRE(LatencyHistogram::counter_of(high) == counter);
            REQUIRE(LatencyHistogram::counter_of(high + 1) == counter + 1);
            REQUIRE(static_cast<double>(high - low) < 0.01 * static_cast<double>(low));
        }
    }

    TEST_CASE("log-uniform from 1 us to 1 min: every percentile within 1%")
    {
        std::vector<std::uint64_t> values;
        constexpr int count = 100'000;
        const double low = std::log(microsecond);
        const double high = std::log(minute);
        for (int i = 0; i < count; ++i) {
            // Interleaved, not sorted: order must not matter.
            const double fraction = static_cast<double>((i * 7919) % count) / (count - 1);
            values.push_back(static_cast<std::uint64_t>(std::exp(low + fraction * (high - low))));
        }
        check_percentiles(values);
    }

    TEST_CASE("exponential with a 1 ms mean: percentiles match -mean * ln(1 - p)")
    {
        std::vector<std::uint64_t> values;
        constexpr int count = 200'000;
        constexpr double mean = 1e6;
        for (int i = 0; i < count; ++i) {
            const double quantile = (i + 0.5) / count;
            values.push_back(static_cast<std::uint64_t>(-mean * std::log(1 - quantile)));
        }
        check_percentiles(values);
        LatencyHistogram histogram;
        for (const auto value : values) {
            histogram.record(value);
        }
        for (const double percent : {50.0, 90.0, 99.0, 99.9}) {
            CAPTURE(percent);
            CHECK(static_cast<double>(histogram.percentile(percent)) ==
                  doctest::Approx(-mean * std::log(1 - percent / 100)).epsilon(0.01));
        }
        CHECK(histogram.mean() == doctest::Approx(mean).epsilon(0.01));
        CHECK(histogram.standard_deviation() == doctest::Approx(mean).epsilon(0.01));
    }

    TEST_CASE("a bimodal service: fast replies and a 100 ms stall, each mode in its percentiles")
    {
        std::vector<std::uint64_t> values;
        for (int i = 0; i < 9'900; ++i) {
            values.push_back(static_cast<std::uint64_t>(20'000 + (i % 100) * 50));
        }
        for (int i = 0; i < 100; ++i) {
            values.push_back(100'000'000 + static_cast<std::uint64_t>(i) * 10'000);
        }
        check_percentiles(values);
    }

    TEST_CASE("large values are never reported above the maximum")
    {
        LatencyHistogram histogram;
        for (std::uint64_t i = 1; i <= 1000; ++i) {
            histogram.record(i * 1'000'003);  // about 1ms to 1s
        }
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

    TEST_CASE("the extremes of the range have counters, and memory stays constant")
    {
        LatencyHistogram histogram;
        histogram.record(0);
        histogram.record(UINT64_MAX);
        CHECK(histogram.percentile(50) == 0);
        CHECK(histogram.percentile(100) == UINT64_MAX);
        CHECK(histogram.counts().size() == LatencyHistogram::counter_count);
        CHECK(LatencyHistogram::counter_count == 7'424);
    }

    TEST_CASE("merging is exact: the merge of three threads' histograms is the histogram of all")
    {
        LatencyHistogram all;
        LatencyHistogram parts[3];
        for (std::uint64_t i = 0; i < 30'000; ++i) {
            const auto value = 1'000 + (i * i * 2654435761ULL) % 50'000'000;
            all.record(value);
            parts[i % 3].record(value);
        }
        LatencyHistogram merged;
        for (const auto& part : parts) {
            merged.merge(part);
        }
        CHECK(merged.count() == parts[0].count() + parts[1].count() + parts[2].count());
        CHECK(merged.counts() == all.counts());
        CHECK(merged.max() == all.max());
        CHECK(merged.mean() == doctest::Approx(all.mean()));
        for (const double percent : {50.0, 99.0, 99.99}) {
            CHECK(merged.percentile(percent) == all.percentile(percent));
        }
    }

    TEST_CASE("from counts: what the progress line reads back")
    {
        LatencyHistogram recorded;
        for (std::uint64_t value = 1'000; value < 100'000; value += 7) {
            recorded.record(value);
        }
        const auto rebuilt = LatencyHistogram::from_counts(recorded.counts());
        CHECK(rebuilt.count() == recorded.count());
        CHECK(rebuilt.percentile(99) == recorded.percentile(99));
        CHECK(rebuilt.max() ==
              LatencyHistogram::highest_in(LatencyHistogram::counter_of(recorded.max())));
    }
}
