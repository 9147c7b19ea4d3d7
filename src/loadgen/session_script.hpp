#pragma once
// The bytes of one whole tutorial session, worked out once so that the
// reconnecting loop only sends and compares: the client connects, reads
// "Welcome!", sends its names one at a time, each after the reply to the one
// before, says "exit", and reads the server's end of stream. Pure code.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/framing.hpp"

namespace hello::loadgen {

struct SessionStep {
    std::string request;  // a name
    std::string reply;    // what the server answers to it
};

struct SessionScript {
    std::string_view greeting;
    std::vector<SessionStep> steps;
    std::string goodbye;  // after it, nothing but the end of stream
};

// The tutorial client's names, taken in turn (the fourth is Michael again).
inline constexpr std::string_view tutorial_names[] = {"Michael", "Tracy", "Sarah"};

// `names` names, in `framing` (line framing: the first reply also ends the
// greeting's line, as in exchange_for).
SessionScript session_script(protocol::Framing framing, std::size_t names);

}  // namespace hello::loadgen
