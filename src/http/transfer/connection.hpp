#pragma once
// A connection to a web server, plain TCP or TLS over TCP, directly or
// through a proxy (route.hpp). The code that speaks HTTP reads and writes
// without caring which.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <variant>

#include "http/rules/route.hpp"
#include "http/rules/time_limits.hpp"
#include "http/transfer/tls.hpp"
#include "http/wire/url.hpp"
#include "net/asio_compat.hpp"
#include "net/connect.hpp"

namespace hello::http {

// Receives "* "-lines about what the connection does, for -v.
using Tracer = std::function<void(std::string_view)>;

// How to open a connection, beyond where to: the same for every hop of a transfer.
struct ConnectionSettings {
    asio::ssl::context* tls = nullptr;  // needed for https only
    bool verify = true;                 // the certificate (false: --insecure)
    std::string_view user_agent;        // for a proxy's CONNECT
    net::IpFamily family = net::IpFamily::any;
};

class Connection {
public:
    // Resolves and connects (every address in turn) to the route's next hop,
    // opens a CONNECT tunnel through a proxy for https, then for https shakes
    // hands with the origin (SNI and certificate for origin.host), all within
    // the clock's connect limit. Throws net::ResolveError, net::ConnectError,
    // ProxyRefused, TlsError or TimedOut.
    static net::awaitable<Connection> open(const Url& origin, const Route& route,
                                           const ConnectionSettings& settings,
                                           const TransferClock& clock, const Tracer& trace);

    // As the socket's own; a TLS peer that closes without saying so (no
    // close_notify, common on the web) is a plain end of stream too: HTTP's
    // own framing tells a complete body from a cut one.
    net::awaitable<std::tuple<asio::error_code, std::size_t>> read_some(
        asio::mutable_buffer buffer);
    net::awaitable<std::tuple<asio::error_code, std::size_t>> write(asio::const_buffer bytes);

    // The address connected to (the proxy's, through one), for -w.
    const std::string& remote_address() const { return remote_address_; }
    TransferClock::clock::time_point resolved_at() const { return resolved_at_; }
    TransferClock::clock::time_point connected_at() const { return connected_at_; }
    // When the TLS handshake was done; nullopt for plain http.
    std::optional<TransferClock::clock::time_point> secured_at() const { return secured_at_; }

private:
    using Stream = std::variant<net::tcp::socket, TlsSocket>;
    explicit Connection(Stream stream) : stream_(std::move(stream)) {}

    Stream stream_;
    std::string remote_address_;
    TransferClock::clock::time_point resolved_at_;
    TransferClock::clock::time_point connected_at_;
    std::optional<TransferClock::clock::time_point> secured_at_;
};

}  // namespace hello::http
