#pragma once
// https: TLS over a TCP socket, with OpenSSL driving the socket itself (the
// way curl uses it) rather than through Asio's SSL stream: Asio's engine
// passes every byte through a BIO pair, two copies more than the one from
// OpenSSL's record into the caller's buffer (docs/BENCHMARKS.md, "http_get
// against curl", has what that cost). Here OpenSSL recv()s straight into its
// own read buffer (with read-ahead: one recv() per record) and Asio only
// waits for the socket to be readable or writable, so time limits and
// cancellation work as for any other operation.
//
// The server's certificate must chain to a trusted CA (the system's store,
// or --cacert) and name the host we asked for; --insecure skips both checks,
// as curl's -k does.

#include <openssl/ssl.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <tuple>

#include <asio/ssl/context.hpp>

#include "http/rules/time_limits.hpp"
#include "net/asio_compat.hpp"

namespace hello::http {

// A client context: TLS 1.2 or newer, trusting `ca_file` (PEM) if given, the
// system's CA store otherwise. Throws FileError if the CAs cannot be loaded.
asio::ssl::context make_tls_context(const std::optional<std::string>& ca_file);

class TlsSocket {
public:
    TlsSocket(net::tcp::socket socket, asio::ssl::context& context);

    // Sends SNI (for host names, not addresses), verifies the certificate
    // and the host name unless `verify` is false, and shakes hands within
    // the time limit. Throws TlsError (one line: why the certificate was
    // refused, or what failed) or TimedOut.
    net::awaitable<void> handshake(const std::string& host, bool verify, const StepLimit& limit);

    // As a socket's: some bytes, or an error; asio::error::eof when the peer
    // closed, with or without a close_notify (HTTP's framing tells a whole
    // body from a cut one). Fills as much of `buffer` as OpenSSL holds
    // decrypted or the socket holds already, up to the whole buffer: one wait
    // (and one timer) per buffer, not per 16 KiB record.
    net::awaitable<std::tuple<asio::error_code, std::size_t>> read_some(
        asio::mutable_buffer buffer);
    // All of `bytes`, or an error.
    net::awaitable<std::tuple<asio::error_code, std::size_t>> write(asio::const_buffer bytes);

    // "TLSv1.3 with TLS_AES_256_GCM_SHA384", for -v.
    std::string description() const;

private:
    struct Free {
        void operator()(SSL* ssl) const { SSL_free(ssl); }
    };

    // Waits until OpenSSL's last call can make progress; `result` is its
    // return value. Returns the error to give up with, or nothing: try again.
    net::awaitable<std::optional<asio::error_code>> wait_for(int result);

    net::tcp::socket socket_;
    std::unique_ptr<SSL, Free> ssl_;
};

}  // namespace hello::http
