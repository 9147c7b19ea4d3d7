#pragma once
// An exception boundary for coroutines raced with `||`.
//
// Asio's `||` waits for *success*: when one side throws, it keeps waiting for
// the other (an idle-timeout watchdog, say: minutes) before it reports the
// exception. Wrapping the throwing side turns its exception into an ordinary
// result at once, and logs it: one failure ends one session, promptly.

#include <exception>
#include <string_view>
#include <system_error>

#include "net/asio_compat.hpp"
#include "net/log.hpp"

namespace hello::net {

template <typename T>
awaitable<T> or_on_failure(awaitable<T> work, T on_failure, std::string_view context)
{
    try {
        co_return co_await std::move(work);
    } catch (const std::system_error& error) {
        // Once the other side has won, Asio makes the loser's next co_await
        // throw operation_aborted to end it promptly: that is no failure.
        if (error.code() != asio::error::operation_aborted) {
            log("{} failed: {}", context, error.what());
        }
    } catch (const std::exception& error) {
        log("{} failed: {}", context, error.what());
    }
    co_return on_failure;
}

}  // namespace hello::net
