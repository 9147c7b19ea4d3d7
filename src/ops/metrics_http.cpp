#include "ops/metrics_http.hpp"

#include <fmt/format.h>

namespace hello::ops {
namespace {

std::size_t end_of_head(std::string_view received)
{
    const auto crlf = received.find("\r\n\r\n");
    const auto lf = received.find("\n\n");
    return std::min(crlf, lf);
}

}  // namespace

MetricsRequest parse_metrics_request(std::string_view received, std::size_t max_head_bytes)
{
    const auto head_end = end_of_head(received);
    if (head_end == std::string_view::npos) {
        return received.size() >= max_head_bytes ? MetricsRequest::too_large
                                                 : MetricsRequest::incomplete;
    }
    if (head_end > max_head_bytes) {
        return MetricsRequest::too_large;
    }
    // Request line: METHOD SP TARGET SP HTTP/1.x (RFC 9112, section 3).
    auto line = received.substr(0, std::min(received.find('\n'), head_end));
    if (line.ends_with('\r')) {
        line.remove_suffix(1);
    }
    const auto first_space = line.find(' ');
    const auto last_space = line.rfind(' ');
    if (first_space == std::string_view::npos || first_space == last_space || first_space == 0) {
        return MetricsRequest::bad_request;
    }
    const auto method = line.substr(0, first_space);
    const auto target = line.substr(first_space + 1, last_space - first_space - 1);
    const auto version = line.substr(last_space + 1);
    if (!version.starts_with("HTTP/1.") || version.size() != 8 || target.empty() ||
        target.find(' ') != std::string_view::npos) {
        return MetricsRequest::bad_request;
    }
    if (method != "GET") {
        return MetricsRequest::method_not_allowed;
    }
    const auto path = target.substr(0, target.find('?'));
    return path == "/metrics" ? MetricsRequest::metrics : MetricsRequest::not_found;
}

std::string metrics_response(MetricsRequest verdict, std::string_view body,
                             std::string_view content_type)
{
    std::string_view status = "200 OK";
    std::string_view extra_header;
    switch (verdict) {
    case MetricsRequest::metrics: break;
    case MetricsRequest::not_found:
        status = "404 Not Found";
        body = "Not found: the metrics are at /metrics.\n";
        break;
    case MetricsRequest::method_not_allowed:
        status = "405 Method Not Allowed";
        extra_header = "Allow: GET\r\n";
        body = "Only GET is allowed.\n";
        break;
    case MetricsRequest::incomplete:  // a request cut short by the time limit or the peer
    case MetricsRequest::bad_request:
        status = "400 Bad Request";
        body = "Bad request.\n";
        break;
    case MetricsRequest::too_large:
        status = "431 Request Header Fields Too Large";
        body = "Request head too large.\n";
        break;
    }
    if (verdict != MetricsRequest::metrics) {
        content_type = "text/plain; charset=utf-8";
    }
    return fmt::format(
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{}Connection: close\r\n\r\n{}",
        status, content_type, body.size(), extra_header, body);
}

}  // namespace hello::ops
