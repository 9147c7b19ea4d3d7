#include <doctest/doctest.h>

#include "http/request.hpp"

using namespace hello::http;

TEST_SUITE_BEGIN("http_request");

TEST_CASE("a GET request has Host, User-Agent and Connection: close, and ends with an empty line")
{
    const auto request =
        build_request(Method::get, parse_url("http://example.com:8080/a?b=c"), "test/1.0");
    CHECK(request ==
          "GET /a?b=c HTTP/1.1\r\n"
          "Host: example.com:8080\r\n"
          "User-Agent: test/1.0\r\n"
          "Accept: */*\r\n"
          "Connection: close\r\n"
          "\r\n");
}

TEST_CASE("HEAD, https on its default port, and an IPv6 host")
{
    const auto request = build_request(Method::head, parse_url("https://[::1]/"), "t");
    CHECK(request.starts_with("HEAD / HTTP/1.1\r\nHost: [::1]\r\n"));
}

TEST_SUITE_END();
