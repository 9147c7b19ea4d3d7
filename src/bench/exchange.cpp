#include "bench/exchange.hpp"

#include "protocol/replies.hpp"

namespace hello::bench {

Exchange exchange_for(protocol::Framing framing, std::string_view name)
{
    const bool lines = framing == protocol::Framing::line;
    const std::string_view ending = lines ? "\n" : "";
    Exchange exchange;
    exchange.request = std::string(name).append(ending);
    protocol::append_reply(exchange.first_reply, protocol::Message{name, framing, lines});
    protocol::append_reply(exchange.reply, protocol::Message{name, framing, false});
    exchange.goodbye = std::string("exit").append(ending);
    return exchange;
}

}  // namespace hello::bench
