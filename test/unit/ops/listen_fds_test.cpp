#include "ops/listen_fds.hpp"

#include <doctest/doctest.h>

TEST_SUITE_BEGIN("listen_fds");

using namespace hello::ops;

namespace {

constexpr long our_pid = 4242;

ListenFds parse(std::optional<std::string_view> pid, std::optional<std::string_view> fds)
{
    return parse_listen_fds(pid, fds, our_pid);
}

int passed_count(const ListenFds& result)
{
    REQUIRE(std::holds_alternative<SocketsPassed>(result));
    return std::get<SocketsPassed>(result).count;
}

}  // namespace

TEST_CASE("sockets passed to this process are taken")
{
    CHECK(passed_count(parse("4242", "1")) == 1);
    CHECK(passed_count(parse("4242", "3")) == 3);
}

TEST_CASE("no variables, no sockets")
{
    CHECK(std::holds_alternative<NoSocketsPassed>(parse(std::nullopt, std::nullopt)));
    CHECK(std::holds_alternative<NoSocketsPassed>(parse(std::nullopt, "1")));
}

TEST_CASE("sockets meant for another process are left alone")
{
    CHECK(std::holds_alternative<NoSocketsPassed>(parse("4241", "1")));
    CHECK(std::holds_alternative<NoSocketsPassed>(parse("1", "1")));
}

TEST_CASE("LISTEN_FDS unset or 0 means no sockets, as in sd_listen_fds()")
{
    CHECK(std::holds_alternative<NoSocketsPassed>(parse("4242", std::nullopt)));
    CHECK(std::holds_alternative<NoSocketsPassed>(parse("4242", "0")));
}

TEST_CASE("malformed values meant for us are errors naming the variable")
{
    for (const auto* pid : {"", "abc", "42x", "-4242", " 4242", "99999999999999999999999"}) {
        CAPTURE(pid);
        const auto result = parse(pid, "1");
        REQUIRE(std::holds_alternative<BadSocketActivation>(result));
        CHECK(std::get<BadSocketActivation>(result).reason.find("LISTEN_PID") != std::string::npos);
    }
    for (const auto* fds : {"", "one", "1x", "-1", "99999999999999999999999", "2147483647"}) {
        CAPTURE(fds);
        const auto result = parse("4242", fds);
        REQUIRE(std::holds_alternative<BadSocketActivation>(result));
        CHECK(std::get<BadSocketActivation>(result).reason.find("LISTEN_FDS") != std::string::npos);
    }
}

TEST_SUITE_END();
