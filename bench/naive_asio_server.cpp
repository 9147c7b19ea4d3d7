// naive_asio_server: the obvious Asio coroutine server, as the baseline that
// shows what hello_server's design buys over it.
//
// The shape of Asio's own cpp20 example echo_server.cpp: a listener coroutine
// co_spawned on one io_context, a coroutine per connection, a 1 KiB buffer in
// that coroutine's frame, async_read_some and async_write with use_awaitable,
// errors as exceptions. It speaks hello_server's protocol through the same
// pure rules (protocol::Framer, protocol::append_reply), so only the server
// design differs. No limits, no timeouts: a baseline, not a server to copy.
//
// Usage: naive_asio_server [--port N]   (0: the OS chooses; prints the port)

#include <fmt/format.h>

#include <csignal>
#include <exception>
#include <string>
#include <system_error>
#include <variant>

#include "baseline_port.hpp"
#include "net/asio_compat.hpp"
#include "protocol/command.hpp"
#include "protocol/framing.hpp"
#include "protocol/replies.hpp"

namespace {

using asio::awaitable;
using asio::detached;
using asio::use_awaitable;
using hello::net::tcp;
namespace protocol = hello::protocol;

constexpr std::size_t max_message = 4096;

// One read; 0 bytes at the end of the stream.
awaitable<std::size_t> read_some(tcp::socket& socket, asio::mutable_buffer buffer)
{
    try {
        co_return co_await socket.async_read_some(buffer, use_awaitable);
    } catch (const std::system_error& error) {
        if (error.code() != asio::error::eof) {
            throw;
        }
    }
    co_return 0;
}

// echo_server.cpp's echo(), speaking the protocol: until "exit" or EOF.
awaitable<void> serve(tcp::socket socket)
{
    try {
        co_await asio::async_write(socket, asio::buffer(protocol::greeting), use_awaitable);
        protocol::Framer framer(max_message);
        std::string replies;
        char data[1024];
        for (;;) {
            const auto event = framer.next();
            if (const auto* message = std::get_if<protocol::Message>(&event)) {
                if (protocol::classify(message->text) == protocol::Command::exit) {
                    break;
                }
                protocol::append_reply(replies, *message);
                continue;
            }
            co_await asio::async_write(socket, asio::buffer(replies), use_awaitable);
            replies.clear();
            if (std::holds_alternative<protocol::MessageTooLong>(event)) {
                const auto refusal =
                    protocol::error_reply(protocol::too_long_reason, framer.client_line_open());
                co_await asio::async_write(socket, asio::buffer(refusal), use_awaitable);
                co_return;
            }
            if (std::holds_alternative<protocol::EndOfStream>(event)) {
                co_return;
            }
            const auto size = co_await read_some(socket, asio::buffer(data));
            if (size == 0) {
                framer.received_end_of_stream();
            } else {
                framer.received({data, size});
            }
        }
        co_await asio::async_write(socket, asio::buffer(replies), use_awaitable);
    } catch (const std::exception&) {
        // The client went away: nothing to do but end.
    }
}

awaitable<void> listener(tcp::acceptor acceptor)
{
    const auto executor = co_await asio::this_coro::executor;
    for (;;) {
        tcp::socket socket = co_await acceptor.async_accept(use_awaitable);
        // As the other servers in the comparison do, so that only the design differs.
        socket.set_option(tcp::no_delay(true));
        asio::co_spawn(executor, serve(std::move(socket)), detached);
    }
}

}  // namespace

int main(int argc, char** argv)
{
    try {
        const auto port =
            baseline_port(argc, argv, "naive_asio_server", "Asio's echo_server shape");
        asio::io_context io(1);
        asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&](auto, auto) { io.stop(); });
        tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), port));
        fmt::print(stderr, "Listening on 127.0.0.1:{}\n", acceptor.local_endpoint().port());
        asio::co_spawn(io, listener(std::move(acceptor)), detached);
        io.run();
    } catch (const hello::cli::UsageError& error) {
        fmt::print(stderr, "naive_asio_server: {}\n", error.what());
        return 2;
    } catch (const std::exception& error) {
        fmt::print(stderr, "naive_asio_server: {}\n", error.what());
        return 1;
    }
}
