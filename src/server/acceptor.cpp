#include "server/acceptor.hpp"

#include <chrono>
#include <utility>

#include "net/listen.hpp"
#include "net/log.hpp"
#include "server/admission.hpp"
#include "server/session_context.hpp"

namespace hello::server {
namespace {

using net::use_nothrow_awaitable;

// Each wake-up takes up to this many queued connections before the sessions
// get their turn again: a burst of clients is welcomed in a few passes of
// the event loop, not one pass per client, and yet cannot starve the others.
constexpr int accept_batch = 64;

// Accept errors (out of descriptors or memory, mostly) are retried after a
// pause. They are logged once a second at most, and when accepting works
// again that is logged too, but only after a failure that was.
class AcceptFailures {
public:
    explicit AcceptFailures(SessionContext& context) : context_(context) {}

    void accepted()
    {
        if (std::exchange(failing_, false) && std::exchange(logged_, false)) {
            net::log("Accepting connections again.");
        }
    }

    net::awaitable<void> back_off(asio::error_code error, net::tcp::acceptor& acceptor)
    {
        context_.counters.accept_errors.add();
        if (!std::exchange(failing_, true) &&
            context_.accept_error_log.occurred(std::chrono::steady_clock::now())) {
            net::log("Cannot accept connections: {}; retrying every {}ms.", error.message(),
                     net::accept_retry_delay.count());
            logged_ = true;
        }
        asio::steady_timer retry(acceptor.get_executor(), net::accept_retry_delay);
        co_await retry.async_wait(use_nothrow_awaitable);
    }

private:
    SessionContext& context_;
    bool failing_ = false;
    bool logged_ = false;  // so that recoveries are as rate-limited as failures
};

// Admits the connections queued behind the one just accepted, without
// waiting, up to accept_batch in all. Returns what ended the batch:
// would_block when the queue is empty, nothing when the batch is full.
asio::error_code admit_queued(net::tcp::acceptor& acceptor, SessionContext& context,
                              AcceptFailures& failures)
{
    for (int taken = 1; taken < accept_batch; ++taken) {
        net::tcp::endpoint peer;
        asio::error_code error;
        auto socket = acceptor.accept(peer, error);
        if (error) {
            return error;
        }
        failures.accepted();
        admit(std::move(socket), peer, context);
    }
    return {};
}

}  // namespace

net::awaitable<void> accept_clients(net::tcp::acceptor& acceptor, SessionContext& context)
{
    asio::error_code ignored;
    acceptor.non_blocking(true, ignored);  // for admit_queued()
    AcceptFailures failures(context);
    while (acceptor.is_open()) {
        net::tcp::endpoint peer;
        auto [error, socket] = co_await acceptor.async_accept(peer, use_nothrow_awaitable);
        if (!error) {
            failures.accepted();
            admit(std::move(socket), peer, context);
            error = admit_queued(acceptor, context, failures);
        }
        if (error == asio::error::operation_aborted || !acceptor.is_open()) {
            break;  // closed: the worker is stopping
        }
        if (error && error != asio::error::would_block) {
            co_await failures.back_off(error, acceptor);
        }
    }
}

}  // namespace hello::server
