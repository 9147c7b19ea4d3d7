#pragma once
// http_get's exit statuses: distinct, so that scripts can tell a typo in the
// URL from a server that is down from a page that arrived only in part.
// Documented in --help and docs/HTTP_GET.md; keep the three in step.

namespace hello::http {

enum class ExitCode : int {
    success = 0,
    other_failure = 1,        // anything not listed below
    usage = 2,                // bad command line or URL
    resolve_failed = 3,       // the host name does not resolve
    connect_failed = 4,       // no address of the host accepted the connection
    tls_failed = 5,           // TLS handshake or certificate verification failed
    timed_out = 6,            // --max-time, --connect-timeout or --stall-timeout ran out
    malformed_response = 7,   // not a valid HTTP/1.x response
    incomplete_response = 8,  // the connection closed or broke before the end
    too_many_redirects = 9,   // -L followed 10 redirects and got another
    file_error = 10,          // the output file (or --cacert) cannot be used
    error_status = 11,        // --fail, and the status is not 2xx
    file_too_large = 63,      // --max-filesize: curl's number for it
};

}  // namespace hello::http
