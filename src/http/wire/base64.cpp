#include "http/wire/base64.hpp"

#include <cstdint>

namespace hello::http {

std::string base64(std::string_view bytes)
{
    constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string encoded;
    encoded.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t at = 0; at < bytes.size(); at += 3) {
        const std::size_t left = bytes.size() - at;
        std::uint32_t group = static_cast<unsigned char>(bytes[at]) << 16;
        if (left > 1) {
            group |= static_cast<unsigned char>(bytes[at + 1]) << 8;
        }
        if (left > 2) {
            group |= static_cast<unsigned char>(bytes[at + 2]);
        }
        encoded += alphabet[(group >> 18) & 63];
        encoded += alphabet[(group >> 12) & 63];
        encoded += left > 1 ? alphabet[(group >> 6) & 63] : '=';
        encoded += left > 2 ? alphabet[group & 63] : '=';
    }
    return encoded;
}

}  // namespace hello::http
