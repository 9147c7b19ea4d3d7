#pragma once
// What the whole server shares, every worker and every session alike. The
// Server builds it once, before any worker starts, and each worker's
// SessionContext refers to it (server/session_context.hpp). After that it is
// read-only, but for the limits, which count with atomics and so are exact
// with any number of threads.

#include "server/connection_limit.hpp"
#include "server/options.hpp"

namespace hello::server {

struct ServerState {
    explicit ServerState(const ServerOptions& options)
        : options(options), connections(options.max_connections, options.max_connections_per_ip)
    {
    }
    ServerState(const ServerState&) = delete;
    ServerState& operator=(const ServerState&) = delete;

    const ServerOptions options;  // the command line
    ConnectionLimit connections;  // --max-connections(-per-ip), across every worker
};

}  // namespace hello::server
