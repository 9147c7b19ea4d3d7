#include "protocol/proxy_header.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <vector>

#include <fmt/format.h>

namespace hello::protocol {
namespace {

constexpr std::string_view v1_prefix = "PROXY ";
constexpr std::string_view v2_signature{"\r\n\r\n\0\r\nQUIT\n", 12};
constexpr std::size_t v2_fixed_size = 16;  // signature, version/command, family, length
constexpr std::string_view not_proxy = "not a PROXY protocol header";

// v2's 14th byte: address family (high nibble) and transport (low nibble).
constexpr std::uint8_t unspec = 0x00, tcp4 = 0x11, udp4 = 0x12, tcp6 = 0x21, udp6 = 0x22,
                       unix_stream = 0x31, unix_dgram = 0x32;

std::uint8_t byte_at(std::string_view bytes, std::size_t index)
{
    return static_cast<std::uint8_t>(bytes[index]);
}

// `received` starts like `expected` does, as far as both go.
bool starts_like(std::string_view received, std::string_view expected)
{
    const auto common = std::min(received.size(), expected.size());
    return received.substr(0, common) == expected.substr(0, common);
}

// A decimal number without heading zeroes (the specification forbids them,
// lest they be read as octal), at most `max`.
std::optional<unsigned> decimal(std::string_view text, unsigned max)
{
    if (text.empty() || (text.size() > 1 && text.front() == '0')) {
        return std::nullopt;
    }
    unsigned value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || value > max) {
        return std::nullopt;
    }
    return value;
}

// Dotted decimal, exactly four numbers, which is then also the canonical
// spelling. Written out because inet_pton's leniency varies between libcs.
std::optional<std::string> canonical_ipv4(std::string_view text)
{
    auto rest = text;
    for (int part = 0; part < 4; ++part) {
        const auto dot = rest.find('.');
        const bool last = part == 3;
        if (!decimal(rest.substr(0, dot), 255) || (dot == std::string_view::npos) != last) {
            return std::nullopt;
        }
        rest.remove_prefix(last ? rest.size() : dot + 1);
    }
    return std::string(text);
}

std::string ipv6_text(const unsigned char (&bytes)[16])
{
    std::array<char, INET6_ADDRSTRLEN> text{};
    inet_ntop(AF_INET6, bytes, text.data(), text.size());
    return text.data();
}

// RFC 4291 text, returned in its canonical (RFC 5952) spelling.
std::optional<std::string> canonical_ipv6(std::string_view text)
{
    if (text.size() >= INET6_ADDRSTRLEN || text.find('\0') != std::string_view::npos) {
        return std::nullopt;
    }
    const std::string terminated(text);
    unsigned char bytes[16];
    if (inet_pton(AF_INET6, terminated.c_str(), bytes) != 1) {
        return std::nullopt;
    }
    return ipv6_text(bytes);
}

std::vector<std::string_view> split_on_spaces(std::string_view line)
{
    std::vector<std::string_view> fields;
    for (;;) {
        const auto space = line.find(' ');
        fields.push_back(line.substr(0, space));
        if (space == std::string_view::npos) {
            return fields;
        }
        line.remove_prefix(space + 1);
    }
}

// "TCP4 SRC DST SRCPORT DSTPORT" or "UNKNOWN[ anything]", without "PROXY "
// and CRLF.
ProxyParse parse_v1_fields(std::string_view line, std::size_t size)
{
    const auto fields = split_on_spaces(line);
    if (fields[0] == "UNKNOWN") {
        return ProxyHeader{.source = std::nullopt, .is_local = false, .size = size};
    }
    if (fields[0] != "TCP4" && fields[0] != "TCP6") {
        return ProxyInvalid{"unknown v1 protocol (expected TCP4, TCP6 or UNKNOWN)"};
    }
    if (fields.size() != 5) {
        return ProxyInvalid{"v1 line does not have 4 fields after the protocol"};
    }
    const auto canonical = fields[0] == "TCP4" ? canonical_ipv4 : canonical_ipv6;
    auto source = canonical(fields[1]);
    if (!source || !canonical(fields[2])) {
        return ProxyInvalid{fmt::format("bad {} address in v1 line", fields[0])};
    }
    const auto source_port = decimal(fields[3], 65535);
    if (!source_port || !decimal(fields[4], 65535)) {
        return ProxyInvalid{"bad port in v1 line"};
    }
    return ProxyHeader{
        .source = ProxySource{std::move(*source), static_cast<std::uint16_t>(*source_port)},
        .is_local = false,
        .size = size,
    };
}

ProxyParse parse_v1(std::string_view received)
{
    if (!starts_like(received, v1_prefix)) {
        return ProxyInvalid{std::string(not_proxy)};
    }
    const auto window = received.substr(0, max_proxy_v1_size);
    const auto newline = window.find('\n');
    if (newline == std::string_view::npos) {
        if (window.size() == max_proxy_v1_size) {
            return ProxyInvalid{
                fmt::format("no CRLF in the first {} bytes of a v1 header", max_proxy_v1_size)};
        }
        return ProxyNeedMore{max_proxy_v1_size - received.size()};
    }
    if (newline < v1_prefix.size() || window[newline - 1] != '\r') {
        return ProxyInvalid{"v1 line does not end with CRLF"};
    }
    const auto line = window.substr(v1_prefix.size(), newline - 1 - v1_prefix.size());
    return parse_v1_fields(line, newline + 1);
}

std::size_t v2_address_size(std::uint8_t family)
{
    switch (family) {
    case tcp4:
    case udp4: return 12;
    case tcp6:
    case udp6: return 36;
    case unix_stream:
    case unix_dgram: return 216;
    default: return 0;
    }
}

bool known_v2_family(std::uint8_t family)
{
    return family == unspec || v2_address_size(family) > 0;
}

std::optional<ProxySource> v2_source(std::uint8_t family, std::string_view addresses)
{
    const auto port_at = [&](std::size_t offset) {
        return static_cast<std::uint16_t>(byte_at(addresses, offset) << 8 |
                                          byte_at(addresses, offset + 1));
    };
    if (family == tcp4) {
        return ProxySource{fmt::format("{}.{}.{}.{}", byte_at(addresses, 0), byte_at(addresses, 1),
                                       byte_at(addresses, 2), byte_at(addresses, 3)),
                           port_at(8)};
    }
    if (family == tcp6) {
        unsigned char bytes[16];
        std::copy_n(addresses.data(), 16, bytes);
        return ProxySource{ipv6_text(bytes), port_at(32)};
    }
    // UDP and UNIX sockets: no TCP client to name; the spec lets us fall
    // back to the connection's own addresses, as for UNSPEC.
    return std::nullopt;
}

ProxyParse parse_v2(std::string_view received)
{
    if (!starts_like(received, v2_signature)) {
        return ProxyInvalid{std::string(not_proxy)};
    }
    const bool is_local = received.size() > 12 && (byte_at(received, 12) & 0x0f) == 0x0;
    if (received.size() > 12) {
        const auto version = byte_at(received, 12) >> 4;
        const auto command = byte_at(received, 12) & 0x0f;
        if (version != 2) {
            return ProxyInvalid{fmt::format("unsupported v2 version {}", version)};
        }
        if (command > 1) {
            return ProxyInvalid{fmt::format("unknown v2 command {}", command)};
        }
    }
    // LOCAL ignores the family altogether, as the specification says.
    if (received.size() > 13 && !is_local && !known_v2_family(byte_at(received, 13))) {
        return ProxyInvalid{
            fmt::format("unknown v2 address family 0x{:02x}", byte_at(received, 13))};
    }
    if (received.size() < v2_fixed_size) {
        return ProxyNeedMore{v2_fixed_size - received.size()};
    }
    const auto family = byte_at(received, 13);
    const std::size_t length = byte_at(received, 14) << 8 | byte_at(received, 15);
    const auto size = v2_fixed_size + length;
    if (size > max_proxy_header_size) {
        return ProxyInvalid{
            fmt::format("v2 header of {} bytes, more than {}", size, max_proxy_header_size)};
    }
    if (!is_local && length < v2_address_size(family)) {
        return ProxyInvalid{fmt::format(
            "v2 address block of {} bytes, too short for family 0x{:02x}", length, family)};
    }
    if (received.size() < size) {
        return ProxyNeedMore{size - received.size()};
    }
    // Whatever follows the addresses up to `size` is TLVs, which we skip.
    return ProxyHeader{
        .source =
            is_local ? std::nullopt : v2_source(family, received.substr(v2_fixed_size, length)),
        .is_local = is_local,
        .size = size,
    };
}

}  // namespace

ProxyParse parse_proxy_header(std::string_view received)
{
    if (received.empty()) {
        return ProxyNeedMore{v2_fixed_size};  // within either version's header
    }
    if (received.front() == v1_prefix.front()) {
        return parse_v1(received);
    }
    if (received.front() == v2_signature.front()) {
        return parse_v2(received);
    }
    return ProxyInvalid{std::string(not_proxy)};
}

}  // namespace hello::protocol
