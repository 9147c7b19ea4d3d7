#pragma once
// The bytes of one lockstep exchange, worked out once per connection so that
// the hot loop only sends and compares. Pure code.

#include <string>
#include <string_view>

#include "protocol/framing.hpp"

namespace hello::bench {

struct Exchange {
    std::string request;       // what the client sends each time
    std::string first_reply;   // what the server answers the first time...
    std::string reply;         // ...and every time after that
    std::string goodbye;       // the "exit" message in this framing
};

// Raw framing: "NAME" gets "Hello, NAME!". Line framing: "NAME\n" gets
// "Hello, NAME!\n", and the first reply also ends the greeting's line with a
// leading "\n" (protocol/replies.hpp).
Exchange exchange_for(protocol::Framing framing, std::string_view name);

}  // namespace hello::bench
