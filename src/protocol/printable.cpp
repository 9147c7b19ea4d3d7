#include "protocol/printable.hpp"

#include <fmt/format.h>

#include <iterator>

namespace hello::protocol {

std::string printable(std::string_view bytes, std::size_t max_bytes)
{
    const bool cut = bytes.size() > max_bytes;
    if (cut) {
        bytes = bytes.substr(0, max_bytes);
    }
    std::string out;
    out.reserve(bytes.size());
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (byte >= 0x20 && byte < 0x7f) {
                out += c;
            } else {
                fmt::format_to(std::back_inserter(out), "\\x{:02x}", byte);
            }
        }
    }
    if (cut) {
        out += "...";
    }
    return out;
}

}  // namespace hello::protocol
