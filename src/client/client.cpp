#include "client/client.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <stdexcept>
#include <string>

#include "net/connect.hpp"
#include "net/timeout.hpp"
#include "protocol/replies.hpp"
#include "protocol/reply_reader.hpp"

namespace hello::client {
namespace {

using net::tcp;
using net::use_nothrow_awaitable;

// Reads until `expected` (or something else, or a line) has arrived.
net::awaitable<std::string> read_reply(tcp::socket& socket, std::string_view expected,
                                       const ClientOptions& options)
{
    std::string received;
    char chunk[1024];
    while (!protocol::reply_complete(expected, received)) {
        auto [error, size] = co_await net::within(
            options.timeout, socket.async_read_some(asio::buffer(chunk), use_nothrow_awaitable));
        if (error == asio::error::eof) {
            throw net::NetworkError("the server closed the connection");
        }
        if (error == asio::error::timed_out) {
            throw net::NetworkError(
                fmt::format("no reply from the server within {}ms", options.timeout.count()));
        }
        if (error) {
            throw net::NetworkError(fmt::format("lost the connection: {}", error.message()));
        }
        received.append(chunk, size);
    }
    co_return received;
}

net::awaitable<void> send(tcp::socket& socket, std::string_view message)
{
    auto [error, written] =
        co_await asio::async_write(socket, asio::buffer(message), use_nothrow_awaitable);
    if (error) {
        throw net::NetworkError(fmt::format("lost the connection: {}", error.message()));
    }
}

// Prints a reply as it comes (stdout may be a pipe: flush now, not at exit).
void print_reply(std::string_view received)
{
    const auto text = protocol::reply_text(received);
    if (const auto reason = protocol::server_error(text); !reason.empty()) {
        throw net::NetworkError(fmt::format("the server refused: {}", reason));
    }
    fmt::print("{}\n", text);
    std::fflush(stdout);
}

}  // namespace

net::awaitable<void> greet(const ClientOptions& options, NameSource& names)
{
    auto socket = co_await net::connect_to(options.host, options.port, options.timeout);
    print_reply(co_await read_reply(socket, protocol::greeting, options));

    while (auto name = co_await names.next()) {
        if (name->empty()) {
            continue;  // an empty message would be no bytes at all on the wire
        }
        if (protocol::is_exit(*name)) {
            break;
        }
        co_await send(socket, *name);
        print_reply(co_await read_reply(socket, protocol::expected_reply(*name), options));
    }
    co_await send(socket, "exit");
}

}  // namespace hello::client
