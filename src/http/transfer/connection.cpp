#include "http/transfer/connection.hpp"

#include <fmt/format.h>

#include <array>
#include <string>

#include "http/rules/failures.hpp"
#include "http/wire/request.hpp"
#include "http/wire/response_parser.hpp"
#include "net/connect.hpp"
#include "net/timeout.hpp"
#include "protocol/printable.hpp"

// GCC 12 misreads Asio's recycling allocator for coroutine frames (the
// operator new/delete pair of awaitable_frame_base) as a mismatched pair in
// Connection::open (GCC bug 109224, the one meson.build silences for the
// sanitizer builds); clang and the sanitizers check the real thing.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace hello::http {
namespace {

// The loopback address of -4 or -6 for a localhost name (route.hpp), else the name.
std::string address_to_resolve(const std::string& host, net::IpFamily family)
{
    if (family == net::IpFamily::any || !is_localhost_name(host)) {
        return host;
    }
    return family == net::IpFamily::v6 ? "::1" : "127.0.0.1";
}

// The socket, and when its name was resolved (for -w's %{time_namelookup}).
struct Connected {
    net::tcp::socket socket;
    TransferClock::clock::time_point resolved_at;
};

net::awaitable<Connected> connect_within(const Route& route, net::IpFamily family,
                                         const TransferClock& clock,
                                         TransferClock::clock::time_point started)
{
    const auto service = std::to_string(route.connect_port);
    try {
        const auto addresses =
            co_await net::resolve_host(address_to_resolve(route.connect_host, family), service,
                                       clock.for_connect(started).left, family);
        const auto resolved_at = TransferClock::clock::now();
        auto socket = co_await net::connect_to_any(addresses, route.connect_host, service,
                                                   clock.for_connect(started).left);
        co_return Connected{std::move(socket), resolved_at};
    } catch (const net::TimeoutError&) {
        throw_timed_out(
            clock.for_connect(started),
            fmt::format("connecting to {} port {}", route.connect_host, route.connect_port));
    } catch (const net::ResolveError& error) {
        if (route.proxy) {
            throw ProxyUnresolved(fmt::format("the proxy: {}", error.what()));
        }
        throw;
    }
}

// "CONNECT host:port" and the proxy's answer: 2xx opens the tunnel.
net::awaitable<void> open_tunnel(net::tcp::socket& socket, const Url& origin,
                                 std::string_view user_agent, const TransferClock& clock,
                                 TransferClock::clock::time_point started, const Tracer& trace)
{
    const auto request = build_connect_request(origin, user_agent);
    trace(fmt::format("Asking the proxy for a tunnel to {}:{}", origin.host, origin.port));
    const auto doing = "opening a tunnel through the proxy";
    const auto limit = clock.for_connect(started);
    check_time_left(limit, doing);
    auto [write_error, written] = co_await net::within(
        limit.left, asio::async_write(socket, asio::buffer(request), net::use_nothrow_awaitable));
    if (write_error == asio::error::timed_out) {
        throw_timed_out(limit, doing);
    }
    if (write_error) {
        throw ProxyRefused(
            fmt::format("the proxy closed the connection: {}", write_error.message()));
    }
    // The answer to CONNECT has no body, like the answer to HEAD; reading one
    // byte at a time leaves the first byte of the TLS handshake unread.
    ResponseParser parser(Method::head);
    std::array<char, 1> byte{};
    const auto ignore_body = [](std::string_view) {};
    while (!parser.head_complete()) {
        const auto limit = clock.for_connect(started);
        check_time_left(limit, doing);
        auto [error, size] = co_await net::within(
            limit.left, socket.async_read_some(asio::buffer(byte), net::use_nothrow_awaitable));
        if (error == asio::error::timed_out) {
            throw_timed_out(limit, doing);
        }
        if (error) {
            throw ProxyRefused("the proxy closed the connection instead of opening a tunnel");
        }
        parser.feed(std::string_view(byte.data(), size), ignore_body);
    }
    const auto& status = parser.head().status;
    if (status.code < 200 || status.code > 299) {
        throw ProxyRefused(fmt::format("the proxy refused the tunnel to {}:{}: {} {}", origin.host,
                                       origin.port, status.code,
                                       protocol::printable(status.reason, 100)));
    }
}

}  // namespace

net::awaitable<Connection> Connection::open(const Url& origin, const Route& route,
                                            const ConnectionSettings& settings,
                                            const TransferClock& clock, const Tracer& trace)
{
    const auto started = TransferClock::clock::now();
    trace(fmt::format("Connecting to {} port {}{}", route.connect_host, route.connect_port,
                      route.proxy ? " (the proxy)" : ""));
    auto [socket, resolved_at] = co_await connect_within(route, settings.family, clock, started);
    const auto connected_at = TransferClock::clock::now();
    asio::error_code ignored;
    const auto address = socket.remote_endpoint(ignored).address().to_string();
    trace(fmt::format("Connected to {} ({}) port {}", route.connect_host, address,
                      route.connect_port));
    const auto opened = [&](Stream stream) {
        Connection connection(std::move(stream));
        connection.remote_address_ = address;
        connection.resolved_at_ = resolved_at;
        connection.connected_at_ = connected_at;
        return connection;
    };
    if (origin.scheme == Scheme::http) {
        co_return opened(std::move(socket));
    }
    if (route.tunnel()) {
        co_await open_tunnel(socket, origin, settings.user_agent, clock, started, trace);
    }
    TlsSocket stream(std::move(socket), *settings.tls);
    co_await stream.handshake(origin.host, settings.verify, clock.for_connect(started));
    trace(fmt::format("TLS handshake with {} done{}", origin.host,
                      settings.verify ? ", certificate verified" : " (not verified: --insecure)"));
    trace(stream.description());
    auto connection = opened(std::move(stream));
    connection.secured_at_ = TransferClock::clock::now();
    co_return connection;
}

net::awaitable<std::tuple<asio::error_code, std::size_t>> Connection::read_some(
    asio::mutable_buffer buffer)
{
    if (auto* tls = std::get_if<TlsSocket>(&stream_)) {
        return tls->read_some(buffer);
    }
    return std::get<net::tcp::socket>(stream_).async_read_some(buffer, net::use_nothrow_awaitable);
}

net::awaitable<std::tuple<asio::error_code, std::size_t>> Connection::write(
    asio::const_buffer bytes)
{
    if (auto* tls = std::get_if<TlsSocket>(&stream_)) {
        return tls->write(bytes);
    }
    return asio::async_write(std::get<net::tcp::socket>(stream_), bytes,
                             net::use_nothrow_awaitable);
}

}  // namespace hello::http
