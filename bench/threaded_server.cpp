// threaded_server: the tutorial's design, as the baseline the coroutines beat.
//
// A blocking accept loop and a std::thread per client, each blocked in
// recv()/send(), exactly as the tutorial's server does with Python threads.
// It speaks hello_server's protocol through the same pure rules
// (protocol::Framer, protocol::append_reply), so only the concurrency model
// differs. No limits, no timeouts, no shutdown: a baseline, not a server to copy.
//
// Usage: threaded_server [--port N]   (0: the OS chooses; prints the port)

#include <fmt/format.h>

#include <csignal>
#include <exception>
#include <string>
#include <thread>
#include <variant>

#include "baseline_port.hpp"
#include "net/asio_compat.hpp"
#include "protocol/command.hpp"
#include "protocol/framing.hpp"
#include "protocol/replies.hpp"

namespace {

using hello::net::tcp;
namespace protocol = hello::protocol;

constexpr std::size_t max_message = 4096;

// The tutorial's tcplink(): one thread, blocking calls, until "exit" or EOF.
void serve_client(tcp::socket socket)
{
    asio::error_code error;
    asio::write(socket, asio::buffer(protocol::greeting), error);
    protocol::Framer framer(max_message);
    char buffer[max_message + 1];
    std::string replies;
    while (!error) {
        const auto event = framer.next();
        if (const auto* message = std::get_if<protocol::Message>(&event)) {
            if (protocol::classify(message->text) == protocol::Command::exit) {
                break;
            }
            protocol::append_reply(replies, *message);
            continue;
        }
        asio::write(socket, asio::buffer(replies), error);
        replies.clear();
        if (std::holds_alternative<protocol::MessageTooLong>(event)) {
            const auto refusal =
                protocol::error_reply(protocol::too_long_reason, framer.client_line_open());
            asio::write(socket, asio::buffer(refusal), error);
            break;
        }
        if (error || std::holds_alternative<protocol::EndOfStream>(event)) {
            break;
        }
        const auto size = socket.read_some(asio::buffer(buffer), error);
        if (error == asio::error::eof) {
            framer.received_end_of_stream();
            error.clear();
        } else {
            framer.received({buffer, size});
        }
    }
    asio::write(socket, asio::buffer(replies), error);
}

}  // namespace

int main(int argc, char** argv)
{
    try {
        const auto port = baseline_port(argc, argv, "threaded_server", "a thread per client");
        std::signal(SIGPIPE, SIG_IGN);
        asio::io_context io;  // only to own the sockets: every call here blocks
        tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), port));
        fmt::print(stderr, "Listening on 127.0.0.1:{}\n", acceptor.local_endpoint().port());
        for (;;) {
            tcp::socket socket = acceptor.accept();
            socket.set_option(tcp::no_delay(true));
            std::thread(serve_client, std::move(socket)).detach();
        }
    } catch (const hello::cli::UsageError& error) {
        fmt::print(stderr, "threaded_server: {}\n", error.what());
        return 2;
    } catch (const std::exception& error) {
        fmt::print(stderr, "threaded_server: {}\n", error.what());
        return 1;
    }
}
