#include <doctest/doctest.h>

#include <string_view>

#include "http/wire/base64.hpp"

using namespace hello::http;

TEST_SUITE_BEGIN("http_base64");

TEST_CASE("RFC 4648's test vectors, padding included")
{
    CHECK(base64("") == "");
    CHECK(base64("f") == "Zg==");
    CHECK(base64("fo") == "Zm8=");
    CHECK(base64("foo") == "Zm9v");
    CHECK(base64("foob") == "Zm9vYg==");
    CHECK(base64("fooba") == "Zm9vYmE=");
    CHECK(base64("foobar") == "Zm9vYmFy");
    CHECK(base64(std::string_view("\xff\xfe\x00"
                                  "a",
                                  4)) == "//4AYQ==");
}

TEST_SUITE_END();
