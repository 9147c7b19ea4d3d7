#pragma once
// What one worker's acceptor and sessions share. Everything here is used on
// the worker's own thread only, except the connection limit, which every
// worker shares (one atomic).

#include <cstddef>

#include "ops/counters.hpp"
#include "ops/log_throttle.hpp"
#include "server/connection_limit.hpp"
#include "server/options.hpp"
#include "server/session_list.hpp"

namespace hello::server {

struct SessionContext {
    SessionContext(const ServerOptions& options, ConnectionLimit& limit,
                   ops::WorkerCounters& counters)
        : options(options), limit(limit), counters(counters), sessions(options.idle_timeout)
    {
    }
    SessionContext(const SessionContext&) = delete;
    SessionContext& operator=(const SessionContext&) = delete;

    const ServerOptions& options;   // the command line, read-only once serving
    ConnectionLimit& limit;         // --max-connections counts every worker's clients
    ops::WorkerCounters& counters;  // this worker's own, for /metrics: no lock on the message path
    SessionList sessions;           // how the idle sweep and a shutdown reach the sessions
    // A flood of clients past the limit, or of accept errors, costs one log
    // line a second, not one per client.
    ops::LogThrottle turned_away_log;
    ops::LogThrottle accept_error_log;
    // Clients refused past --max-connections whose close still lingers.
    std::size_t lingering_refusals = 0;
};

}  // namespace hello::server
