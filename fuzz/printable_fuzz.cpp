// libFuzzer target: printable() on arbitrary bytes. Besides not crashing
// (ASan, UBSan), it checks what a log line relies on: the result holds no
// control byte, is well-formed UTF-8 with no character that could forge or
// reorder a line, and undoing its escapes gives back exactly the input.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/printable.hpp"
#include "require.hpp"

using hello::fuzz::require;

namespace {

int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    require(c >= 'a' && c <= 'f');
    return c - 'a' + 10;
}

// The input again, from its printable form.
std::string unescaped(std::string_view shown)
{
    std::string bytes;
    for (std::size_t i = 0; i < shown.size(); ++i) {
        if (shown[i] != '\\') {
            bytes += shown[i];
            continue;
        }
        require(i + 1 < shown.size());
        const char kind = shown[++i];
        if (kind == 'x') {
            require(i + 2 < shown.size());
            bytes += static_cast<char>(hex_digit(shown[i + 1]) * 16 + hex_digit(shown[i + 2]));
            i += 2;
        } else {
            require(kind == '\\' || kind == 'n' || kind == 'r' || kind == 't');
            bytes += kind == 'n' ? '\n' : kind == 'r' ? '\r' : kind == 't' ? '\t' : '\\';
        }
    }
    return bytes;
}

// Well-formed UTF-8 with none of the characters a log line must not carry,
// checked the plain way: decode every sequence, then look at its code point.
void require_safe_text(std::string_view shown)
{
    for (std::size_t i = 0; i < shown.size();) {
        const auto lead = static_cast<unsigned char>(shown[i]);
        require(lead >= 0x20 && lead != 0x7f);
        const std::size_t length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
        require(lead < 0x80 || lead >= 0xc2);
        require(i + length <= shown.size());
        char32_t code_point = length == 1 ? lead : lead & (0x7f >> length);
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(shown[i + k]);
            require((next & 0xc0) == 0x80);
            code_point = (code_point << 6) | (next & 0x3f);
        }
        const char32_t shortest[] = {0, 0, 0x80, 0x800, 0x10000};
        require(code_point >= shortest[length] && code_point <= 0x10ffff);
        require(code_point < 0xd800 || code_point > 0xdfff);
        require(code_point < 0x80 || code_point > 0x9f);
        require(code_point != 0x61c && code_point != 0xfeff);
        require(code_point < 0x200b || code_point > 0x200f);
        require(code_point < 0x2028 || code_point > 0x202e);
        require(code_point < 0x2060 || code_point > 0x2069);
        i += length;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto shown = hello::protocol::printable(input, input.size());
    require_safe_text(shown);
    require(unescaped(shown) == input);
    return 0;
}
