#include "http/wire/response_head.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "http/wire/errors.hpp"
#include "http/wire/text.hpp"
#include "protocol/printable.hpp"

namespace hello::http {
namespace {

bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

// RFC 9110 tchar: the characters of a field name.
bool is_token_char(char c)
{
    constexpr std::string_view specials = "!#$%&'*+-.^_`|~";
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           specials.find(c) != std::string_view::npos;
}

// Visible ASCII, space, tab, and obs-text (bytes >= 0x80); no other controls.
bool is_field_value_char(char c)
{
    const auto byte = static_cast<unsigned char>(c);
    return c == '\t' || (byte >= 0x20 && byte != 0x7f);
}

[[noreturn]] void reject(std::string_view what, std::string_view line)
{
    throw MalformedResponse(fmt::format("{}: '{}'", what, protocol::printable(line, 100)));
}

}  // namespace

StatusLine parse_status_line(std::string_view line)
{
    // "HTTP/1.1 200 OK": version, space, three digits, then a space and a reason (or nothing).
    constexpr std::string_view prefix = "HTTP/1.";
    const bool shaped = line.size() >= 12 && line.starts_with(prefix) && is_digit(line[7]) &&
                        line[8] == ' ' && is_digit(line[9]) && is_digit(line[10]) &&
                        is_digit(line[11]) && (line.size() == 12 || line[12] == ' ');
    if (!shaped) {
        reject("not an HTTP/1.x status line", line);
    }
    StatusLine status;
    status.minor_version = line[7] - '0';
    status.code = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    if (status.code < 100 || status.code > 599) {
        reject("status code out of range", line);
    }
    const auto reason = line.size() > 12 ? line.substr(13) : std::string_view{};
    if (!std::ranges::all_of(reason, is_field_value_char)) {
        reject("control characters in the status line", line);
    }
    status.reason = std::string(reason);
    return status;
}

HeaderField parse_header_field(std::string_view line)
{
    if (line.starts_with(' ') || line.starts_with('\t')) {
        reject("folded header lines are not accepted", line);
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
        reject("header line without ':'", line);
    }
    const auto name = line.substr(0, colon);
    if (name.empty() || !std::ranges::all_of(name, is_token_char)) {
        reject("bad header name", line);
    }
    const auto value = trim(line.substr(colon + 1));
    if (!std::ranges::all_of(value, is_field_value_char)) {
        reject("control characters in a header value", line);
    }
    return HeaderField{std::string(name), std::string(value)};
}

std::vector<std::string_view> ResponseHead::values(std::string_view name) const
{
    std::vector<std::string_view> found;
    for (const auto& field : fields) {
        if (iequals(field.name, name)) {
            found.emplace_back(field.value);
        }
    }
    return found;
}

std::optional<std::string_view> ResponseHead::value(std::string_view name) const
{
    for (const auto& field : fields) {
        if (iequals(field.name, name)) {
            return field.value;
        }
    }
    return std::nullopt;
}

std::string ResponseHead::to_string() const
{
    std::string text = fmt::format("HTTP/1.{} {:03}{}{}\n", status.minor_version, status.code,
                                   status.reason.empty() ? "" : " ", status.reason);
    for (const auto& field : fields) {
        fmt::format_to(std::back_inserter(text), "{}: {}\n", field.name, field.value);
    }
    return text;
}

}  // namespace hello::http
