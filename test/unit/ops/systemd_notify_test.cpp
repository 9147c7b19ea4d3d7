#include "ops/systemd_notify.hpp"

#include <doctest/doctest.h>

#include <string>

TEST_SUITE_BEGIN("systemd_notify");

using namespace hello::ops;

namespace {

std::string sun_path_of(std::string_view variable)
{
    const auto parsed = parse_notify_socket(variable);
    REQUIRE(parsed);
    REQUIRE(std::holds_alternative<NotifyAddress>(*parsed));
    return std::get<NotifyAddress>(*parsed).sun_path;
}

std::string reason_of(std::string_view variable)
{
    const auto parsed = parse_notify_socket(variable);
    REQUIRE(parsed);
    REQUIRE(std::holds_alternative<BadNotifySocket>(*parsed));
    return std::get<BadNotifySocket>(*parsed).reason;
}

}  // namespace

TEST_CASE("unset or empty: not started by systemd")
{
    CHECK_FALSE(parse_notify_socket(std::nullopt));
    CHECK_FALSE(parse_notify_socket(""));
}

TEST_CASE("a path is used as it is")
{
    CHECK(sun_path_of("/run/systemd/notify") == "/run/systemd/notify");
}

TEST_CASE("an @name is in the abstract namespace: a NUL byte first")
{
    CHECK(sun_path_of("@/org/freedesktop/systemd1/notify/42") ==
          std::string("\0/org/freedesktop/systemd1/notify/42", 36));
}

TEST_CASE("what no socket address can be is refused")
{
    CHECK(reason_of("run/notify") ==
          "NOTIFY_SOCKET 'run/notify' is neither a path nor an @abstract name");
    CHECK(reason_of("@") == "NOTIFY_SOCKET '@' names no socket");
    CHECK(reason_of("/" + std::string(107, 'x')) ==
          "NOTIFY_SOCKET is longer than a socket address allows (108 bytes)");
    CHECK(sun_path_of("/" + std::string(106, 'x')).size() == 107);
    CHECK(sun_path_of("@" + std::string(107, 'x')).size() == 108);
}

TEST_SUITE_END();
