#include <doctest/doctest.h>

#include "http/wire/errors.hpp"
#include "http/wire/url.hpp"

using namespace hello::http;

TEST_SUITE_BEGIN("http_url");

TEST_CASE("a full http URL")
{
    const auto url = parse_url("http://example.com:8080/a/b.html?x=1#top");
    CHECK(url.scheme == Scheme::http);
    CHECK(url.host == "example.com");
    CHECK(url.port == 8080);
    CHECK(url.path == "/a/b.html");
    CHECK(url.query == "?x=1");
    CHECK(url.target() == "/a/b.html?x=1");
    CHECK(url.authority() == "example.com:8080");
    CHECK(url.to_string() == "http://example.com:8080/a/b.html?x=1");
}

TEST_CASE("schemes, their default ports, and the default scheme")
{
    CHECK(parse_url("https://example.com").port == 443);
    CHECK(parse_url("https://example.com").scheme == Scheme::https);
    CHECK(parse_url("HTTPS://example.com").scheme == Scheme::https);
    CHECK(parse_url("http://example.com").port == 80);
    const auto bare = parse_url("example.com");
    CHECK(bare.scheme == Scheme::http);
    CHECK(bare.port == 80);
    CHECK(bare.path == "/");
    CHECK(parse_url("example.com/x/y").path == "/x/y");
    CHECK(parse_url("example.com:81").port == 81);
    CHECK(parse_url("example.com?q").target() == "/?q");
    CHECK(parse_url("http://example.com:/").port == 80);
}

TEST_CASE("the Host header names the port only when it is not the default")
{
    CHECK(parse_url("https://example.com:443/").authority() == "example.com");
    CHECK(parse_url("https://example.com:80/").authority() == "example.com:80");
    CHECK(parse_url("http://example.com:443/").authority() == "example.com:443");
}

TEST_CASE("IPv6 literals")
{
    const auto url = parse_url("http://[::1]:8080/index.html");
    CHECK(url.host == "::1");
    CHECK(url.port == 8080);
    CHECK(url.authority() == "[::1]:8080");
    CHECK(parse_url("[2001:db8::7]").host == "2001:db8::7");
    CHECK(parse_url("https://[::ffff:127.0.0.1]/").authority() == "[::ffff:127.0.0.1]");
    CHECK_THROWS_AS(parse_url("http://[::1/"), InvalidUrl);
    CHECK_THROWS_AS(parse_url("http://[]/"), InvalidUrl);
    CHECK_THROWS_AS(parse_url("http://[::1]x/"), InvalidUrl);
    CHECK_THROWS_AS(parse_url("http://[fe80::1%eth0]/"), InvalidUrl);
}

TEST_CASE("bad URLs are rejected with the reason")
{
    CHECK_THROWS_WITH_AS(parse_url("ftp://example.com/"), doctest::Contains("unsupported scheme"),
                         InvalidUrl);
    CHECK_THROWS_WITH_AS(parse_url("http://example.com:0/"), doctest::Contains("bad port"),
                         InvalidUrl);
    CHECK_THROWS_AS(parse_url("http://example.com:65536/"), InvalidUrl);
    CHECK_THROWS_AS(parse_url("http://example.com:99999999999999999999/"), InvalidUrl);
    CHECK_THROWS_AS(parse_url("http://example.com:8o/"), InvalidUrl);
    CHECK_THROWS_AS(parse_url("http://example.com:-1/"), InvalidUrl);
    CHECK_THROWS_AS(parse_url(""), InvalidUrl);
    CHECK_THROWS_AS(parse_url("http:///path"), InvalidUrl);
    CHECK_THROWS_WITH_AS(parse_url("http://@example.com/"), doctest::Contains("no user name"),
                         InvalidUrl);
    CHECK_THROWS_AS(parse_url("http://u:p%4@example.com/"), InvalidUrl);
    CHECK_THROWS_AS(parse_url("http://u:p%0a@example.com/"), InvalidUrl);
    CHECK_THROWS_AS(parse_url("http://exa mple.com/"), InvalidUrl);
}

TEST_CASE("user info is decoded into credentials, and never printed")
{
    const auto url = parse_url("https://alice:p%40ss%3Aword@Example.com:8443/x");
    CHECK(url.credentials == "alice:p@ss:word");
    CHECK(url.host == "Example.com");
    CHECK(url.port == 8443);
    CHECK(url.to_string() == "https://Example.com:8443/x");
    CHECK(parse_url("http://bob@h/").credentials == "bob:");
    CHECK_FALSE(parse_url("http://h/a@b").credentials);
}

TEST_CASE("the same origin is the same scheme, host (any case) and port")
{
    const auto base = parse_url("http://example.com/a");
    CHECK(same_origin(base, parse_url("http://EXAMPLE.com:80/b?c")));
    CHECK_FALSE(same_origin(base, parse_url("https://example.com/a")));
    CHECK_FALSE(same_origin(base, parse_url("http://example.com:8080/a")));
    CHECK_FALSE(same_origin(base, parse_url("http://www.example.com/a")));
}

TEST_CASE("nothing in a URL can add a line to the request")
{
    CHECK_THROWS_WITH_AS(parse_url("http://example.com/a\r\nX-Injected: 1"),
                         doctest::Contains("control characters"), InvalidUrl);
    CHECK_THROWS_AS(parse_url("http://example.com\r\nX: 1/"), InvalidUrl);
    CHECK_THROWS_AS(parse_url(std::string_view("http://example.com/\0", 20)), InvalidUrl);
}

TEST_CASE("spaces and non-ASCII bytes in the path are percent-encoded")
{
    CHECK(parse_url("http://h/a b").path == "/a%20b");
    CHECK(parse_url("http://h/caf\xc3\xa9?q=\xc3\xa9").target() == "/caf%C3%A9?q=%C3%A9");
    CHECK(parse_url("http://h/already%20encoded").path == "/already%20encoded");
}

TEST_CASE("the default output file name")
{
    CHECK(default_file_name(parse_url("http://h/")) == "index.html");
    CHECK(default_file_name(parse_url("http://h")) == "index.html");
    CHECK(default_file_name(parse_url("http://h/a/page.html")) == "page.html");
    CHECK(default_file_name(parse_url("http://h/a/page.html?x=/etc/passwd")) == "page.html");
    CHECK(default_file_name(parse_url("http://h/dir/")) == "index.html");
    CHECK(default_file_name(parse_url("http://h/..")) == "index.html");
    CHECK(default_file_name(parse_url("http://h/a/.")) == "index.html");
    CHECK(default_file_name(parse_url("http://h/a%2F..")) == "a%2F..");
}

TEST_CASE("dot segments are removed from the path, as curl and browsers do")
{
    CHECK(parse_url("http://h/a/./b/../c?x=/../").target() == "/a/c?x=/../");
    CHECK(parse_url("http://h/../../etc/passwd").path == "/etc/passwd");
    CHECK(parse_url("http://h/a/..").path == "/");
}

TEST_CASE("dot segments")
{
    CHECK(remove_dot_segments("/") == "/");
    CHECK(remove_dot_segments("/a/b/c/./../../g") == "/a/g");
    CHECK(remove_dot_segments("/..") == "/");
    CHECK(remove_dot_segments("/a/..") == "/");
    CHECK(remove_dot_segments("/a/.") == "/a/");
    CHECK(remove_dot_segments("/a//b") == "/a//b");
}

TEST_SUITE_END();
