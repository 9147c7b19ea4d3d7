#pragma once
// The acceptor coroutine: the tutorial's `while True: accept(); Thread(...)`,
// with a coroutine per client instead of a thread.

#include "net/asio_compat.hpp"

namespace hello::server {

struct SessionContext;

// Accepts clients on `acceptor` until it is closed, in three steps: accept
// one, admit the ones queued behind it, back off after an error. admit()
// (server/admission.hpp) takes each one to its session or its refusal.
net::awaitable<void> accept_clients(net::tcp::acceptor& acceptor, SessionContext& context);

}  // namespace hello::server
