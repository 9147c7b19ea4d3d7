#include "server/admission.hpp"

#include <exception>
#include <utility>

#include "net/endpoint.hpp"
#include "net/log.hpp"
#include "server/proxy_handshake.hpp"
#include "server/session.hpp"
#include "server/session_context.hpp"
#include "server/turn_away.hpp"

namespace hello::server {
namespace {

// The session boundary: whatever a connection's coroutine throws ends that
// connection, is logged, and never propagates out of io_context::run() to
// stop the others. A function object with no state, so that it costs each
// session's spawn nothing to carry.
struct ReportSessionFailure {
    void operator()(std::exception_ptr failure) const
    {
        try {
            if (failure) {
                std::rethrow_exception(failure);
            }
        } catch (const std::exception& error) {
            net::log("Session failed: {}", error.what());
        } catch (...) {
            net::log("Session failed: unknown exception");
        }
    }
};

template <typename Awaitable>
void spawn(net::tcp::socket& socket, Awaitable&& connection)
{
    auto executor = socket.get_executor();
    asio::co_spawn(executor, std::forward<Awaitable>(connection), ReportSessionFailure{});
}

// The client is known: its session starts, unless its address holds
// --max-connections-per-ip already.
void start_session(net::tcp::socket socket, ConnectionSlot slot, const NamedClient& client,
                   SessionContext& context)
{
    auto& limit = context.server.connections;
    if (!limit.try_claim(slot, client.address.address())) {
        spawn(socket, turn_away(std::move(socket), protocol::Refusal::per_ip,
                                limit.max_per_address(), client.address, context));
        return;
    }
    context.counters.accepted.add();  // past every limit: served
    spawn(socket,
          serve_client(std::move(socket), Admission{std::move(slot), client.name}, context));
}

// With --proxy-protocol the header names the client: it comes first.
net::awaitable<void> read_header_then_serve(net::tcp::socket socket, net::tcp::endpoint balancer,
                                            ConnectionSlot slot, SessionContext& context)
{
    std::optional<NamedClient> client;
    {
        ListedConnection waiting(context.sessions, socket);
        context.sessions.waiting_to_read(waiting.entry());  // a stop ends the wait
        client = co_await read_proxy_header(
            socket, balancer, context.server.options.proxy_header_timeout, waiting.entry());
    }
    if (!client) {
        context.counters.count_close(protocol::CloseReason::proxy_header);  // logged already
        co_return;
    }
    start_session(std::move(socket), std::move(slot), *client, context);
}

}  // namespace

void admit(net::tcp::socket socket, const net::tcp::endpoint& peer, SessionContext& context)
{
    auto& limit = context.server.connections;
    auto slot = limit.try_reserve();
    if (!slot) {
        spawn(socket,
              turn_away(std::move(socket), protocol::Refusal::busy, limit.taken(), peer, context));
        return;
    }
    asio::error_code ignored;
    socket.set_option(net::tcp::no_delay(true), ignored);  // replies are small; send them now
    // Sessions write what the kernel takes at once and take what else has
    // arrived without waiting (session.cpp).
    socket.non_blocking(true, ignored);
    const auto& options = context.server.options;
    if (options.proxy_protocol) {
        spawn(socket, read_header_then_serve(std::move(socket), peer, std::move(*slot), context));
        return;
    }
    // The name is only ever used for log lines.
    start_session(std::move(socket), std::move(*slot),
                  NamedClient{peer, options.quiet ? std::string() : net::to_string(peer)}, context);
}

}  // namespace hello::server
