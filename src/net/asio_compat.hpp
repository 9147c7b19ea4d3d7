#pragma once
// The one place that knows which Asio we build against. Debian 12 ships Asio
// 1.22, where as_tuple still lives in asio::experimental and no operation has a
// default completion token; Asio 1.24 (the wrap) moved as_tuple into asio::.
// Everything else includes this header and says what it means.

#include <asio.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/version.hpp>

#if ASIO_VERSION >= 102400
#include <asio/as_tuple.hpp>
#else
#include <asio/experimental/as_tuple.hpp>
#endif

namespace hello::net {

#if ASIO_VERSION >= 102400
using asio::as_tuple;
#else
using asio::experimental::as_tuple;
#endif

using asio::awaitable;
using asio::ip::tcp;

// Completion token for "co_await and give me the error code, do not throw".
// Inside a session every failure is an expected event (the client went away),
// handled where it happens; an exception would also make Asio's `||` wait for
// the other operation before reporting it.
inline constexpr auto use_nothrow_awaitable = as_tuple(asio::use_awaitable);

}  // namespace hello::net
