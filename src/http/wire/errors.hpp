#pragma once
// The ways a URL or the server's bytes can be wrong, one type each, so that
// main can turn each into its own exit status (see command_line/exit_codes.hpp);
// rules/failures.hpp has the other ways a download fails. Every what() is
// one line that says what went wrong; main prefixes the program name.

#include <stdexcept>

namespace hello::http {

// A URL we cannot fetch: from the command line, or from a Location header.
struct InvalidUrl : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The URL names a scheme other than http and https.
struct UnsupportedScheme : InvalidUrl {
    using InvalidUrl::InvalidUrl;
};

// A -H header, --resolve entry or proxy setting we cannot use.
struct InvalidSetting : std::runtime_error {
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

// The connection closed before a byte of the response: curl tells this apart.
struct EmptyReply : IncompleteResponse {
    using IncompleteResponse::IncompleteResponse;
};

// The connection broke (reset, not closed) while receiving or sending.
struct ReceiveError : IncompleteResponse {
    using IncompleteResponse::IncompleteResponse;
};
struct SendError : IncompleteResponse {
    using IncompleteResponse::IncompleteResponse;
};

// A chunked body whose framing is broken: curl counts it a receive error.
struct BadChunkedEncoding : MalformedResponse {
    using MalformedResponse::MalformedResponse;
};

// A body that does not decode as its Content-Encoding says.
struct BadContentEncoding : MalformedResponse {
    using MalformedResponse::MalformedResponse;
};

}  // namespace hello::http
