#include "protocol/printable.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <iterator>

namespace hello::protocol {
namespace {

// The length of the well-formed UTF-8 sequence at the start of `bytes` and
// the code point it encodes, or a length of 0: no overlong forms, no
// surrogates, nothing past U+10FFFF (Unicode's table 3-7).
struct Decoded {
    std::size_t length = 0;
    char32_t code_point = 0;
};

Decoded decode_utf8(std::string_view bytes)
{
    const auto at = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
    const auto lead = at(0);
    std::size_t length = 0;
    char32_t code_point = 0;
    unsigned char low = 0x80;  // the second byte's range, narrowed for some leads
    unsigned char high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
        code_point = lead & 0x1f;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        code_point = lead & 0x0f;
        low = lead == 0xe0 ? 0xa0 : 0x80;
        high = lead == 0xed ? 0x9f : 0xbf;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        code_point = lead & 0x07;
        low = lead == 0xf0 ? 0x90 : 0x80;
        high = lead == 0xf4 ? 0x8f : 0xbf;
    } else {
        return {};
    }
    if (bytes.size() < length || at(1) < low || at(1) > high) {
        return {};
    }
    for (std::size_t i = 1; i < length; ++i) {
        if ((at(i) & 0xc0) != 0x80) {
            return {};
        }
        code_point = (code_point << 6) | (at(i) & 0x3f);
    }
    return {length, code_point};
}

// Characters that are valid text but would let a client's name change how a
// log line reads: C1 controls, bidirectional controls that reorder what
// follows, invisible joiners and marks, line and paragraph separators.
bool may_forge(char32_t code_point)
{
    return (code_point >= 0x80 && code_point <= 0x9f) || code_point == 0x61c ||
           (code_point >= 0x200b && code_point <= 0x200f) ||
           (code_point >= 0x2028 && code_point <= 0x202e) ||
           (code_point >= 0x2060 && code_point <= 0x2069) || code_point == 0xfeff;
}

void escape(std::string& out, std::string_view bytes)
{
    for (const char c : bytes) {
        fmt::format_to(std::back_inserter(out), "\\x{:02x}", static_cast<unsigned char>(c));
    }
}

}  // namespace

std::string printable(std::string_view bytes, std::size_t max_bytes)
{
    const bool cut = bytes.size() > max_bytes;
    if (cut) {
        bytes = bytes.substr(0, max_bytes);
    }
    std::string out;
    out.reserve(bytes.size());
    for (std::size_t i = 0; i < bytes.size();) {
        const char c = bytes[i];
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x80) {
            const auto decoded = decode_utf8(bytes.substr(i));
            const auto length = decoded.length > 0 ? decoded.length : 1;
            if (decoded.length > 0 && !may_forge(decoded.code_point)) {
                out += bytes.substr(i, length);
            } else {
                escape(out, bytes.substr(i, length));
            }
            i += length;
            continue;
        }
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (byte >= 0x20 && byte < 0x7f) {
                out += c;
            } else {
                escape(out, bytes.substr(i, 1));
            }
        }
        ++i;
    }
    if (cut) {
        out += "...";
    }
    return out;
}

}  // namespace hello::protocol
