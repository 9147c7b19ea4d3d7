#pragma once

#include <string>

#include "net/asio_compat.hpp"

namespace hello::net {

// "127.0.0.1:9999" or "[::1]:9999", as people write addresses.
std::string to_string(const tcp::endpoint& endpoint);

// The peer of a connected socket, or "unknown peer" if it already went away.
std::string peer_of(const tcp::socket& socket);

}  // namespace hello::net
