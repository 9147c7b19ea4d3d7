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

std::string client_name(const ProxyHeader& header, const net::tcp::socket& socket)
{
    if (!header.source) {
        return fmt::format("{} ({})", net::peer_of(socket),
                           header.is_local ? "proxy's own connection" : "proxy, client unknown");
    }
    asio::error_code error;
    const auto address = asio::ip::make_address(header.source->address, error);
    if (error) {
        return header.source->address;  // cannot happen: the parser checked it
    }
    return net::to_string(net::tcp::endpoint(address, header.source->port));
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

net::awaitable<bool> read_proxy_header(net::tcp::socket& socket,
                                       std::chrono::milliseconds time_limit,
                                       const SessionList::Entry& session, std::string& client)
{
    const auto stopping = [&] { return session.ended_by_server().has_value(); };
    const auto deadline = Clock::now() + time_limit;

    std::string header;  // the bytes taken off the socket: header bytes only
    auto parsed = protocol::parse_proxy_header(header);
    for (;;) {
        if (const auto* complete = std::get_if<ProxyHeader>(&parsed)) {
            client = client_name(*complete, socket);
            co_return true;
        }
        if (const auto* invalid = std::get_if<protocol::ProxyInvalid>(&parsed)) {
            net::log("Connection from {} closed: bad PROXY protocol header ({}).",
                     net::peer_of(socket), invalid->reason);
            co_return false;
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
                     net::peer_of(socket), why_no_header(error, session.ended_by_server()));
            co_return false;
        }
    }
}

}  // namespace hello::server
