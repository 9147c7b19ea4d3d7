#include "server/turn_away.hpp"

#include <fmt/format.h>

#include <chrono>

#include "net/log.hpp"
#include "protocol/replies.hpp"
#include "server/linger.hpp"
#include "server/session_context.hpp"

namespace hello::server {
namespace {

// A refused client among the worker's connections while its close lingers,
// and counted among the lingering refusals.
class LingeringRefusal {
public:
    LingeringRefusal(SessionContext& context, net::tcp::socket& socket)
        : context_(context), listed_(context.sessions, socket)
    {
        ++context_.lingering_refusals;
    }
    ~LingeringRefusal() { --context_.lingering_refusals; }
    LingeringRefusal(const LingeringRefusal&) = delete;
    LingeringRefusal& operator=(const LingeringRefusal&) = delete;

    SessionList::Entry& entry() { return listed_.entry(); }

private:
    SessionContext& context_;
    ListedConnection listed_;
};

void log_refusal(const protocol::RefusalInfo& refusal, std::size_t count,
                 const net::tcp::endpoint& client)
{
    net::log("{}", fmt::format(fmt::runtime(refusal.log), fmt::arg("count", count),
                               fmt::arg("address", client.address().to_string())));
}

}  // namespace

net::awaitable<void> turn_away(net::tcp::socket socket, protocol::Refusal refusal,
                               std::size_t count, net::tcp::endpoint client,
                               SessionContext& context)
{
    const auto& why = protocol::describe(refusal);
    context.counters.count_refusal(refusal);
    if (context.turned_away_log[static_cast<std::size_t>(refusal)].occurred(
            std::chrono::steady_clock::now())) {
        log_refusal(why, count, client);
    }
    // A new socket's send buffer always has room for one line.
    const auto line = protocol::error_reply(why.reason, false);
    asio::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.send(asio::buffer(line), 0, ignored);
    if (context.lingering_refusals < max_lingering_refusals) {
        LingeringRefusal lingering(context, socket);
        co_await linger(socket, context, lingering.entry());
    }
}

}  // namespace hello::server
