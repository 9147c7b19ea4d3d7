#pragma once
// A deadline for one operation, the Asio way: race it against a steady_timer
// with awaitable_operators' `||`; whichever finishes first cancels the other.
//
// The operation must be started with use_nothrow_awaitable: if it threw, `||`
// would wait for the timer to expire before reporting the exception.

#include <chrono>
#include <tuple>

#include "net/asio_compat.hpp"

namespace hello::net {

// The operation's own (error, values...), or asio::error::timed_out.
template <typename... Values>
awaitable<std::tuple<asio::error_code, Values...>> within(
    std::chrono::steady_clock::duration limit,
    awaitable<std::tuple<asio::error_code, Values...>> operation)
{
    using namespace asio::experimental::awaitable_operators;
    asio::steady_timer timer(co_await asio::this_coro::executor, limit);
    auto outcome = co_await (std::move(operation) || timer.async_wait(use_nothrow_awaitable));
    if (outcome.index() == 1) {
        co_return std::tuple<asio::error_code, Values...>{asio::error::timed_out, Values{}...};
    }
    co_return std::get<0>(std::move(outcome));
}

}  // namespace hello::net
