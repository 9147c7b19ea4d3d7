#include <doctest/doctest.h>

#include "http/wire/errors.hpp"
#include "http/wire/idn.hpp"
#include "http/wire/url.hpp"

using namespace hello::http;

TEST_SUITE_BEGIN("http_idn");

TEST_CASE("ASCII host names pass through unchanged")
{
    CHECK(to_ascii_host("example.com") == "example.com");
    CHECK(to_ascii_host("xn--bcher-kva.example") == "xn--bcher-kva.example");
}

TEST_CASE("non-ASCII host names become punycode (IDNA 2008), or are refused without libidn2")
{
    if (!idn_supported()) {
        CHECK_THROWS_WITH_AS(to_ascii_host("bücher.example"), doctest::Contains("without libidn2"),
                             InvalidUrl);
        return;
    }
    CHECK(to_ascii_host("bücher.example") == "xn--bcher-kva.example");
    CHECK(to_ascii_host("Bücher.Example") == "xn--bcher-kva.example");
    CHECK(to_ascii_host("例え.テスト") == "xn--r8jz45g.xn--zckzah");
    const auto url = parse_url("https://bücher.example:8443/straße");
    CHECK(url.host == "xn--bcher-kva.example");
    CHECK(url.authority() == "xn--bcher-kva.example:8443");
    CHECK(url.path == "/stra%C3%9Fe");
    CHECK_THROWS_AS(parse_url("http://bü cher.example/"), InvalidUrl);
}

TEST_CASE("a NUL or control byte in a non-ASCII name is refused, not cut short (found by fuzzing)")
{
    using namespace std::string_view_literals;
    CHECK_THROWS_AS(to_ascii_host("\0\0q\xff"sv), InvalidUrl);
    CHECK_THROWS_AS(parse_url("\0\0\0q\x1a\xff/\xf4:1/"sv), InvalidUrl);
    CHECK_THROWS_AS(to_ascii_host("b\x01\xc3\xbc"sv), InvalidUrl);
}

TEST_SUITE_END();
