#include "http/wire/body_framing.hpp"

#include <fmt/format.h>

#include <charconv>

#include "http/wire/errors.hpp"
#include "http/wire/text.hpp"
#include "protocol/printable.hpp"

namespace hello::http {
namespace {

std::uint64_t parse_length(std::string_view text)
{
    // Only digits: from_chars alone would let "-1" through for a signed type
    // and stops quietly at "12abc".
    std::uint64_t length = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), length);
    if (text.empty() || text.front() == '-' || error != std::errc{} ||
        end != text.data() + text.size()) {
        throw MalformedResponse(fmt::format("bad Content-Length '{}'", protocol::printable(text)));
    }
    return length;
}

}  // namespace

std::optional<std::uint64_t> content_length(const std::vector<std::string_view>& values)
{
    std::optional<std::uint64_t> agreed;
    for (const auto value : values) {
        // A list ("5, 5") is what a proxy makes of two identical fields.
        for (std::size_t start = 0; start <= value.size();) {
            const auto comma = std::min(value.find(',', start), value.size());
            const auto length = parse_length(trim(value.substr(start, comma - start)));
            if (agreed && *agreed != length) {
                throw MalformedResponse(
                    fmt::format("Content-Length values disagree ({} and {})", *agreed, length));
            }
            agreed = length;
            start = comma + 1;
        }
    }
    return agreed;
}

BodyFraming body_framing(Method method, const ResponseHead& head)
{
    using Kind = BodyFraming::Kind;
    const int code = head.status.code;
    if (method == Method::head || (code >= 100 && code < 200) || code == 204 || code == 304) {
        return {Kind::none};
    }
    if (const auto coding = head.value("Transfer-Encoding")) {
        if (head.values("Transfer-Encoding").size() != 1 || !iequals(trim(*coding), "chunked")) {
            throw MalformedResponse(
                fmt::format("unsupported Transfer-Encoding '{}'", protocol::printable(*coding)));
        }
        return {Kind::chunked};  // wins over any Content-Length (RFC 9112 6.3)
    }
    if (const auto length = content_length(head.values("Content-Length"))) {
        return {Kind::length, *length};
    }
    return {Kind::until_close};
}

}  // namespace hello::http
