#pragma once
// GET /metrics over HTTP/1.1, served on the control thread's io_context (the
// thread that waits for signals and runs nothing hot), so a scrape never
// takes time from a worker. One request per connection; its connections are
// not clients and do not count against --max-connections.

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <unordered_set>

#include "net/asio_compat.hpp"

namespace hello::server {

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
    // Scrapers served at once; past it a connection is closed at once.
    static constexpr std::size_t max_scrapers = 16;

private:
    net::awaitable<void> accept_scrapers();
    net::awaitable<void> answer(net::tcp::socket socket);

    net::tcp::acceptor acceptor_;
    net::tcp::endpoint local_endpoint_;
    Scrape scrape_;
    std::unordered_set<net::tcp::socket*> scrapers_;
};

// "HOST:PORT" or "[V6]:PORT", resolved for listening (numeric port; a name
// such as localhost resolves to its first address).
net::tcp::endpoint metrics_listen_endpoint(asio::io_context& io, const std::string& host,
                                           std::uint16_t port);

}  // namespace hello::server
