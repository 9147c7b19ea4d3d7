#include "ops/metrics_endpoint.hpp"

#include <array>

#include "net/listen.hpp"
#include "ops/metrics_http.hpp"
#include "ops/metrics_text.hpp"

namespace hello::ops {
namespace {

using net::use_nothrow_awaitable;
using namespace asio::experimental::awaitable_operators;

// Reads until the request head is complete, too large, or the peer stops.
net::awaitable<MetricsRequest> read_request(net::tcp::socket& socket)
{
    std::string received;
    std::array<char, 1024> chunk;
    for (;;) {
        const auto request = parse_metrics_request(received, MetricsEndpoint::max_request_bytes);
        if (request != MetricsRequest::incomplete) {
            co_return request;
        }
        auto [error, size] =
            co_await socket.async_read_some(asio::buffer(chunk), use_nothrow_awaitable);
        if (error) {
            co_return MetricsRequest::incomplete;
        }
        received.append(chunk.data(), size);
    }
}

net::awaitable<void> time_limit(std::chrono::steady_clock::duration limit)
{
    asio::steady_timer timer(co_await asio::this_coro::executor, limit);
    co_await timer.async_wait(use_nothrow_awaitable);
}

}  // namespace

MetricsEndpoint::MetricsEndpoint(asio::io_context& io, const net::tcp::endpoint& where,
                                 Scrape scrape)
    : acceptor_(net::listen_on(io, where, {}, "serve metrics")),
      local_endpoint_(acceptor_.local_endpoint()),
      scrape_(std::move(scrape))
{
}

void MetricsEndpoint::start()
{
    asio::co_spawn(acceptor_.get_executor(), accept_scrapers(), asio::detached);
}

void MetricsEndpoint::stop()
{
    asio::error_code ignored;
    acceptor_.close(ignored);
    for (auto& connection : connections_) {
        connection.socket.close(ignored);
    }
}

net::awaitable<void> MetricsEndpoint::accept_scrapers()
{
    while (acceptor_.is_open()) {
        auto [error, socket] = co_await acceptor_.async_accept(use_nothrow_awaitable);
        if (!acceptor_.is_open()) {
            break;
        }
        if (error) {
            // Out of descriptors, most likely: the clients come first; try
            // again a little later rather than spin.
            asio::steady_timer retry(acceptor_.get_executor(), net::accept_retry_delay);
            co_await retry.async_wait(use_nothrow_awaitable);
            continue;
        }
        make_room();
        connections_.push_back({std::move(socket)});
        asio::co_spawn(acceptor_.get_executor(), answer(std::prev(connections_.end())),
                       asio::detached);
    }
}

// Closes the oldest connection still waiting for its request, if all places
// are taken. Its coroutine sees the read fail and leaves the list.
void MetricsEndpoint::make_room()
{
    std::size_t open = 0;
    Connection* oldest_waiting = nullptr;
    for (auto& connection : connections_) {
        if (connection.socket.is_open()) {
            ++open;
            if (oldest_waiting == nullptr && !connection.answering) {
                oldest_waiting = &connection;
            }
        }
    }
    if (open >= max_connections && oldest_waiting != nullptr) {
        asio::error_code ignored;
        oldest_waiting->socket.close(ignored);
    }
}

net::awaitable<void> MetricsEndpoint::answer(Connections::iterator connection)
{
    auto& socket = connection->socket;
    const auto outcome = co_await (read_request(socket) || time_limit(request_time_limit));
    if (outcome.index() == 0 && socket.is_open()) {
        connection->answering = true;
        const auto request = std::get<0>(outcome);
        const auto response = metrics_response(
            request, request == MetricsRequest::metrics ? scrape_() : std::string(),
            metrics_content_type);
        co_await (asio::async_write(socket, asio::buffer(response), use_nothrow_awaitable) ||
                  time_limit(request_time_limit));
        asio::error_code ignored;
        socket.shutdown(net::tcp::socket::shutdown_send, ignored);
    }
    connections_.erase(connection);  // too slow, made room for another, or answered
}

}  // namespace hello::ops
