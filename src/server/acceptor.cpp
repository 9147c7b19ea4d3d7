#include "server/acceptor.hpp"

#include <chrono>
#include <exception>
#include <utility>

#include "net/listen.hpp"
#include "net/log.hpp"
#include "protocol/refusal.hpp"
#include "protocol/replies.hpp"
#include "server/linger.hpp"
#include "server/session.hpp"
#include "server/session_context.hpp"

namespace hello::server {
namespace {

using net::use_nothrow_awaitable;
using Clock = std::chrono::steady_clock;

// Each wake-up takes up to this many queued connections before the sessions
// get their turn again: a burst of clients is welcomed in a few passes of
// the event loop, not one pass per client, and yet cannot starve the others.
constexpr int accept_batch = 64;

// Refused clients that may linger at once, per worker: past that, a refusal
// closes at once, so that a flood of clients past --max-connections cannot
// take every descriptor.
constexpr std::size_t max_lingering_refusals = 64;

// A refused client's place among the worker's sessions while its close
// lingers, so that the sweep and a shutdown reach it too.
class Refusal {
public:
    Refusal(SessionContext& context, net::tcp::socket& socket) : context_(context), entry_(socket)
    {
        context_.sessions.join(entry_);
        ++context_.lingering_refusals;
    }
    ~Refusal()
    {
        --context_.lingering_refusals;
        context_.sessions.leave(entry_);
    }
    Refusal(const Refusal&) = delete;
    Refusal& operator=(const Refusal&) = delete;

    SessionList::Entry& entry() { return entry_; }

private:
    SessionContext& context_;
    SessionList::Entry entry_;
};

// Past --max-connections: say why in one line and hang up, at the cost of one
// non-blocking send (a new socket's send buffer always has room for it), and
// without a reset destroying the line when the client has already spoken.
net::awaitable<void> turn_away(net::tcp::socket socket, SessionContext& context)
{
    static const auto busy =
        protocol::error_reply(protocol::describe(protocol::Refusal::busy).reason, false);
    asio::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.send(asio::buffer(busy), 0, ignored);
    if (context.turned_away_log.occurred(Clock::now())) {
        net::log("{} clients connected (--max-connections); turning new ones away.",
                 context.limit.taken());
    }
    if (context.lingering_refusals < max_lingering_refusals) {
        Refusal refusal(context, socket);
        co_await linger(socket, context.sessions, refusal.entry());
    }
}

// The session boundary: whatever serve_client() throws ends that session,
// is logged, and never propagates out of io_context::run() to stop the
// others. A function object with no state, so that it costs each session's
// spawn nothing to carry.
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

// A session for the client if it gets a slot, a polite refusal if not.
void admit(SessionContext& context, net::tcp::socket socket)
{
    auto slot = context.limit.try_reserve();
    if (!slot) {
        context.counters.count_refusal(protocol::Refusal::busy);
        auto executor = socket.get_executor();
        asio::co_spawn(executor, turn_away(std::move(socket), context), ReportSessionFailure{});
        return;
    }
    context.counters.accepted.add();
    asio::error_code ignored;
    socket.set_option(net::tcp::no_delay(true), ignored);  // replies are small; send them now
    // Sessions write what the kernel takes at once and take what else has
    // arrived without waiting (session.cpp).
    socket.non_blocking(true, ignored);
    auto executor = socket.get_executor();
    asio::co_spawn(executor, serve_client(std::move(socket), std::move(*slot), context),
                   ReportSessionFailure{});
}

}  // namespace

net::awaitable<void> accept_clients(net::tcp::acceptor& acceptor, SessionContext& context)
{
    asio::error_code ignored;
    acceptor.non_blocking(true, ignored);  // for taking the rest of a batch without waiting
    bool failing = false;
    bool failure_logged = false;  // so that recoveries are as rate-limited as failures
    while (acceptor.is_open()) {
        auto [error, socket] = co_await acceptor.async_accept(use_nothrow_awaitable);
        for (int taken = 1; !error; ++taken) {
            if (std::exchange(failing, false) && std::exchange(failure_logged, false)) {
                net::log("Accepting connections again.");
            }
            admit(context, std::move(socket));
            if (taken == accept_batch) {
                break;
            }
            socket = acceptor.accept(error);  // the next queued one, if any
        }
        if (error == asio::error::operation_aborted || !acceptor.is_open()) {
            break;  // closed for shutdown
        }
        if (error && error != asio::error::would_block) {
            context.counters.accept_errors.add();
            if (!std::exchange(failing, true) && context.accept_error_log.occurred(Clock::now())) {
                net::log("Cannot accept connections: {}; retrying every {}ms.", error.message(),
                         net::accept_retry_delay.count());
                failure_logged = true;
            }
            asio::steady_timer retry(acceptor.get_executor(), net::accept_retry_delay);
            co_await retry.async_wait(use_nothrow_awaitable);
        }
    }
}

}  // namespace hello::server
