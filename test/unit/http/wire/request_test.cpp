#include <doctest/doctest.h>

#include "http/wire/errors.hpp"
#include "http/wire/request.hpp"

using namespace hello::http;

namespace {

RequestOptions agent(std::string name)
{
    RequestOptions options;
    options.user_agent = std::move(name);
    return options;
}

}  // namespace

TEST_SUITE_BEGIN("http_request");

TEST_CASE("a GET request has Host, User-Agent and Connection: close, and ends with an empty line")
{
    const auto request =
        build_request(Method::get, parse_url("http://example.com:8080/a?b=c"), agent("test/1.0"));
    CHECK(request == "GET /a?b=c HTTP/1.1\r\n"
                     "Host: example.com:8080\r\n"
                     "User-Agent: test/1.0\r\n"
                     "Accept: */*\r\n"
                     "Connection: close\r\n"
                     "\r\n");
}

TEST_CASE("HEAD, https on its default port, and an IPv6 host")
{
    const auto request = build_request(Method::head, parse_url("https://[::1]/"), agent("t"));
    CHECK(request.starts_with("HEAD / HTTP/1.1\r\nHost: [::1]\r\n"));
}

TEST_CASE("-H replaces a default field of its name, removes it when empty, or adds one")
{
    auto options = agent("t");
    options.extra_headers = {
        {"accept", "text/html"}, {"Connection", ""}, {"X-One", "1"}, {"X-Gone", ""}};
    CHECK(build_request(Method::get, parse_url("http://h/"), options) == "GET / HTTP/1.1\r\n"
                                                                         "Host: h\r\n"
                                                                         "User-Agent: t\r\n"
                                                                         "Accept: text/html\r\n"
                                                                         "X-One: 1\r\n"
                                                                         "\r\n");
}

TEST_CASE("-u sends Basic credentials, -e a Referer; -H Authorization wins")
{
    auto options = agent("t");
    options.credentials = "Aladdin:open sesame";
    options.referer = "http://from/";
    const auto request = build_request(Method::get, parse_url("http://h/"), options);
    CHECK(request.find("\r\nReferer: http://from/\r\n") != std::string::npos);
    CHECK(request.find("\r\nAuthorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n") !=
          std::string::npos);
    options.extra_headers = {{"authorization", "Bearer x"}};
    const auto replaced = build_request(Method::get, parse_url("http://h/"), options);
    CHECK(replaced.find("Basic") == std::string::npos);
    CHECK(replaced.find("\r\nAuthorization: Bearer x\r\n") != std::string::npos);
}

TEST_CASE("to another origin: no credentials, no Authorization, Cookie or Proxy-Authorization")
{
    auto options = agent("t");
    options.credentials = "u:p";
    options.extra_headers = {{"AUTHORIZATION", "Bearer x"},
                             {"X-Keep", "1"},
                             {"cookie", "session=1"},
                             {"Proxy-Authorization", "Basic eA=="}};
    const auto stripped = without_credentials(options);
    CHECK_FALSE(stripped.credentials);
    REQUIRE(stripped.extra_headers.size() == 1);
    CHECK(stripped.extra_headers[0].name == "X-Keep");
    CHECK(stripped.user_agent == "t");
}

TEST_CASE("to a proxy: the absolute form; for a tunnel: CONNECT with the port")
{
    auto options = agent("t");
    options.absolute_form = true;
    CHECK(build_request(Method::get, parse_url("http://h:81/p?q"), options)
              .starts_with("GET http://h:81/p?q HTTP/1.1\r\nHost: h:81\r\n"));
    CHECK(build_connect_request(parse_url("https://h/"), "t") ==
          "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\nUser-Agent: t\r\n\r\n");
    CHECK(build_connect_request(parse_url("https://[::1]:8443/"), "t")
              .starts_with("CONNECT [::1]:8443 HTTP/1.1\r\n"));
}

TEST_CASE("-H's syntax: a token, a colon, a value without control characters")
{
    const auto field = parse_header_option("X-Name:   spaced value  ");
    CHECK(field.name == "X-Name");
    CHECK(field.value == "spaced value");
    CHECK(parse_header_option("X-Empty:").value.empty());
    CHECK_THROWS_AS(parse_header_option("no colon"), InvalidSetting);
    CHECK_THROWS_AS(parse_header_option(": no name"), InvalidSetting);
    CHECK_THROWS_AS(parse_header_option("Bad Name: x"), InvalidSetting);
    CHECK_THROWS_AS(parse_header_option("X: a\r\nInjected: b"), InvalidSetting);
}

TEST_SUITE_END();
