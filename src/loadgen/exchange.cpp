#include "loadgen/exchange.hpp"

#include <fmt/format.h>

#include "protocol/replies.hpp"

namespace hello::loadgen {

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

std::string proxy_v1_header(std::string_view source, std::uint16_t source_port,
                            std::string_view destination, std::uint16_t destination_port)
{
    const bool ipv6 = source.find(':') != std::string_view::npos;
    return fmt::format("PROXY {} {} {} {} {}\r\n", ipv6 ? "TCP6" : "TCP4", source, destination,
                       source_port, destination_port);
}

}  // namespace hello::loadgen
