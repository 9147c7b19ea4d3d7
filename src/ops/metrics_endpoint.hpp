#pragma once
// GET /metrics over HTTP/1.1, served on the server's control io_context
// (where signals are waited for): a thread of its own with --threads N, the
// worker's with one, where a scrape costs the worker one rendering of the
// counters. One request per connection; its connections are not clients and
// do not count against --max-connections.
//
// A scraper sends its request as soon as it connects. So when every place is
// taken, the connection that has waited longest without a whole request is
// the one closed to make room: idle or dripping connections cannot lock a
// scraper out, however many there are, and descriptors stay bounded.

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <string>

#include "net/asio_compat.hpp"

namespace hello::ops {

class MetricsEndpoint {
public:
    // What a scrape answers: render_metrics() of the moment.
    using Scrape = std::function<std::string()>;

    // Binds and listens on `where`; throws std::system_error naming what failed.
    MetricsEndpoint(asio::io_context& io, const net::tcp::endpoint& where, Scrape scrape);

    net::tcp::endpoint local_endpoint() const { return local_endpoint_; }

    // Starts accepting scrapers.
    void start();

    // Stops listening and closes the scrapers' connections; call on the
    // io_context's thread.
    void stop();

    // A request head may be this long, and take this long to arrive.
    static constexpr std::size_t max_request_bytes = 8192;
    static constexpr std::chrono::seconds request_time_limit{5};
    // Connections open at once; past it the longest-waiting one is closed.
    static constexpr std::size_t max_connections = 64;

private:
    // One scraper's connection, listed from accept until its coroutine ends.
    struct Connection {
        net::tcp::socket socket;
        bool answering = false;  // its request is complete: never closed to make room
    };
    using Connections = std::list<Connection>;  // oldest first; stable addresses

    net::awaitable<void> accept_scrapers();
    net::awaitable<void> answer(Connections::iterator connection);
    void make_room();

    net::tcp::acceptor acceptor_;
    net::tcp::endpoint local_endpoint_;
    Scrape scrape_;
    Connections connections_;
};

}  // namespace hello::ops
