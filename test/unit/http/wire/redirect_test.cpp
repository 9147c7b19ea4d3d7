#include <doctest/doctest.h>

#include "http/wire/errors.hpp"
#include "http/wire/redirect.hpp"

using namespace hello::http;

namespace {

std::string resolve(std::string_view base, std::string_view location)
{
    return resolve_location(parse_url(base), location).to_string();
}

}  // namespace

TEST_SUITE_BEGIN("http_redirect");

TEST_CASE("which statuses are redirects")
{
    for (const int code : {301, 302, 303, 307, 308}) {
        CHECK(is_redirect(code));
    }
    for (const int code : {200, 300, 304, 305, 306, 400}) {
        CHECK_FALSE(is_redirect(code));
    }
}

TEST_CASE("absolute and scheme-relative Locations")
{
    CHECK(resolve("http://a.example/x", "https://b.example/y?z") == "https://b.example/y?z");
    CHECK(resolve("http://a.example/x", "HTTP://b.example:8080") == "http://b.example:8080/");
    CHECK(resolve("https://a.example/x", "//b.example/y") == "https://b.example/y");
    CHECK(resolve("http://a.example/x", "http://[::1]:81/#frag") == "http://[::1]:81/");
}

TEST_CASE("relative Locations, RFC 3986 style")
{
    const auto base = "http://a.example:8080/b/c/d?q";
    CHECK(resolve(base, "/x") == "http://a.example:8080/x");
    CHECK(resolve(base, "g") == "http://a.example:8080/b/c/g");
    CHECK(resolve(base, "./g") == "http://a.example:8080/b/c/g");
    CHECK(resolve(base, "g/") == "http://a.example:8080/b/c/g/");
    CHECK(resolve(base, "../g") == "http://a.example:8080/b/g");
    CHECK(resolve(base, "../../../../g") == "http://a.example:8080/g");
    CHECK(resolve(base, "..") == "http://a.example:8080/b/");
    CHECK(resolve(base, "?y") == "http://a.example:8080/b/c/d?y");
    CHECK(resolve(base, "g?y") == "http://a.example:8080/b/c/g?y");
    CHECK(resolve(base, "#s") == "http://a.example:8080/b/c/d?q");
    CHECK(resolve(base, " /spaced ") == "http://a.example:8080/spaced");
    CHECK(resolve(base, "/a b") == "http://a.example:8080/a%20b");
}

TEST_CASE("Locations we will not follow")
{
    CHECK_THROWS_AS(resolve("http://a.example/", ""), InvalidUrl);
    CHECK_THROWS_AS(resolve("http://a.example/", "ftp://a.example/file"), InvalidUrl);
    CHECK_THROWS_AS(resolve("http://a.example/", "javascript:alert(1)"), InvalidUrl);
    CHECK_THROWS_AS(resolve("http://a.example/", "http:relative"), InvalidUrl);
    CHECK_THROWS_AS(resolve("http://a.example/", "http://evil\r\nX: y/"), InvalidUrl);
    CHECK_THROWS_AS(resolve("http://a.example/", "/a\r\nX: y"), InvalidUrl);
}

TEST_CASE("an absolute or scheme-relative Location loses its dot segments too (found by fuzzing)")
{
    const auto base = parse_url("http://h/dir/page");
    CHECK(resolve_location(base, "HTTP://H:80/.").path == "/");
    CHECK(resolve_location(base, "//other/a/../b").path == "/b");
    CHECK(resolve_location(base, "https://x/a/./b/..").path == "/a/");
}

TEST_SUITE_END();
