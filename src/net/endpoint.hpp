#pragma once

#include <string>

#include "net/asio_compat.hpp"

namespace hello::net {

// A v4 client of a "::" listener shows up as ::ffff:a.b.c.d: this is the
// client as itself, a.b.c.d; any other address is returned as it is.
asio::ip::address unmapped(const asio::ip::address& address);

// "127.0.0.1:9999" or "[::1]:9999", as people write addresses.
std::string to_string(const tcp::endpoint& endpoint);

}  // namespace hello::net
