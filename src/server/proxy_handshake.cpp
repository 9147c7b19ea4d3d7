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
using protocol::ProxyHeader;

NamedClient client_named_by(const ProxyHeader& header, const net::tcp::endpoint& balancer)
{
    if (!header.source) {
        return {balancer,
                fmt::format("{} ({})", net::to_string(balancer),
                            header.is_local ? "proxy's own connection" : "proxy, client unknown")};
    }
    asio::error_code error;
    const auto address = asio::ip::make_address(header.source->address, error);
    if (error) {
        return {balancer, header.source->address};  // cannot happen: the parser checked it
    }
    const net::tcp::endpoint client(address, header.source->port);
    return {client, net::to_string(client)};
}

// How many of the `peeked` bytes, seen behind `taken` bytes of header, are
// header too: up to its end once it is complete, all of them before that.
std::size_t header_part(const protocol::ProxyParse& parsed, std::size_t taken, std::size_t peeked)
{
    const auto* header = std::get_if<ProxyHeader>(&parsed);
    return header ? header->size - taken : peeked;
}

std::string why_no_header(asio::error_code error,
                          std::optional<protocol::CloseReason> ended_by_server)
{
    if (ended_by_server == protocol::CloseReason::shutdown) {
        return "server shutting down";
    }
    if (error == asio::error::timed_out || ended_by_server == protocol::CloseReason::idle) {
        return "no header in time";
    }
    if (error == asio::error::eof) {
        return "closed by the peer";
    }
    return error.message();
}

}  // namespace

net::awaitable<std::optional<NamedClient>> read_proxy_header(net::tcp::socket& socket,
                                                             const net::tcp::endpoint& balancer,
                                                             std::chrono::milliseconds time_limit,
                                                             const SessionList::Entry& waiting)
{
    const auto stopping = [&] { return waiting.ended_by_server().has_value(); };
    const auto deadline = Clock::now() + time_limit;

    std::string header;  // the bytes taken off the socket: header bytes only
    auto parsed = protocol::parse_proxy_header(header);
    for (;;) {
        if (const auto* complete = std::get_if<ProxyHeader>(&parsed)) {
            co_return client_named_by(*complete, balancer);
        }
        if (const auto* invalid = std::get_if<protocol::ProxyInvalid>(&parsed)) {
            net::log("Connection from {} closed: bad PROXY protocol header ({}).",
                     net::to_string(balancer), invalid->reason);
            co_return std::nullopt;
        }
        // Peek first, then take only the header's share: a v1 line's end is
        // only known once seen, and the client's bytes must stay unread.
        const auto taken = header.size();
        header.resize(taken + std::get<protocol::ProxyNeedMore>(parsed).max_read);
        auto [error, peeked] = co_await net::within(
            deadline - Clock::now(),
            socket.async_receive(asio::buffer(header.data() + taken, header.size() - taken),
                                 asio::socket_base::message_peek, use_nothrow_awaitable));
        if (!error && !stopping()) {
            header.resize(taken + peeked);
            parsed = protocol::parse_proxy_header(header);
            header.resize(taken + header_part(parsed, taken, peeked));
            // Those bytes are in the socket already: this read completes at once.
            std::tie(error, std::ignore) = co_await asio::async_read(
                socket, asio::buffer(header.data() + taken, header.size() - taken),
                use_nothrow_awaitable);
        }
        if (error || stopping()) {
            net::log("Connection from {} closed before its PROXY protocol header ({}).",
                     net::to_string(balancer), why_no_header(error, waiting.ended_by_server()));
            co_return std::nullopt;
        }
    }
}

}  // namespace hello::server
