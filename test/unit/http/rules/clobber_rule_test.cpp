#include <doctest/doctest.h>

#include <set>
#include <string>

#include "http/rules/clobber_rule.hpp"

using namespace hello::http;

TEST_SUITE_BEGIN("http_clobber_rule");

TEST_CASE("the default name: only a 2xx body replaces an existing file")
{
    CHECK(may_replace(false, 200, true));
    CHECK(may_replace(false, 206, true));
    CHECK_FALSE(may_replace(false, 404, true));
    CHECK_FALSE(may_replace(false, 500, true));
    CHECK_FALSE(may_replace(false, 302, true));
}

TEST_CASE("a new file, or a name the user gave, takes any body")
{
    CHECK(may_replace(false, 404, false));
    CHECK(may_replace(true, 404, true));
    CHECK(may_replace(true, 500, true));
}

TEST_CASE("--no-clobber: the first free NAME.N, up to 100")
{
    std::set<std::string> taken;
    const auto exists = [&taken](const std::string& name) { return taken.contains(name); };
    CHECK(unclobbered_name("f", exists) == "f");
    taken = {"f", "f.1"};
    CHECK(unclobbered_name("f", exists) == "f.2");
    taken = {"f"};
    for (int n = 1; n <= 100; ++n) {
        taken.insert("f." + std::to_string(n));
    }
    CHECK(unclobbered_name("f", exists) == std::nullopt);
}
