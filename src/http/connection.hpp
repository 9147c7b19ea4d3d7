#pragma once
// A connection to a web server, plain TCP or TLS over TCP, directly or
// through a proxy (route.hpp). The code that speaks HTTP reads and writes
// without caring which.

#include <cstddef>
#include <functional>
#include <string_view>
#include <tuple>
#include <variant>

#include "http/route.hpp"
#include "http/time_limits.hpp"
#include "http/tls.hpp"
#include "http/url.hpp"
#include "net/asio_compat.hpp"

namespace hello::http {

// Receives "* "-lines about what the connection does, for -v.
using Tracer = std::function<void(std::string_view)>;

class Connection {
public:
    // Resolves and connects (every address in turn) to the route's next hop,
    // opens a CONNECT tunnel through a proxy for https, then for https shakes
    // hands with the origin (SNI and certificate for origin.host), all within
    // the clock's connect limit. Throws net::ResolveError, net::ConnectError,
    // ProxyRefused, TlsError or TimedOut.
    static net::awaitable<Connection> open(const Url& origin, const Route& route,
                                           asio::ssl::context& tls, bool verify,
                                           std::string_view user_agent, const TransferClock& clock,
                                           const Tracer& trace);

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
