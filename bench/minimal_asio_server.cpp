// minimal_asio_server: the least an Asio coroutine server can do and still
// speak the protocol, as the floor hello_server's cost is measured against.
//
// One coroutine per connection, a 16-byte read buffer in its frame (as
// hello_server's first read), replies written with a plain non-blocking
// write_some (as hello_server's send() tries first). The same pure rules
// (protocol::Conversation). No limits, no timeouts, no logs, names over 16
// bytes are cut in two: a floor to measure against, not a server to copy.
//
// Usage: minimal_asio_server [--port N]   (0: the OS chooses; prints the port)

#include <fmt/format.h>

#include <csignal>
#include <exception>

#include "baseline_port.hpp"
#include "net/asio_compat.hpp"
#include "protocol/conversation.hpp"

namespace {

using hello::net::tcp;
using hello::net::use_nothrow_awaitable;

asio::awaitable<void> serve(tcp::socket socket)
{
    hello::protocol::Conversation conversation(4096);
    char data[16];
    socket.set_option(tcp::no_delay(true));
    socket.non_blocking(true);
    for (;;) {
        while (const auto message = conversation.next_message()) {
            conversation.answer(*message);
        }
        asio::error_code error;
        conversation.sent(socket.write_some(asio::buffer(conversation.owed()), error));
        if (error || conversation.ending() != hello::protocol::Ending::none) {
            co_return;
        }
        auto [read_error, size] =
            co_await socket.async_read_some(asio::buffer(data), use_nothrow_awaitable);
        if (read_error) {
            co_return;
        }
        conversation.received({data, size});
    }
}

asio::awaitable<void> listen(tcp::acceptor acceptor)
{
    for (;;) {
        auto [error, socket] = co_await acceptor.async_accept(use_nothrow_awaitable);
        if (!error) {
            asio::co_spawn(acceptor.get_executor(), serve(std::move(socket)), asio::detached);
        }
    }
}

}  // namespace

int main(int argc, char** argv)
{
    try {
        const auto port = baseline_port(argc, argv, "minimal_asio_server",
                                        "the least an Asio coroutine server does");
        asio::io_context io(1);
        asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&](auto, auto) { io.stop(); });
        tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), port));
        fmt::print(stderr, "Listening on 127.0.0.1:{}\n", acceptor.local_endpoint().port());
        asio::co_spawn(io, listen(std::move(acceptor)), asio::detached);
        io.run();
    } catch (const hello::cli::UsageError& error) {
        fmt::print(stderr, "minimal_asio_server: {}\n", error.what());
        return 2;
    } catch (const std::exception& error) {
        fmt::print(stderr, "minimal_asio_server: {}\n", error.what());
        return 1;
    }
}
