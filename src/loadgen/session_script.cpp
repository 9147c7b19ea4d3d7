#include "loadgen/session_script.hpp"

#include <iterator>

#include "protocol/replies.hpp"

namespace hello::loadgen {

SessionScript session_script(protocol::Framing framing, std::size_t names)
{
    const bool lines = framing == protocol::Framing::line;
    const std::string_view ending = lines ? "\n" : "";
    SessionScript script;
    script.greeting = protocol::greeting;
    for (std::size_t i = 0; i < names; ++i) {
        const auto name = tutorial_names[i % std::size(tutorial_names)];
        SessionStep step;
        step.request = std::string(name).append(ending);
        protocol::append_reply(step.reply, protocol::Message{name, framing, lines && i == 0});
        script.steps.push_back(std::move(step));
    }
    script.goodbye = std::string("exit").append(ending);
    return script;
}

}  // namespace hello::loadgen
