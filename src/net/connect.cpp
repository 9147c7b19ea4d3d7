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
auto resolve(tcp::resolver& resolver, std::string_view host, std::string_view service,
             IpFamily family)
{
    if (family == IpFamily::any) {
        return resolver.async_resolve(host, service, use_nothrow_awaitable);
    }
    return resolver.async_resolve(family == IpFamily::v4 ? tcp::v4() : tcp::v6(), host, service,
                                  use_nothrow_awaitable);
}

}  // namespace

awaitable<tcp::socket> connect_to(std::string_view host, std::string_view service,
                                  std::chrono::steady_clock::duration timeout, IpFamily family)
{
    const auto executor = co_await asio::this_coro::executor;
    const auto deadline = std::chrono::steady_clock::now() + timeout;

    tcp::resolver resolver(executor);
    auto [resolve_error, endpoints] =
        co_await within(timeout, resolve(resolver, host, service, family));
    if (resolve_error) {
        fail<ResolveError>(resolve_error,
                           fmt::format("cannot resolve '{}': {}", host, resolve_error.message()));
    }

    tcp::socket socket(executor);
    auto [connect_error, endpoint] =
        co_await within(deadline - std::chrono::steady_clock::now(),
                        asio::async_connect(socket, endpoints, use_nothrow_awaitable));
    if (connect_error) {
        // async_connect reports the last address's error; name the service too.
        fail<ConnectError>(connect_error, fmt::format("cannot connect to {} port {}: {}", host,
                                                      service, connect_error.message()));
    }
    asio::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    co_return socket;
}

}  // namespace hello::net
