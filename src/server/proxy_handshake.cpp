#include "server/proxy_handshake.hpp"

#include <variant>

#include "net/endpoint.hpp"
#include "net/log.hpp"
#include "net/timeout.hpp"
#include "protocol/proxy_header.hpp"

namespace hello::server {
namespace {

using Clock = std::chrono::steady_clock;
using net::use_nothrow_awaitable;

std::string client_name(const protocol::ProxyHeader& header, const net::tcp::socket& socket)
{
    if (!header.source) {
        return fmt::format("{} ({})", net::peer_of(socket),
                           header.is_local ? "proxy's own connection" : "proxy, client unknown");
    }
    asio::error_code error;
    const auto address = asio::ip::make_address(header.source->address, error);
    if (error) {
        // The parser only passes addresses inet_pton accepts; this cannot happen.
        return header.source->address;
    }
    return net::to_string(net::tcp::endpoint(address, header.source->port));
}

std::string why_no_header(asio::error_code error, bool stopping)
{
    if (stopping) {
        return "server shutting down";
    }
    if (error == asio::error::timed_out) {
        return "no header in time";
    }
    if (error == asio::error::eof) {
        return "closed by the peer";
    }
    return error.message();
}

}  // namespace

net::awaitable<std::optional<ProxiedPeer>> read_proxy_header(
    net::tcp::socket& socket, Clock::duration timeout, ConnectionRegistry& connections)
{
    Connection connection(socket);
    Registration registration(connections, connection);
    const auto deadline = Clock::now() + timeout;
    std::string received;
    for (;;) {
        const auto parsed = protocol::parse_proxy_header(received);
        if (const auto* header = std::get_if<protocol::ProxyHeader>(&parsed)) {
            co_return ProxiedPeer{client_name(*header, socket), received.substr(header->size)};
        }
        if (const auto* invalid = std::get_if<protocol::ProxyInvalid>(&parsed)) {
            net::log("Connection from {} closed: bad PROXY protocol header ({}).",
                     net::peer_of(socket), invalid->reason);
            co_return std::nullopt;
        }
        // The parser bounds each read, so `received` never outgrows a header.
        const auto old_size = received.size();
        received.resize(old_size + std::get<protocol::ProxyNeedMore>(parsed).max_read);
        connection.waiting_for_client(true);
        auto [error, size] = co_await net::within(
            deadline - Clock::now(),
            socket.async_read_some(asio::buffer(received.data() + old_size, received.size() - old_size),
                                   use_nothrow_awaitable));
        connection.waiting_for_client(false);
        received.resize(old_size + size);
        if (error || connection.stop_requested()) {
            net::log("Connection from {} closed before its PROXY protocol header ({}).",
                     net::peer_of(socket), why_no_header(error, connection.stop_requested()));
            co_return std::nullopt;
        }
    }
}

}  // namespace hello::server
