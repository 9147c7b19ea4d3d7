#include "server/connection_limit.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <thread>
#include <vector>

using hello::server::ConnectionLimit;
using hello::server::ConnectionSlot;

TEST_SUITE_BEGIN("connection_limit");

namespace {

asio::ip::address address(const char* text)
{
    return asio::ip::make_address(text);
}

}  // namespace

TEST_CASE("a slot is given back when it goes, and the last one is never taken twice")
{
    ConnectionLimit limit(2);
    std::optional<ConnectionSlot> first = limit.try_reserve();
    auto second = limit.try_reserve();
    REQUIRE(first);
    REQUIRE(second);
    CHECK_FALSE(limit.try_reserve());
    CHECK(limit.taken() == 2);
    first.reset();
    CHECK(limit.taken() == 1);
    CHECK(limit.try_reserve());
}

TEST_CASE("without a per-address limit every address may claim")
{
    ConnectionLimit limit(10);
    std::vector<ConnectionSlot> slots;
    for (int i = 0; i < 5; ++i) {
        slots.push_back(*limit.try_reserve());
        CHECK(limit.try_claim(slots.back(), address("192.0.2.1")));
    }
}

TEST_CASE("per address: N claims from one address, then none, and others unaffected")
{
    ConnectionLimit limit(10, 2);
    std::vector<ConnectionSlot> slots;
    for (int i = 0; i < 2; ++i) {
        slots.push_back(*limit.try_reserve());
        CHECK(limit.try_claim(slots.back(), address("192.0.2.1")));
    }
    auto refused = *limit.try_reserve();
    CHECK_FALSE(limit.try_claim(refused, address("192.0.2.1")));
    // An IPv4 client of an IPv6 listener is the same address.
    CHECK_FALSE(limit.try_claim(refused, address("::ffff:192.0.2.1")));
    CHECK(limit.try_claim(refused, address("192.0.2.2")));
    CHECK(limit.taken() == 3);
}

TEST_CASE("a claimed place is given back with its slot, and an unclaimed slot gives none")
{
    ConnectionLimit limit(10, 1);
    {
        auto slot = *limit.try_reserve();
        CHECK(limit.try_claim(slot, address("2001:db8::1")));
        auto other = *limit.try_reserve();
        CHECK_FALSE(limit.try_claim(other, address("2001:db8::1")));
    }  // `other` never claimed: only `slot` gives a place back
    CHECK(limit.taken() == 0);
    auto again = *limit.try_reserve();
    CHECK(limit.try_claim(again, address("2001:db8::1")));
    auto moved = std::move(again);  // the claim moves with the slot
    auto after = *limit.try_reserve();
    CHECK_FALSE(limit.try_claim(after, address("2001:db8::1")));
}

TEST_CASE("exact with threads: claims racing from one address never pass the limit")
{
    constexpr int per_address = 3;
    ConnectionLimit limit(1000, per_address);
    for (int round = 0; round < 50; ++round) {
        std::vector<std::vector<ConnectionSlot>> held(4);
        std::vector<std::thread> threads;
        for (auto& mine : held) {
            threads.emplace_back([&limit, &mine] {
                for (int i = 0; i < 8; ++i) {
                    auto slot = *limit.try_reserve();
                    if (limit.try_claim(slot, address("198.51.100.7"))) {
                        mine.push_back(std::move(slot));
                    }
                }
            });
        }
        for (auto& thread : threads) {
            thread.join();
        }
        std::size_t claimed = 0;
        for (const auto& mine : held) {
            claimed += mine.size();
        }
        REQUIRE(claimed == per_address);
    }
    CHECK(limit.taken() == 0);
}

TEST_SUITE_END();
