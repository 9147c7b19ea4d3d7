#include "loadgen/source_address.hpp"

namespace hello::loadgen {

std::optional<std::uint8_t> loopback_source_octet(std::size_t index, std::size_t total)
{
    if (total <= connections_per_source) {
        return std::nullopt;
    }
    // 127.0.0.1 to 127.0.0.254: room for 6 million connections, far past
    // what a descriptor limit allows.
    return static_cast<std::uint8_t>(1 + (index / connections_per_source) % 254);
}

std::uint8_t session_source_octet(std::uint64_t number)
{
    return static_cast<std::uint8_t>(1 + number % 254);
}

}  // namespace hello::loadgen
