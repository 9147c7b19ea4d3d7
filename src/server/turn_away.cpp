#include "server/turn_away.hpp"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <string>

#include "net/endpoint.hpp"
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
                               fmt::arg("address", net::unmapped(client.address()).to_string())));
}

// Each refusal's error line, formatted once for the process (and read-only
// after): a flood of refused clients costs no formatting nor allocation.
const std::string& error_line(protocol::Refusal refusal)
{
    static const auto lines = [] {
        std::array<std::string, protocol::refusal_count> each;
        for (const auto& row : protocol::refusals) {
            each[static_cast<std::size_t>(row.refusal)] = protocol::error_reply(row.reason, false);
        }
        return each;
    }();
    return lines[static_cast<std::size_t>(refusal)];
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
    asio::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.send(asio::buffer(error_line(refusal)), 0, ignored);
    if (context.lingering_refusals < max_lingering_refusals) {
        LingeringRefusal lingering(context, socket);
        co_await linger(socket, context, lingering.entry());
    }
}

}  // namespace hello::server
