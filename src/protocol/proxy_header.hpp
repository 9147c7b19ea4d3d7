#pragma once
// The PROXY protocol header that a load balancer (HAProxy, nginx, cloud load
// balancers) sends before the client's first byte, so that the server learns
// who the client really is. Pure code: no sockets here.
//
// Both versions of HAProxy's specification (doc/proxy-protocol.txt) are read:
//
//   v1, one text line of at most 107 bytes:
//       "PROXY TCP4 203.0.113.7 192.0.2.1 51234 9999\r\n"
//       "PROXY UNKNOWN\r\n"
//   v2, binary: a 12-byte signature, version and command (LOCAL or PROXY),
//       address family and transport, a 16-bit length, the addresses, and
//       TLVs, which are skipped.
//
// Nothing that does not match the specification exactly is accepted: this
// header decides which address the logs blame.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace hello::protocol {

// The specification's v1 limit, "PROXY UNKNOWN" with two full IPv6 addresses.
inline constexpr std::size_t max_proxy_v1_size = 107;
// v2 may carry up to 64 KiB of TLVs; we accept 4 KiB, which is plenty for
// what load balancers send and keeps each waiting connection small.
inline constexpr std::size_t max_proxy_header_size = 4096;

struct ProxySource {
    std::string address;  // canonical text: "203.0.113.7", "2001:db8::7"
    std::uint16_t port = 0;
};

struct ProxyHeader {
    // The client's address, or nullopt when the header gives none that we can
    // use (v1 UNKNOWN, v2 LOCAL, UNSPEC, UNIX or UDP): the connection's own
    // peer is then the one to name.
    std::optional<ProxySource> source;
    // v2 LOCAL: the balancer connected on its own behalf (a health check).
    bool is_local = false;
    // Bytes the header took; the conversation starts right after them.
    std::size_t size = 0;
};

struct ProxyNeedMore {
    // The header is not complete yet: read at most this many more bytes
    // before asking again. That never passes the end of a v2 header, whose
    // length is known, nor the longest v1 line; a v1 line ends at a CRLF that
    // cannot be seen coming, so a few of the client's bytes may come with it.
    std::size_t max_read = 0;
};

struct ProxyInvalid {
    std::string reason;  // for a log line: "bad signature", "port out of range"
};

using ProxyParse = std::variant<ProxyNeedMore, ProxyHeader, ProxyInvalid>;

// Parses the first bytes a connection received, however many arrived so far:
// call it again with more bytes after ProxyNeedMore. Never reads past the
// header, and answers ProxyInvalid as soon as the bytes cannot become one.
ProxyParse parse_proxy_header(std::string_view received);

}  // namespace hello::protocol
