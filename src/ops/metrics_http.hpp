#pragma once
// The little HTTP/1.1 that GET /metrics needs, as pure functions: what a
// request asks for, and the bytes of the answer. One request per connection:
// every answer says "Connection: close" and the server hangs up after it.

#include <cstddef>
#include <string>
#include <string_view>

namespace hello::ops {

enum class MetricsRequest {
    incomplete,          // the head has not ended yet: read more
    metrics,             // GET /metrics (a query string is ignored)
    not_found,           // GET of any other path: 404
    method_not_allowed,  // any method but GET: 405
    bad_request,         // not an HTTP/1.x request line: 400
    too_large,           // no end of head within the limit: 431
};

// Judges the bytes received so far. The head ends at the first empty line
// (CRLF CRLF, or LF LF from a lenient client); anything after it is ignored.
MetricsRequest parse_metrics_request(std::string_view received, std::size_t max_head_bytes);

// The whole response, head and body. `body` is used for `metrics` only; the
// other verdicts get a one-line plain-text explanation.
std::string metrics_response(MetricsRequest verdict, std::string_view body,
                             std::string_view content_type);

}  // namespace hello::ops
