#include <doctest/doctest.h>

#include "http/clobber_rule.hpp"

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
