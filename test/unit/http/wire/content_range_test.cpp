#include <doctest/doctest.h>

#include "http/wire/content_range.hpp"
#include "http/wire/errors.hpp"

using namespace hello::http;

TEST_SUITE_BEGIN("http_content_range");

TEST_CASE("a satisfied range, with or without the complete length")
{
    CHECK(parse_content_range("bytes 100-199/1000") == ContentRange{100, 199, 1000});
    CHECK(parse_content_range(" Bytes 0-0/1 ") == ContentRange{0, 0, 1});
    CHECK(parse_content_range("bytes 5-9/*") == ContentRange{5, 9, std::nullopt});
    CHECK(parse_content_range("bytes 0-18446744073709551614/18446744073709551615") ==
          ContentRange{0, 18446744073709551614ULL, 18446744073709551615ULL});
}

TEST_CASE("an unsatisfied range names the complete length")
{
    CHECK(parse_content_range("bytes */1000") == ContentRange{std::nullopt, std::nullopt, 1000});
}

TEST_CASE("anything else is malformed")
{
    for (const auto bad :
         {"", "bytes", "bytes ", "items 0-1/2", "bytes 0-1", "bytes 1-0/5", "bytes 0-5/5",
          "bytes */*", "bytes -1-2/3", "bytes 0-1/2x", "bytes 0x1-2/3", "bytes +1-2/3",
          "bytes 0-18446744073709551616/*", "bytes 1 -2/3", "bytes 0-1/ 2", "bytes=0-1/2"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(parse_content_range(bad), MalformedResponse);
    }
}

TEST_CASE("If-Range: the strong ETag, else Last-Modified, never a weak ETag")
{
    ResponseHead head;
    CHECK_FALSE(if_range_validator(head));
    head.fields = {{"Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT"}, {"ETag", "W/\"weak\""}};
    CHECK(if_range_validator(head) == "Sun, 06 Nov 1994 08:49:37 GMT");
    head.fields.push_back({"etag", "\"strong\""});
    CHECK(if_range_validator(head) == "Sun, 06 Nov 1994 08:49:37 GMT");  // the first ETag is weak
    head.fields = {{"ETag", "\"v2\""}, {"Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT"}};
    CHECK(if_range_validator(head) == "\"v2\"");
}

TEST_SUITE_END();
