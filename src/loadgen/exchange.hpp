#pragma once
// The bytes of one lockstep exchange, worked out once per connection so that
// the hot loop only sends and compares. Pure code.

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/framing.hpp"

namespace hello::loadgen {

struct Exchange {
    std::string request;      // what the client sends each time
    std::string first_reply;  // what the server answers the first time...
    std::string reply;        // ...and every time after that
    std::string goodbye;      // the "exit" message in this framing
};

// Raw framing: "NAME" gets "Hello, NAME!". Line framing: "NAME\n" gets
// "Hello, NAME!\n", and the first reply also ends the greeting's line with a
// leading "\n" (protocol/replies.hpp).
Exchange exchange_for(protocol::Framing framing, std::string_view name);

// What a load balancer sends before the client's first byte (HAProxy's
// `send-proxy`): "PROXY TCP4 SOURCE DESTINATION SOURCE_PORT DESTINATION_PORT\r\n",
// TCP6 for IPv6 addresses. Addresses in their usual text form.
std::string proxy_v1_header(std::string_view source, std::uint16_t source_port,
                            std::string_view destination, std::uint16_t destination_port);

}  // namespace hello::loadgen
