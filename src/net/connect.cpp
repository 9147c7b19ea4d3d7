#include "net/connect.hpp"

#include <fmt/format.h>

#include "net/endpoint.hpp"
#include "net/timeout.hpp"

namespace hello::net {
namespace {

// Throws `Error`, or TimeoutError when the time limit was what failed.
template <typename Error>
[[noreturn]] void fail(const asio::error_code& error, std::string message)
{
    if (error == asio::error::timed_out) {
        throw TimeoutError(std::move(message));
    }
    throw Error(std::move(message));
}

// Not a conditional expression inside co_await: GCC 12 destroys the
// temporary awaitable of one twice.
auto start_resolving(tcp::resolver& resolver, std::string_view host, std::string_view service,
                     IpFamily family)
{
    if (family == IpFamily::any) {
        return resolver.async_resolve(host, service, use_nothrow_awaitable);
    }
    return resolver.async_resolve(family == IpFamily::v4 ? tcp::v4() : tcp::v6(), host, service,
                                  use_nothrow_awaitable);
}

}  // namespace

awaitable<tcp::resolver::results_type> resolve_host(std::string_view host, std::string_view service,
                                                    std::chrono::steady_clock::duration timeout,
                                                    IpFamily family)
{
    tcp::resolver resolver(co_await asio::this_coro::executor);
    auto [error, addresses] =
        co_await within(timeout, start_resolving(resolver, host, service, family));
    if (error) {
        fail<ResolveError>(error, fmt::format("cannot resolve '{}': {}", host, error.message()));
    }
    co_return addresses;
}

awaitable<tcp::socket> connect_to_any(const tcp::resolver::results_type& addresses,
                                      std::string_view host, std::string_view service,
                                      std::chrono::steady_clock::duration timeout)
{
    tcp::socket socket(co_await asio::this_coro::executor);
    auto [error, endpoint] =
        co_await within(timeout, asio::async_connect(socket, addresses, use_nothrow_awaitable));
    if (error) {
        // async_connect reports the last address's error; name the service too.
        fail<ConnectError>(
            error, fmt::format("cannot connect to {} port {}: {}", host, service, error.message()));
    }
    asio::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    co_return socket;
}

awaitable<tcp::socket> connect_to(std::string_view host, std::string_view service,
                                  std::chrono::steady_clock::duration timeout, IpFamily family)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const auto addresses = co_await resolve_host(host, service, timeout, family);
    co_return co_await connect_to_any(addresses, host, service,
                                      deadline - std::chrono::steady_clock::now());
}

}  // namespace hello::net
