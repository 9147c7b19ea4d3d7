#pragma once
// The conversation of the tutorial's echo_client.py, as a coroutine.

#include "client/name_source.hpp"
#include "client/options.hpp"
#include "net/asio_compat.hpp"

namespace hello::client {

// Connects, prints the greeting, asks for each name and prints the reply,
// then says "exit". Throws (std::exception, one line of what.()) on failure.
net::awaitable<void> greet(const ClientOptions& options, NameSource& names);

}  // namespace hello::client
