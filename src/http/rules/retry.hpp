#pragma once
// --retry N, with curl's rules: which failures are worth another try, and
// how long to wait before it. Pure, so that the unit tests can walk through
// every case without a clock.
//
//   Transient: a time limit ran out, the host's or the proxy's name did not
//   resolve, or the server answered 408, 429, 500, 502, 503 or 504. A
//   refused connection too with --retry-connrefused, and every failure with
//   --retry-all-errors. Anything else (a bad certificate, a malformed
//   response, a full disk, a 404) would fail the same way again.
//
//   The wait: the response's Retry-After if it has one (at most 10 minutes),
//   else --retry-delay if given, else 1 s doubled after each try (1, 2, 4,
//   ...) up to 10 minutes. With --retry-max-time (counted from the first
//   try) no retry is decided once it has passed, as curl decides: the wait
//   itself may end after it, except a Retry-After's.

#include <chrono>
#include <optional>
#include <string_view>

namespace hello::http {

struct RetryOptions {
    int retries = 0;                                    // --retry N
    bool connection_refused = false;                    // --retry-connrefused
    bool all_errors = false;                            // --retry-all-errors
    std::optional<std::chrono::milliseconds> delay;     // --retry-delay
    std::optional<std::chrono::milliseconds> max_time;  // --retry-max-time
};

// The statuses curl retries.
bool is_transient_status(int status_code);

// How a try failed, as far as retrying is concerned.
enum class FailureKind {
    transient,  // a time limit, a name that did not resolve, a status above
    refused,    // no address accepted the connection
    other,
};

// Whether a failure of `kind` is worth another try under `options`' flags.
bool worth_retrying(const RetryOptions& options, FailureKind kind);

// How long to wait before the next try, or nullopt: do not retry.
// `retries_done`: how many retries came before (0 after the first try);
// `elapsed`: since the first try began; `retry_after`: the response's.
std::optional<std::chrono::milliseconds> retry_wait(
    const RetryOptions& options, bool transient, int retries_done,
    std::chrono::milliseconds elapsed, std::optional<std::chrono::seconds> retry_after);

// Retry-After (RFC 9110 section 10.2.3): delay-seconds ("120") or an
// IMF-fixdate ("Fri, 27 Nov 2026 15:00:00 GMT"), as a wait from `now` (0 for a
// date in the past). nullopt when the value is neither: it is then ignored.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now);

}  // namespace hello::http
