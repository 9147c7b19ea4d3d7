#include "ops/counters.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

TEST_SUITE_BEGIN("counters");

using namespace hello::ops;

TEST_CASE("a single-writer counter adds and reads")
{
    SingleWriterCounter counter;
    CHECK(counter.read() == 0);
    counter.add();
    counter.add(41);
    CHECK(counter.read() == 42);
}

TEST_CASE("counters of several workers are summed field by field")
{
    std::vector<WorkerCounters> workers(3);
    workers[0].accepted.add(2);
    workers[1].accepted.add(5);
    workers[2].count_refusal(Refusal::busy);
    workers[0].accept_errors.add(4);
    workers[1].messages.add(10);
    workers[2].messages.add(7);
    workers[0].received_bytes.add(100);
    workers[2].sent_bytes.add(300);
    workers[0].count_close(CloseReason::idle);
    workers[2].count_close(CloseReason::idle);
    workers[1].count_close(CloseReason::proxy_header);

    const auto total = sum_counters(workers);
    CHECK(total.connections_open == 0);  // the server reads it off the connection limit
    CHECK(total.accepted == 7);
    CHECK(total.rejected_for(Refusal::busy) == 1);
    CHECK(total.rejected_total() == 1);
    CHECK(total.accept_errors == 4);
    CHECK(total.messages == 17);
    CHECK(total.received_bytes == 100);
    CHECK(total.sent_bytes == 300);
    CHECK(total.closed_for(CloseReason::idle) == 2);
    CHECK(total.closed_for(CloseReason::proxy_header) == 1);
    CHECK(total.closed_for(CloseReason::exit) == 0);
}

TEST_CASE("no workers, all zero")
{
    const auto total = sum_counters({});
    CHECK(total.accepted == 0);
    CHECK(total.messages == 0);
}

TEST_CASE("one writer per counter, read from another thread while it writes")
{
    // The reader never sees a value go down or past the end; the final sum is exact.
    std::vector<WorkerCounters> workers(2);
    constexpr std::uint64_t per_thread = 200'000;
    {
        std::jthread first([&] {
            for (std::uint64_t i = 0; i < per_thread; ++i)
                workers[0].messages.add();
        });
        std::jthread second([&] {
            for (std::uint64_t i = 0; i < per_thread; ++i)
                workers[1].messages.add();
        });
        std::uint64_t last = 0;
        for (int i = 0; i < 1000; ++i) {
            const auto now = sum_counters(workers).messages;
            CHECK(now >= last);
            CHECK(now <= 2 * per_thread);
            last = now;
        }
    }
    CHECK(sum_counters(workers).messages == 2 * per_thread);
}

TEST_CASE("each worker's counters sit on cache lines of their own")
{
    CHECK(alignof(WorkerCounters) == 64);
    CHECK(sizeof(WorkerCounters) % 64 == 0);
}

TEST_SUITE_END();
