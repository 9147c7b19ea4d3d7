#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "loadgen/latency_histogram.hpp"
#include "loadgen/percentile_distribution.hpp"

using hello::loadgen::format_percentile_distribution;
using hello::loadgen::LatencyHistogram;

namespace {

struct Row {
    double value;
    double percentile;
    unsigned long long total_count;
};

// Reads the rows the way HdrHistogram's plotters do: lines not starting
// with '#' that hold at least three numbers.
std::vector<Row> rows_of(const std::string& text)
{
    std::vector<Row> rows;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        Row row{};
        if (line.starts_with("#") || !(fields >> row.value >> row.percentile >> row.total_count)) {
            continue;
        }
        rows.push_back(row);
    }
    return rows;
}

}  // namespace

TEST_SUITE("bench_distribution")
{

    TEST_CASE("four values: HdrHistogram's header, its percentile steps, its footer")
    {
        LatencyHistogram histogram;
        for (std::uint64_t value = 1'000; value <= 4'000; value += 1'000) {
            histogram.record(value);
        }
        // Values above 256 ns are reported as the top of their counter:
        // 1000 -> 1003, 2000 -> 2007, 3000 -> 3007, 4000 -> 4015 (ns).
        const auto text = format_percentile_distribution(histogram);
        CHECK(text == "       Value     Percentile TotalCount 1/(1-Percentile)\n"
                      "\n"
                      "       1.003 0.000000000000          1           1.00\n"
                      "       1.003 0.100000000000          1           1.11\n"
                      "       1.003 0.200000000000          1           1.25\n"
                      "       2.007 0.300000000000          2           1.43\n"
                      "       2.007 0.400000000000          2           1.67\n"
                      "       2.007 0.500000000000          2           2.00\n"
                      "       3.007 0.550000000000          3           2.22\n"
                      "       3.007 0.600000000000          3           2.50\n"
                      "       3.007 0.650000000000          3           2.86\n"
                      "       3.007 0.700000000000          3           3.33\n"
                      "       3.007 0.750000000000          3           4.00\n"
                      "       4.015 0.775000000000          4           4.44\n"
                      "       4.015 1.000000000000          4\n"
                      "#[Mean    =        2.500, StdDeviation   =        1.120]\n"
                      "#[Max     =        4.000, Total count    =            4]\n"
                      "#[Buckets =           57, SubBuckets     =          256]\n");
    }

    TEST_CASE("a long tail: rows climb towards 100% and end there with every count")
    {
        LatencyHistogram histogram;
        for (std::uint64_t i = 1; i <= 100'000; ++i) {
            histogram.record(i * 997);
        }
        const auto rows = rows_of(format_percentile_distribution(histogram));
        REQUIRE(rows.size() > 50);
        CHECK(rows.front().percentile == 0.0);
        CHECK(rows.back().percentile == 1.0);
        CHECK(rows.back().total_count == 100'000);
        CHECK(rows.back().value == doctest::Approx(100'000 * 0.997).epsilon(0.01));
        bool reaches_99_99 = false;
        for (std::size_t i = 1; i < rows.size(); ++i) {
            CHECK(rows[i].value >= rows[i - 1].value);
            CHECK(rows[i].percentile > rows[i - 1].percentile);
            CHECK(rows[i].total_count >= rows[i - 1].total_count);
            reaches_99_99 = reaches_99_99 || rows[i].percentile >= 0.9999;
        }
        CHECK(reaches_99_99);
    }

    TEST_CASE("an empty histogram: header and footer only")
    {
        const auto text = format_percentile_distribution(LatencyHistogram{});
        CHECK(rows_of(text).empty());
        CHECK(text.find("Total count    =            0]") != std::string::npos);
    }
}
