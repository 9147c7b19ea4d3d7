#include "server/metrics_endpoint.hpp"

#include <fmt/format.h>

#include <system_error>

#include "net/endpoint.hpp"
#include "net/log.hpp"
#include "server/metrics_http.hpp"
#include "server/metrics_text.hpp"

namespace hello::server {
namespace {

using net::use_nothrow_awaitable;
using namespace asio::experimental::awaitable_operators;

// Keeps a scraper's socket where stop() can close it, for as long as it is served.
class Tracked {
public:
    Tracked(std::unordered_set<net::tcp::socket*>& set, net::tcp::socket& socket)
        : set_(set), socket_(socket)
    {
        set_.insert(&socket_);
    }
    ~Tracked() { set_.erase(&socket_); }
    Tracked(const Tracked&) = delete;
    Tracked& operator=(const Tracked&) = delete;

private:
    std::unordered_set<net::tcp::socket*>& set_;
    net::tcp::socket& socket_;
};

// Reads until the request head is complete, too large, or the peer stops.
net::awaitable<MetricsRequest> read_request(net::tcp::socket& socket)
{
    std::string received;
    std::array<char, 1024> chunk;
    for (;;) {
        const auto verdict = judge_metrics_request(received, MetricsEndpoint::max_request_bytes);
        if (verdict != MetricsRequest::incomplete) {
            co_return verdict;
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
    : acceptor_(io), scrape_(std::move(scrape))
{
    asio::error_code error;
    acceptor_.open(where.protocol(), error);
    if (!error) {
        acceptor_.set_option(net::tcp::acceptor::reuse_address(true), error);
    }
    if (!error) {
        acceptor_.bind(where, error);
    }
    if (!error) {
        acceptor_.listen(asio::socket_base::max_listen_connections, error);
    }
    if (error) {
        throw std::system_error(error,
                                fmt::format("cannot serve metrics on {}", net::to_string(where)));
    }
    local_endpoint_ = acceptor_.local_endpoint();
}

void MetricsEndpoint::start()
{
    asio::co_spawn(acceptor_.get_executor(), accept_scrapers(), asio::detached);
}

void MetricsEndpoint::stop()
{
    asio::error_code ignored;
    acceptor_.close(ignored);
    for (auto* socket : scrapers_) {
        socket->close(ignored);
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
            asio::steady_timer retry(acceptor_.get_executor(), std::chrono::milliseconds(100));
            co_await retry.async_wait(use_nothrow_awaitable);
            continue;
        }
        if (scrapers_.size() >= max_scrapers) {
            continue;  // the socket closes as it goes out of scope
        }
        asio::co_spawn(acceptor_.get_executor(), answer(std::move(socket)), asio::detached);
    }
}

net::awaitable<void> MetricsEndpoint::answer(net::tcp::socket socket)
{
    Tracked tracked(scrapers_, socket);
    const auto outcome = co_await (read_request(socket) || time_limit(request_time_limit));
    if (outcome.index() == 1 || !socket.is_open()) {
        co_return;  // too slow, or stop() closed it: no answer
    }
    const auto verdict = std::get<0>(outcome);
    const auto response =
        metrics_response(verdict, verdict == MetricsRequest::metrics ? scrape_() : std::string(),
                         metrics_content_type);
    co_await (asio::async_write(socket, asio::buffer(response), use_nothrow_awaitable) ||
              time_limit(request_time_limit));
    asio::error_code ignored;
    socket.shutdown(net::tcp::socket::shutdown_send, ignored);
}

net::tcp::endpoint metrics_listen_endpoint(asio::io_context& io, const std::string& host,
                                           std::uint16_t port)
{
    net::tcp::resolver resolver(io);
    asio::error_code error;
    const auto results =
        resolver.resolve(host, std::to_string(port),
                         net::tcp::resolver::passive | net::tcp::resolver::numeric_service, error);
    if (error || results.empty()) {
        throw std::system_error(error, fmt::format("invalid metrics address '{}'", host));
    }
    return results.begin()->endpoint();
}

}  // namespace hello::server
