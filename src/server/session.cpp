#include "server/session.hpp"

#include <exception>
#include <optional>
#include <string>
#include <tuple>

#include "net/endpoint.hpp"
#include "net/log.hpp"
#include "protocol/replies.hpp"
#include "server/conversation.hpp"
#include "server/proxy_handshake.hpp"
#include "server/worker.hpp"

namespace hello::server {
namespace {

// The name the logs give the client: its address, or with --proxy-protocol
// the one the balancer's header names (nothing if there was no valid header).
net::awaitable<std::optional<std::string>> client_name(net::tcp::socket& socket, Worker& worker)
{
    if (!worker.options().proxy_protocol) {
        co_return net::peer_of(socket);
    }
    co_return co_await read_proxy_header(socket, worker);  // which logs why, if it fails
}

}  // namespace

// The tutorial's tcplink(): greet, then read, answer, repeat. One coroutine
// frame holds the whole conversation while it waits for the client; `slot`
// is held, unused, for as long as the session lives.
net::awaitable<void> serve_client(net::tcp::socket socket, [[maybe_unused]] ConnectionSlot slot,
                                  Worker& worker)
{
    using net::use_nothrow_awaitable;
    const auto peer = co_await client_name(socket, worker);
    if (!peer) {
        worker.counters().count_close(CloseReason::proxy_header);
        co_return;
    }
    try {
        Conversation talk(socket, *peer, worker);  // with "Welcome!" as its first reply
        asio::error_code error;
        std::size_t size = 0;
        for (;;) {
            const auto event = talk.next_event();
            const auto* message = std::get_if<protocol::Message>(&event);
            if (message && !protocol::is_exit(message->text)) {
                if (!talk.delays_replies()) {
                    talk.answer(*message);
                } else if (!co_await talk.answer_after_delay(*message)) {
                    co_return talk.end(talk.why_gone());
                }
                continue;
            }
            // All that one read brought is answered (or the client said
            // "exit"): the replies leave together, in one write.
            if (talk.has_replies()) {
                std::tie(error, size) =
                    co_await asio::async_write(socket, talk.replies(), use_nothrow_awaitable);
                if (!talk.replies_sent(error, size)) {
                    co_return talk.end(talk.why_gone());
                }
            }
            if (message) {
                co_return talk.end(CloseReason::exit);
            }
            if (std::holds_alternative<protocol::MessageTooLong>(event)) {
                co_await talk.refuse(protocol::too_long_reason);
                co_return talk.end(CloseReason::too_long);
            }
            if (std::holds_alternative<protocol::EndOfStream>(event)) {
                co_return talk.end(CloseReason::end_of_stream);
            }
            if (talk.ended_by_worker()) {
                co_return talk.end(talk.why_gone());
            }
            std::tie(error, size) =
                co_await socket.async_read_some(talk.first_read_buffer(), use_nothrow_awaitable);
            if (!talk.take_input(error, size) || talk.ended_by_worker()) {
                co_return talk.end(talk.why_gone());
            }
        }
    } catch (const std::exception& error) {
        // The session boundary: a bug or an exhausted resource ends this
        // client's session, never the server.
        net::log("Session with {} failed: {}", *peer, error.what());
    }
}

}  // namespace hello::server
