#include "ops/metrics_http.hpp"

#include <doctest/doctest.h>

#include <string>

TEST_SUITE_BEGIN("metrics_http");

using namespace hello::ops;

namespace {

constexpr std::size_t limit = 256;

MetricsRequest judge(std::string_view received)
{
    return parse_metrics_request(received, limit);
}

}  // namespace

TEST_CASE("GET /metrics, as Prometheus sends it")
{
    CHECK(judge("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9100\r\nUser-Agent: Prometheus/2.42.0\r\n"
                "Accept: text/plain;version=0.0.4\r\n\r\n") == MetricsRequest::metrics);
    CHECK(judge("GET /metrics HTTP/1.0\r\n\r\n") == MetricsRequest::metrics);
    CHECK(judge("GET /metrics?name[]=up HTTP/1.1\r\n\r\n") == MetricsRequest::metrics);
    CHECK(judge("GET /metrics HTTP/1.1\n\n") == MetricsRequest::metrics);
}

TEST_CASE("a head not yet ended waits for more bytes")
{
    CHECK(judge("") == MetricsRequest::incomplete);
    CHECK(judge("GET /metr") == MetricsRequest::incomplete);
    CHECK(judge("GET /metrics HTTP/1.1\r\nHost: x\r\n") == MetricsRequest::incomplete);
}

TEST_CASE("other paths are not found, other methods not allowed")
{
    CHECK(judge("GET / HTTP/1.1\r\n\r\n") == MetricsRequest::not_found);
    CHECK(judge("GET /metrics/ HTTP/1.1\r\n\r\n") == MetricsRequest::not_found);
    CHECK(judge("GET /favicon.ico HTTP/1.1\r\n\r\n") == MetricsRequest::not_found);
    CHECK(judge("POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n") ==
          MetricsRequest::method_not_allowed);
    CHECK(judge("HEAD /metrics HTTP/1.1\r\n\r\n") == MetricsRequest::method_not_allowed);
    CHECK(judge("get /metrics HTTP/1.1\r\n\r\n") == MetricsRequest::method_not_allowed);
}

TEST_CASE("what is not an HTTP/1.x request line is a bad request")
{
    CHECK(judge("\r\n\r\n") == MetricsRequest::bad_request);
    CHECK(judge("GET\r\n\r\n") == MetricsRequest::bad_request);
    CHECK(judge("GET /metrics\r\n\r\n") == MetricsRequest::bad_request);
    CHECK(judge("GET /metrics HTTP/2.0\r\n\r\n") == MetricsRequest::bad_request);
    CHECK(judge("GET /metrics HTTP/1.10\r\n\r\n") == MetricsRequest::bad_request);
    CHECK(judge("GET  HTTP/1.1\r\n\r\n") == MetricsRequest::bad_request);
    CHECK(judge(" /metrics HTTP/1.1\r\n\r\n") == MetricsRequest::bad_request);
    CHECK(judge("hello\n\n") == MetricsRequest::bad_request);
}

TEST_CASE("a head longer than the limit is refused, ended or not")
{
    const std::string endless = "GET /metrics HTTP/1.1\r\nX: " + std::string(limit, 'a');
    CHECK(judge(endless) == MetricsRequest::too_large);
    CHECK(judge(endless + "\r\n\r\n") == MetricsRequest::too_large);
    const std::string just_fits =
        "GET /metrics HTTP/1.1\r\nX: " + std::string(limit - 40, 'a') + "\r\n\r\n";
    CHECK(judge(just_fits) == MetricsRequest::metrics);
}

TEST_CASE("the 200 response carries the exposition format's content type")
{
    CHECK(metrics_response(MetricsRequest::metrics, "up 1\n",
                           "text/plain; version=0.0.4; charset=utf-8") ==
          "HTTP/1.1 200 OK\r\n"
          "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
          "Content-Length: 5\r\n"
          "Connection: close\r\n"
          "\r\n"
          "up 1\n");
}

TEST_CASE("the error responses say what went wrong")
{
    CHECK(
        metrics_response(MetricsRequest::not_found, "ignored", "x") ==
        "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 40\r\n"
        "Connection: close\r\n\r\nNot found: the metrics are at /metrics.\n");
    CHECK(
        metrics_response(MetricsRequest::method_not_allowed, "", "x") ==
        "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 21\r\n"
        "Allow: GET\r\nConnection: close\r\n\r\nOnly GET is allowed.\n");
    CHECK(metrics_response(MetricsRequest::bad_request, "", "x")
              .starts_with("HTTP/1.1 400 Bad Request\r\n"));
    CHECK(metrics_response(MetricsRequest::too_large, "", "x")
              .starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
}

TEST_SUITE_END();
