#pragma once
// The ways a download fails, one type each, so that main can turn each into
// its own exit status (see exit_codes.hpp). Every what() is one line that
// says what went wrong; main prefixes the program name.

#include <stdexcept>

namespace hello::http {

// A URL we cannot fetch: from the command line, or from a Location header.
struct InvalidUrl : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The server's bytes are not an HTTP/1.x response we can trust.
struct MalformedResponse : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The connection closed or broke before the response was complete.
struct IncompleteResponse : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The TLS handshake failed, or the certificate did not verify.
struct TlsError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// -L met more redirects than it follows.
struct TooManyRedirects : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The output file (or the --cacert file) cannot be opened, written or closed.
struct FileError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace hello::http
