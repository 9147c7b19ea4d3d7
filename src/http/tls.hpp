#pragma once
// https: Asio's SSL streams over OpenSSL. The server's certificate must chain
// to a trusted CA (the system's store, or --cacert) and name the host we
// asked for; --insecure skips both checks, as curl's -k does.

#include <optional>
#include <string>

#include <asio/ssl.hpp>

#include "http/time_limits.hpp"
#include "net/asio_compat.hpp"

namespace hello::http {

using TlsStream = asio::ssl::stream<net::tcp::socket>;

// A client context: TLS 1.2 or newer, trusting `ca_file` (PEM) if given, the
// system's CA store otherwise. Throws FileError if the CAs cannot be loaded.
asio::ssl::context make_tls_context(const std::optional<std::string>& ca_file);

// Sends SNI (for host names, not addresses), verifies the certificate and
// the host name unless `verify` is false, and shakes hands within the
// time limit. Throws TlsError (one line: why the certificate was refused, or
// what failed) or TimedOut.
net::awaitable<void> handshake(TlsStream& stream, const std::string& host, bool verify,
                               const StepLimit& limit);

}  // namespace hello::http
