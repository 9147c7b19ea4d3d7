#pragma once
// The ways a download fails besides a bad URL or bad bytes from the server
// (wire/errors.hpp, included: this is the whole list), one type each, so
// that main can turn each into its own exit status (see
// command_line/exit_codes.hpp). Every what() is one line that says what went
// wrong; main prefixes the program name.

#include <exception>
#include <stdexcept>
#include <string>

#include "http/wire/errors.hpp"

namespace hello::http {

// The proxy's own name does not resolve.
struct ProxyUnresolved : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The default output name holds a file, and the answer is an error page.
struct WouldClobber : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The TLS handshake failed, or the certificate did not verify.
struct TlsError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The handshake was fine but the server's certificate did not verify.
struct CertificateRefused : TlsError {
    using TlsError::TlsError;
};

// -C: the server's answer to the Range cannot continue the file.
struct RangeError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// -C OFFSET: the output file is not one the bytes from OFFSET on continue.
struct BadResume : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// -L met more redirects than it follows.
struct TooManyRedirects : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A time limit ran out (time_limits.hpp); the message names which.
struct TimedOut : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// --fail: the final response's status is not 2xx.
struct ErrorStatus : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The proxy refused to open a tunnel (CONNECT) or to forward the request.
struct ProxyRefused : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// --max-filesize: the body is (or would be) larger.
struct FileTooLarge : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The one line a failure says, for stderr and -w's %{errormsg}.
inline std::string message_of(const std::exception_ptr& failure)
{
    try {
        std::rethrow_exception(failure);
    } catch (const std::exception& error) {
        return error.what();
    } catch (...) {
        return "unknown failure";
    }
}

// The output file (or -D's) cannot be opened, written or closed.
struct FileError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// --cacert's file (or the system store) cannot be loaded.
struct CaFileError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A file an option names (-H @FILE, -w @FILE) cannot be read.
struct ReadError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace hello::http
