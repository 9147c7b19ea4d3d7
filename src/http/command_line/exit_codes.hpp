#pragma once
// http_get's exit statuses: curl's numbers (man curl, EXIT CODES) for every
// failure curl has one for, so that a script's `case $?` written for curl
// works unchanged. This table is the only list: --help prints it, and a test
// checks the man page against --help.

#include <array>
#include <string_view>

namespace hello::http {

enum class ExitCode : int {
    success = 0,
    unsupported_scheme = 1,     // curl: unsupported protocol
    usage = 2,                  // curl: failed to initialize (a bad option)
    malformed_url = 3,          // curl: URL malformed
    proxy_resolve_failed = 5,   // curl: could not resolve proxy
    resolve_failed = 6,         // curl: could not resolve host
    connect_failed = 7,         // curl: failed to connect to host
    weird_reply = 8,            // curl: weird server reply
    partial_file = 18,          // curl: partial file
    http_error = 22,            // curl: HTTP page not retrieved (-f)
    write_error = 23,           // curl: write error
    read_error = 26,            // curl: read error
    timed_out = 28,             // curl: operation timeout
    range_error = 33,           // curl: HTTP range error
    bad_resume = 36,            // curl: bad download resume
    tls_failed = 35,            // curl: SSL connect error
    too_many_redirects = 47,    // curl: too many redirects
    empty_reply = 52,           // curl: got nothing
    send_failed = 55,           // curl: failed sending network data
    receive_failed = 56,        // curl: failure in receiving network data
    certificate_refused = 60,   // curl: peer certificate cannot be authenticated
    bad_content_encoding = 61,  // curl: unrecognized transfer encoding
    file_too_large = 63,        // curl: maximum file size exceeded
    ca_file_failed = 77,        // curl: problem reading the SSL CA cert
    would_clobber = 100,        // http_get's own: an error page would replace a file
    other_failure = 101,        // http_get's own: anything else
};

struct ExitCodeMeaning {
    ExitCode code;
    std::string_view meaning;  // for --help and the man page
};

inline constexpr std::array exit_code_meanings{
    ExitCodeMeaning{ExitCode::success,
                    "the response arrived whole (whatever its status, without -f)"},
    ExitCodeMeaning{ExitCode::unsupported_scheme, "the URL's scheme is not http or https"},
    ExitCodeMeaning{ExitCode::usage, "bad command line"},
    ExitCodeMeaning{ExitCode::malformed_url, "the URL is malformed"},
    ExitCodeMeaning{ExitCode::proxy_resolve_failed, "the proxy's name does not resolve"},
    ExitCodeMeaning{ExitCode::resolve_failed, "the host name does not resolve"},
    ExitCodeMeaning{ExitCode::connect_failed, "no address accepted the connection"},
    ExitCodeMeaning{ExitCode::weird_reply, "the response is not valid HTTP/1.x"},
    ExitCodeMeaning{ExitCode::partial_file, "the body was cut short"},
    ExitCodeMeaning{ExitCode::http_error, "-f, and the final status is 400 or more"},
    ExitCodeMeaning{ExitCode::write_error, "the output (file or stdout) cannot be written"},
    ExitCodeMeaning{ExitCode::read_error, "a file named by -H @FILE or -w @FILE cannot be read"},
    ExitCodeMeaning{ExitCode::timed_out, "a time limit ran out"},
    ExitCodeMeaning{ExitCode::range_error, "-C: the server cannot continue the file"},
    ExitCodeMeaning{ExitCode::bad_resume, "-C OFFSET: the output file is not OFFSET bytes long"},
    ExitCodeMeaning{ExitCode::tls_failed, "the TLS handshake failed"},
    ExitCodeMeaning{ExitCode::too_many_redirects, "-L met more redirects than --max-redirs"},
    ExitCodeMeaning{ExitCode::empty_reply, "the server closed without a byte of response"},
    ExitCodeMeaning{ExitCode::send_failed, "the connection broke while sending"},
    ExitCodeMeaning{ExitCode::receive_failed,
                    "a broken connection or chunk while receiving, or the proxy refused"},
    ExitCodeMeaning{ExitCode::certificate_refused, "the server's certificate did not verify"},
    ExitCodeMeaning{ExitCode::bad_content_encoding, "--compressed: the body does not decode"},
    ExitCodeMeaning{ExitCode::file_too_large, "--max-filesize, and the body is larger"},
    ExitCodeMeaning{ExitCode::ca_file_failed, "the --cacert file cannot be loaded"},
    ExitCodeMeaning{ExitCode::would_clobber,
                    "an error page would replace an existing file (default name)"},
    ExitCodeMeaning{ExitCode::other_failure, "another failure"},
};

}  // namespace hello::http
