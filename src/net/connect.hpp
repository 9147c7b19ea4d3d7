#pragma once
// Resolving a name and connecting to it without blocking: the coroutine form
// of the tutorial's s.connect((host, port)), which tries every address the
// name has (IPv6 and IPv4) instead of only the first.

#include <chrono>
#include <stdexcept>
#include <string_view>

#include "net/asio_compat.hpp"

namespace hello::net {

// One line that says what went wrong, for a client to print and exit on.
struct NetworkError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Which step failed, for programs whose exit status tells them apart.
struct ResolveError : NetworkError {
    using NetworkError::NetworkError;
};
struct ConnectError : NetworkError {
    using NetworkError::NetworkError;
};
struct TimeoutError : NetworkError {
    using NetworkError::NetworkError;
};

// Which addresses of a name to try: all of them, or only IPv4 or IPv6 ones.
enum class IpFamily { any, v4, v6 };

// The two steps apart, for a caller that times each (http_get's -w).
// resolve_host throws ResolveError for an unknown host (or one without an
// address of `family`); connect_to_any tries each address in turn and throws
// ConnectError when none accepts (`host` names them in the message); both
// throw TimeoutError when `timeout` runs out (all of them NetworkError).
awaitable<tcp::resolver::results_type> resolve_host(std::string_view host, std::string_view service,
                                                    std::chrono::steady_clock::duration timeout,
                                                    IpFamily family = IpFamily::any);
awaitable<tcp::socket> connect_to_any(const tcp::resolver::results_type& addresses,
                                      std::string_view host, std::string_view service,
                                      std::chrono::steady_clock::duration timeout);

// Both steps within one `timeout`.
awaitable<tcp::socket> connect_to(std::string_view host, std::string_view service,
                                  std::chrono::steady_clock::duration timeout,
                                  IpFamily family = IpFamily::any);

}  // namespace hello::net
