#pragma once
// The live connections, as the server sees them from outside their sessions:
// enough to count them (--max-connections) and to end them on shutdown.

#include <atomic>
#include <cstddef>
#include <functional>
#include <unordered_set>

#include "net/asio_compat.hpp"

namespace hello::server {

class Connection {
public:
    // `pause`, if any, is the timer a session waits on before a delayed reply.
    explicit Connection(net::tcp::socket& socket, asio::steady_timer* pause = nullptr)
        : socket_(socket), pause_(pause)
    {
    }

    // Asks the session to end once the reply it is writing is out. A session
    // waiting for the client to speak is woken at once.
    void request_stop();
    bool stop_requested() const { return stop_requested_; }

    // Ends the session now: every pending operation on the socket fails, and
    // a delayed reply is not waited for.
    void close();

    // The session marks the reads a stop may interrupt: cancelling a write
    // instead would cut a reply in half.
    void waiting_for_client(bool waiting) { waiting_for_client_ = waiting; }

private:
    net::tcp::socket& socket_;
    asio::steady_timer* pause_;
    bool stop_requested_ = false;
    bool waiting_for_client_ = false;
};

// One worker's connections; `server_total` counts those of every worker.
class ConnectionRegistry {
public:
    explicit ConnectionRegistry(std::atomic<std::size_t>& server_total) : server_total_(server_total) {}

    std::size_t size() const { return connections_.size(); }
    std::size_t server_total() const { return server_total_.load(std::memory_order_relaxed); }

    void add(Connection& connection);
    void remove(Connection& connection);

    void request_stop_all();
    void close_all();

    // Called each time the last connection leaves.
    void on_empty(std::function<void()> callback) { on_empty_ = std::move(callback); }

private:
    std::unordered_set<Connection*> connections_;
    std::atomic<std::size_t>& server_total_;
    std::function<void()> on_empty_;
};

// Keeps a connection in the registry for as long as its session lives.
class Registration {
public:
    Registration(ConnectionRegistry& registry, Connection& connection)
        : registry_(registry), connection_(connection)
    {
        registry_.add(connection_);
    }
    ~Registration() { registry_.remove(connection_); }
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;

private:
    ConnectionRegistry& registry_;
    Connection& connection_;
};

}  // namespace hello::server
