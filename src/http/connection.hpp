#pragma once
// A connection to a web server, plain TCP or TLS over TCP. The code that
// speaks HTTP reads and writes without caring which.

#include <cstddef>
#include <tuple>
#include <variant>

#include "http/deadline.hpp"
#include "http/tls.hpp"
#include "http/url.hpp"
#include "net/asio_compat.hpp"

namespace hello::http {

class Connection {
public:
    // Resolves and connects (every address in turn), then for https shakes
    // hands. Throws net::ResolveError, net::ConnectError, net::TimeoutError, TlsError.
    static net::awaitable<Connection> open(const Url& url, asio::ssl::context& tls, bool verify,
                                           const Deadline& deadline);

    // As the socket's own, except that a TLS peer that closes without saying
    // so (no close_notify, common on the web) is a plain end of stream: HTTP's
    // own framing tells a complete body from a cut one.
    net::awaitable<std::tuple<asio::error_code, std::size_t>> read_some(
        asio::mutable_buffer buffer);
    net::awaitable<std::tuple<asio::error_code, std::size_t>> write(asio::const_buffer bytes);

private:
    using Stream = std::variant<net::tcp::socket, TlsStream>;
    explicit Connection(Stream stream) : stream_(std::move(stream)) {}

    Stream stream_;
};

}  // namespace hello::http
