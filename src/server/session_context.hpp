#pragma once
// What one worker's acceptor and sessions share: the server's state, and
// everything of the worker's own, buffers included. All of it but
// `server` is used on the worker's own thread only.

#include <array>
#include <cstddef>
#include <span>
#include <type_traits>
#include <vector>

#include "ops/counters.hpp"
#include "ops/log_throttle.hpp"
#include "server/server_state.hpp"
#include "server/session_list.hpp"

namespace hello::server {

// Where a read longer than a session's first bytes lands: one buffer for all
// the sessions of a worker, lent to one at a time. That is safe because lend()
// hands it to a plain function, not a coroutine: what borrows the input
// cannot suspend, so it has answered every byte of it before any other
// session of the thread runs and borrows the buffer in turn.
class SharedInput {
public:
    template <typename Use>
    void lend(std::size_t size, Use&& use)
    {
        static_assert(std::is_void_v<std::invoke_result_t<Use&, std::span<char>>>,
                      "what borrows the shared input must answer it without suspending");
        if (bytes_.size() < size) {
            bytes_.resize(size);
        }
        use(std::span<char>(bytes_.data(), size));
    }

private:
    std::vector<char> bytes_;
};

struct SessionContext {
    SessionContext(ServerState& server, ops::WorkerCounters& counters)
        : server(server), counters(counters), sessions(server.options.idle_timeout)
    {
    }
    SessionContext(const SessionContext&) = delete;
    SessionContext& operator=(const SessionContext&) = delete;

    ServerState& server;            // the options and the limits, server-wide
    ops::WorkerCounters& counters;  // this worker's own, for /metrics: no lock on the message path
    SessionList sessions;           // how the idle sweep and a stop reach the sessions
    SharedInput input;
    // What lingering sessions read is thrown away unlooked-at, so they may
    // all read into the same bytes.
    std::array<char, 64 * 1024> discarded;
    // A flood of clients past a limit, or of accept errors, costs one log
    // line a second, not one per client.
    std::array<ops::LogThrottle, protocol::refusal_count> turned_away_log;  // by Refusal
    ops::LogThrottle accept_error_log;
    // Clients turned away whose close still lingers.
    std::size_t lingering_refusals = 0;
};

}  // namespace hello::server
