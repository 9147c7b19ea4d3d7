#include "protocol/proxy_header.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

TEST_SUITE_BEGIN("proxy_header");

using namespace hello::protocol;
using namespace std::string_literals;
using namespace std::string_view_literals;

namespace {

const std::string v2_signature = "\r\n\r\n\0\r\nQUIT\n"s;

// A v2 header: signature, version 2 + `command`, `family`, then `block` (the
// addresses and any TLVs), with its length.
std::string v2(std::uint8_t command, std::uint8_t family, const std::string& block)
{
    std::string header = v2_signature;
    header += static_cast<char>(0x20 | command);
    header += static_cast<char>(family);
    header += static_cast<char>(block.size() >> 8);
    header += static_cast<char>(block.size() & 0xff);
    return header + block;
}

constexpr std::uint8_t local = 0x0, proxy = 0x1;

std::string bytes(std::initializer_list<int> values)
{
    std::string out;
    for (int value : values) {
        out += static_cast<char>(value);
    }
    return out;
}

// 203.0.113.7:51234 -> 192.0.2.1:9999
const std::string tcp4_block = bytes({203, 0, 113, 7, 192, 0, 2, 1, 0xc8, 0x22, 0x27, 0x0f});

// 2001:db8::7:51234 -> ::1:9999
std::string tcp6_block()
{
    std::string block = bytes({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7});
    block += std::string(15, '\0') + '\x01';
    return block + bytes({0xc8, 0x22, 0x27, 0x0f});
}

ProxyHeader parsed(std::string_view received)
{
    const auto result = parse_proxy_header(received);
    if (const auto* invalid = std::get_if<ProxyInvalid>(&result)) {
        FAIL("invalid: ", invalid->reason);
    }
    REQUIRE(std::holds_alternative<ProxyHeader>(result));
    return std::get<ProxyHeader>(result);
}

std::string invalid_reason(std::string_view received)
{
    const auto result = parse_proxy_header(received);
    REQUIRE(std::holds_alternative<ProxyInvalid>(result));
    return std::get<ProxyInvalid>(result).reason;
}

void check_source(const ProxyHeader& header, std::string_view address, std::uint16_t port)
{
    REQUIRE(header.source.has_value());
    CHECK(header.source->address == address);
    CHECK(header.source->port == port);
    CHECK_FALSE(header.is_local);
}

// Every proper prefix of `header` asks for more, within the header's bounds;
// the whole of it parses, whatever follows it.
void check_every_split(const std::string& header, std::size_t max_size)
{
    for (std::size_t size = 0; size < header.size(); ++size) {
        CAPTURE(size);
        const auto result = parse_proxy_header(std::string_view(header).substr(0, size));
        REQUIRE(std::holds_alternative<ProxyNeedMore>(result));
        const auto max_read = std::get<ProxyNeedMore>(result).max_read;
        CHECK(max_read >= 1);
        CHECK(size + max_read <= max_size);
    }
    CHECK(parsed(header).size == header.size());
    CHECK(parsed(header + "Michael").size == header.size());
}

// Reads `stream` as the server does, asking for no more than the parser
// allows, at most `chunk` bytes at a time; returns the header and what came
// with it.
std::pair<ProxyHeader, std::string> read_like_the_server(std::string_view stream, std::size_t chunk)
{
    std::string received;
    for (;;) {
        const auto result = parse_proxy_header(received);
        if (const auto* header = std::get_if<ProxyHeader>(&result)) {
            return {*header, received.substr(header->size)};
        }
        REQUIRE(std::holds_alternative<ProxyNeedMore>(result));
        const auto want = std::min(std::get<ProxyNeedMore>(result).max_read, chunk);
        REQUIRE(received.size() < stream.size());
        received += stream.substr(received.size(), want);
    }
}

}  // namespace

TEST_CASE("v1 TCP4 names the client")
{
    const auto header = parsed("PROXY TCP4 203.0.113.7 192.0.2.1 51234 9999\r\n");
    check_source(header, "203.0.113.7", 51234);
    CHECK(header.size == 45);
}

TEST_CASE("v1 TCP6 names the client in canonical form")
{
    check_source(parsed("PROXY TCP6 2001:db8::7 ::1 51234 9999\r\n"), "2001:db8::7", 51234);
    check_source(parsed("PROXY TCP6 2001:0DB8:0:0::7 ::1 1 2\r\n"), "2001:db8::7", 1);
    check_source(parsed("PROXY TCP6 ::ffff:127.0.0.1 ::1 65535 0\r\n"), "::ffff:127.0.0.1", 65535);
}

TEST_CASE("v1 UNKNOWN names no client, with or without addresses")
{
    for (const auto* line : {"PROXY UNKNOWN\r\n", "PROXY UNKNOWN ffff::1 ffff::2 65535 65535\r\n",
                             "PROXY UNKNOWN anything at all\r\n"}) {
        CAPTURE(line);
        const auto header = parsed(line);
        CHECK_FALSE(header.source.has_value());
        CHECK_FALSE(header.is_local);
        CHECK(header.size == std::string_view(line).size());
    }
}

TEST_CASE("the longest v1 line, 107 bytes, is accepted")
{
    const std::string address = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
    const auto line = "PROXY UNKNOWN " + address + " " + address + " 65535 65535\r\n";
    REQUIRE(line.size() == max_proxy_v1_size);
    CHECK(parsed(line).size == 107);
    const auto tcp6 = "PROXY TCP6 " + address + " " + address + " 65535 65535\r\n";
    check_source(parsed(tcp6), address, 65535);
}

TEST_CASE("v1 without CRLF in 107 bytes is too long")
{
    const std::string line = "PROXY UNKNOWN " + std::string(93, 'x');
    REQUIRE(line.size() == 107);
    CHECK(invalid_reason(line).find("no CRLF") != std::string::npos);
    CHECK(std::holds_alternative<ProxyNeedMore>(parse_proxy_header(line.substr(0, 106))));
    CHECK(std::holds_alternative<ProxyInvalid>(parse_proxy_header(line + "\r\n")));
}

TEST_CASE("v1 lines that do not match the specification exactly are invalid")
{
    for (const auto* line : {
             "PROXY TCP4 203.0.113.7 192.0.2.1 51234 9999\n",                // LF alone
             "PROXY TCP4 203.0.113.7 192.0.2.1 51234 9999\r\r\n",            // stray CR
             "PROXY TCP4 203.0.113.7 192.0.2.1 51234\r\n",                   // a field short
             "PROXY TCP4 203.0.113.7 192.0.2.1 51234 9999 1\r\n",            // a field too many
             "PROXY TCP4  203.0.113.7 192.0.2.1 51234 9999\r\n",             // two spaces
             "PROXY TCP4 203.0.113.7 192.0.2.1 51234 9999 \r\n",             // trailing space
             "PROXY tcp4 203.0.113.7 192.0.2.1 51234 9999\r\n",              // lower case
             "PROXY UDP4 203.0.113.7 192.0.2.1 51234 9999\r\n",              // not TCP
             "PROXY TCP4 203.0.113.256 192.0.2.1 51234 9999\r\n",            // octet > 255
             "PROXY TCP4 203.0.113 192.0.2.1 51234 9999\r\n",                // three octets
             "PROXY TCP4 203.0.113.7.1 192.0.2.1 51234 9999\r\n",            // five octets
             "PROXY TCP4 203.0.113.07 192.0.2.1 51234 9999\r\n",             // heading zero
             "PROXY TCP4 203.0.113.7 192.0.2. 51234 9999\r\n",               // empty octet
             "PROXY TCP4 2001:db8::7 ::1 51234 9999\r\n",                    // IPv6 for TCP4
             "PROXY TCP6 203.0.113.7 192.0.2.1 51234 9999\r\n",              // IPv4 for TCP6
             "PROXY TCP6 2001:db8:::7 ::1 51234 9999\r\n",                   // bad IPv6
             "PROXY TCP4 203.0.113.7 192.0.2.1 65536 9999\r\n",              // port > 65535
             "PROXY TCP4 203.0.113.7 192.0.2.1 051234 9999\r\n",             // heading zero
             "PROXY TCP4 203.0.113.7 192.0.2.1 -1 9999\r\n",                 // negative
             "PROXY TCP4 203.0.113.7 192.0.2.1 +1 9999\r\n",                 // sign
             "PROXY TCP4 203.0.113.7 192.0.2.1 51234 99x\r\n",               // not a number
             "PROXY TCP4 203.0.113.7 192.0.2.1 99999999999999999999 1\r\n",  // overflow
             "PROXY\r\n",                                                    // no protocol
             "PROXY \r\n",                                                   // empty protocol
             "PROXYTCP4 203.0.113.7 192.0.2.1 51234 9999\r\n",               // no space
             "PROXX TCP4 203.0.113.7 192.0.2.1 51234 9999\r\n",              // not PROXY
         }) {
        CAPTURE(line);
        CHECK(std::holds_alternative<ProxyInvalid>(parse_proxy_header(line)));
    }
}

TEST_CASE("a NUL inside a v1 address is invalid")
{
    CHECK(std::holds_alternative<ProxyInvalid>(
        parse_proxy_header("PROXY TCP6 ::1\0:2 ::1 1 2\r\n"sv)));
}

TEST_CASE("v2 PROXY over TCP4 names the client")
{
    const auto header = parsed(v2(proxy, 0x11, tcp4_block));
    check_source(header, "203.0.113.7", 51234);
    CHECK(header.size == 28);
}

TEST_CASE("v2 PROXY over TCP6 names the client")
{
    const auto header = parsed(v2(proxy, 0x21, tcp6_block()));
    check_source(header, "2001:db8::7", 51234);
    CHECK(header.size == 52);
}

TEST_CASE("v2 TLVs after the addresses are skipped")
{
    const auto tlvs =
        bytes({0x05, 0x00, 0x03, 'a', 'b', 'c', 0x04, 0x00, 0x00});  // UNIQUE_ID, NOOP
    const auto header = parsed(v2(proxy, 0x11, tcp4_block + tlvs) + "Michael");
    check_source(header, "203.0.113.7", 51234);
    CHECK(header.size == 16 + 12 + tlvs.size());
}

TEST_CASE("v2 LOCAL names no client and ignores the address block and family")
{
    for (const auto& header_bytes :
         {v2(local, 0x00, ""), v2(local, 0x11, tcp4_block), v2(local, 0xff, "xyz")}) {
        const auto header = parsed(header_bytes);
        CHECK(header.is_local);
        CHECK_FALSE(header.source.has_value());
        CHECK(header.size == header_bytes.size());
    }
}

TEST_CASE("v2 families without a TCP client fall back to the connection's own peer")
{
    for (const auto& header_bytes :
         {v2(proxy, 0x00, ""), v2(proxy, 0x12, tcp4_block), v2(proxy, 0x22, tcp6_block()),
          v2(proxy, 0x31, std::string(216, 'u')), v2(proxy, 0x32, std::string(216, 'u'))}) {
        const auto header = parsed(header_bytes);
        CHECK_FALSE(header.is_local);
        CHECK_FALSE(header.source.has_value());
    }
}

TEST_CASE("v2 headers that do not match the specification are invalid")
{
    std::string wrong_version = v2(proxy, 0x11, tcp4_block);
    wrong_version[12] = 0x11;
    CHECK(invalid_reason(wrong_version).find("version") != std::string::npos);

    CHECK(invalid_reason(v2(0x2, 0x11, tcp4_block)).find("command") != std::string::npos);
    CHECK(invalid_reason(v2(0xf, 0x11, tcp4_block)).find("command") != std::string::npos);
    CHECK(invalid_reason(v2(proxy, 0x13, tcp4_block)).find("family") != std::string::npos);
    CHECK(invalid_reason(v2(proxy, 0x41, tcp4_block)).find("family") != std::string::npos);
    CHECK(invalid_reason(v2(proxy, 0x11, tcp4_block.substr(0, 11))).find("short") !=
          std::string::npos);
    CHECK(invalid_reason(v2(proxy, 0x21, tcp4_block)).find("short") != std::string::npos);
    CHECK(invalid_reason(v2(proxy, 0x31, std::string(215, 'u'))).find("short") !=
          std::string::npos);
}

TEST_CASE("a v2 header is rejected as soon as a byte gives it away")
{
    std::string bad_signature = v2_signature.substr(0, 5) + "x";
    CHECK(std::holds_alternative<ProxyInvalid>(parse_proxy_header(bad_signature)));
    CHECK(std::holds_alternative<ProxyInvalid>(parse_proxy_header(v2_signature + "\x31")));
    CHECK(std::holds_alternative<ProxyInvalid>(parse_proxy_header(v2_signature + "\x21\x77")));
}

TEST_CASE("v2 headers longer than the limit are refused from their length alone")
{
    const std::size_t too_long = max_proxy_header_size - 16 + 1;
    std::string header = v2_signature + "\x21\x11"s;
    header += static_cast<char>(too_long >> 8);
    header += static_cast<char>(too_long & 0xff);
    CHECK(invalid_reason(header).find("more than") != std::string::npos);

    const auto longest =
        v2(proxy, 0x11, tcp4_block + std::string(max_proxy_header_size - 28, '\0'));
    CHECK(parsed(longest).size == max_proxy_header_size);
}

TEST_CASE("anything else is not a PROXY header, from its first byte")
{
    for (const auto first :
         {"M"sv, "GET / HTTP/1.1\r\n"sv, "\n"sv, "\0"sv, "p"sv, "\x16\x03\x01"sv}) {
        CAPTURE(first);
        CHECK(std::holds_alternative<ProxyInvalid>(parse_proxy_header(first)));
    }
}

TEST_CASE("nothing yet: ask for no more than the shortest header")
{
    const auto result = parse_proxy_header("");
    REQUIRE(std::holds_alternative<ProxyNeedMore>(result));
    CHECK(std::get<ProxyNeedMore>(result).max_read == 16);
}

TEST_CASE("split at every byte boundary, every header still parses")
{
    SUBCASE("v1 TCP4")
    {
        check_every_split("PROXY TCP4 203.0.113.7 192.0.2.1 51234 9999\r\n", 107);
    }
    SUBCASE("v1 TCP6")
    {
        check_every_split("PROXY TCP6 2001:db8::7 ::1 51234 9999\r\n", 107);
    }
    SUBCASE("v1 UNKNOWN")
    {
        check_every_split("PROXY UNKNOWN\r\n", 107);
    }
    // For v2 the reads never go past the header: the client's bytes stay unread.
    SUBCASE("v2 TCP4")
    {
        check_every_split(v2(proxy, 0x11, tcp4_block), 28);
    }
    SUBCASE("v2 TCP6")
    {
        check_every_split(v2(proxy, 0x21, tcp6_block()), 52);
    }
    SUBCASE("v2 LOCAL")
    {
        check_every_split(v2(local, 0x00, ""), 16);
    }
}

TEST_CASE("a header followed by the conversation leaves the conversation intact")
{
    const std::string conversation = "Michael\nexit\n";
    for (const auto& header_bytes :
         {"PROXY TCP4 203.0.113.7 192.0.2.1 51234 9999\r\n"s, "PROXY UNKNOWN\r\n"s,
          v2(proxy, 0x11, tcp4_block), v2(proxy, 0x21, tcp6_block()), v2(local, 0x00, "")}) {
        for (std::size_t chunk = 1; chunk <= header_bytes.size() + conversation.size(); ++chunk) {
            CAPTURE(chunk);
            const auto stream = header_bytes + conversation;
            auto [header, early] = read_like_the_server(stream, chunk);
            CHECK(header.size == header_bytes.size());
            CHECK(header_bytes.size() + early.size() <= stream.size());
            CHECK(stream.substr(header.size, early.size()) == early);
            CHECK(early + stream.substr(header.size + early.size()) == conversation);
        }
    }
}

TEST_CASE("a truncated header is never taken for a whole one")
{
    for (const auto& header_bytes : {"PROXY TCP4 203.0.113.7 192.0.2.1 51234 9999\r\n"s,
                                     v2(proxy, 0x11, tcp4_block), v2(proxy, 0x21, tcp6_block())}) {
        for (std::size_t size = 0; size < header_bytes.size(); ++size) {
            CHECK_FALSE(std::holds_alternative<ProxyHeader>(
                parse_proxy_header(header_bytes.substr(0, size))));
        }
    }
    // A v1 line cut before its CRLF: "...51234 99" is not port 99.
    CHECK(std::holds_alternative<ProxyNeedMore>(
        parse_proxy_header("PROXY TCP4 203.0.113.7 192.0.2.1 51234 99")));
}

TEST_SUITE_END();
