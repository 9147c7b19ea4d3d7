#pragma once
// How the body of a response ends (RFC 9112 section 6.3): it has none, it is
// Content-Length bytes long, it is chunked, or it runs until the server closes
// the connection. The tutorial only knew the last; the web uses all four.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "http/wire/request.hpp"
#include "http/wire/response_head.hpp"

namespace hello::http {

struct BodyFraming {
    enum class Kind { none, length, chunked, until_close } kind = Kind::until_close;
    std::uint64_t length = 0;  // for Kind::length

    bool operator==(const BodyFraming&) const = default;
};

// Throws MalformedResponse for a Content-Length that is not a number, is
// negative, overflows, or disagrees with another one; and for a
// Transfer-Encoding other than "chunked" (we never asked for one).
BodyFraming body_framing(Method method, const ResponseHead& head);

// The one length all the Content-Length values ("5", "5, 5") agree on, or
// nullopt when there are none. Throws MalformedResponse as above.
std::optional<std::uint64_t> content_length(const std::vector<std::string_view>& values);

}  // namespace hello::http
