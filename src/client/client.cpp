#include "client/client.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "cli/values.hpp"
#include "net/connect.hpp"
#include "net/timeout.hpp"
#include "protocol/command.hpp"
#include "protocol/replies.hpp"
#include "protocol/reply_reader.hpp"

namespace hello::client {
namespace {

using net::tcp;
using net::use_nothrow_awaitable;

using clock = std::chrono::steady_clock;

[[noreturn]] void no_reply_in_time(const ClientOptions& options)
{
    throw net::NetworkError(
        fmt::format("no reply from the server within {}", cli::format_duration(options.timeout)));
}

// Reads until `expected` (or something else, or a line) has arrived, by
// `deadline`: the whole reply, not each read, so a server that drips a byte
// at a time cannot stretch it. The deadline is checked before each read too,
// as a read that completes at once always wins its race against the timer.
net::awaitable<std::string> read_reply(tcp::socket& socket, std::string_view expected,
                                       clock::time_point deadline, const ClientOptions& options)
{
    std::string received;
    char chunk[1024];
    while (!protocol::reply_complete(expected, received)) {
        const auto left = deadline - clock::now();
        if (left <= clock::duration::zero()) {
            no_reply_in_time(options);
        }
        auto [error, size] = co_await net::within(
            left, socket.async_read_some(asio::buffer(chunk), use_nothrow_awaitable));
        if (error == asio::error::eof) {
            throw net::NetworkError("the server closed the connection");
        }
        if (error == asio::error::timed_out) {
            no_reply_in_time(options);
        }
        if (error) {
            throw net::NetworkError(fmt::format("lost the connection: {}", error.message()));
        }
        received.append(chunk, size);
    }
    co_return received;
}

// A server that reads nothing cannot block us either: the send counts
// against the reply's time limit.
net::awaitable<void> send(tcp::socket& socket, std::string_view message, clock::time_point deadline,
                          const ClientOptions& options)
{
    auto [error, written] = co_await net::within(
        deadline - clock::now(),
        asio::async_write(socket, asio::buffer(message), use_nothrow_awaitable));
    if (error == asio::error::timed_out) {
        no_reply_in_time(options);
    }
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
    // The greeting is the reply to connecting: one limit for both.
    const auto connect_deadline = clock::now() + options.timeout;
    auto socket = co_await net::connect_to(options.host, options.port, options.timeout);
    print_reply(co_await read_reply(socket, protocol::greeting, connect_deadline, options));

    while (auto name = co_await names.next()) {
        if (name->empty()) {
            continue;  // an empty message would be no bytes at all on the wire
        }
        if (protocol::classify(*name) == protocol::Command::exit) {
            break;
        }
        const auto deadline = clock::now() + options.timeout;
        co_await send(socket, *name, deadline, options);
        print_reply(
            co_await read_reply(socket, protocol::expected_reply(*name), deadline, options));
    }
    co_await send(socket, "exit", clock::now() + options.timeout, options);
}

}  // namespace hello::client
