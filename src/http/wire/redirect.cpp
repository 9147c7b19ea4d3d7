#include "http/wire/redirect.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "http/wire/errors.hpp"
#include "http/wire/text.hpp"
#include "protocol/printable.hpp"

namespace hello::http {
namespace {

bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_scheme_char(char c)
{
    return is_letter(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

// "https:...", "mailto:..." but not "/a:b" or "a/b:c".
bool has_scheme(std::string_view reference)
{
    const auto colon = reference.find(':');
    if (colon == 0 || colon == std::string_view::npos) {
        return false;
    }
    const auto name = reference.substr(0, colon);
    return is_letter(name.front()) && std::ranges::all_of(name, is_scheme_char);
}

// The path of `base` up to and including its last '/', then `relative`.
std::string merge(const Url& base, std::string_view relative)
{
    return base.path.substr(0, base.path.rfind('/') + 1) + std::string(relative);
}

}  // namespace

bool is_redirect(int status_code)
{
    return status_code == 301 || status_code == 302 || status_code == 303 || status_code == 307 ||
           status_code == 308;
}

Url resolve_location(const Url& base, std::string_view location)
{
    const auto trimmed = trim(location);
    if (trimmed.empty()) {
        throw InvalidUrl("the redirect has an empty Location");
    }
    const auto reference = trimmed.substr(0, trimmed.find('#'));  // "#s" alone means here
    if (has_scheme(reference)) {
        const auto scheme = reference.substr(0, reference.find(':'));
        if (!(iequals(scheme, "http") || iequals(scheme, "https")) ||
            !reference.substr(scheme.size()).starts_with("://")) {
            throw InvalidUrl(
                fmt::format("the redirect goes to '{}', which is not an http or https URL",
                            protocol::printable(reference, 200)));
        }
        return parse_url(reference);
    }
    if (reference.starts_with("//")) {
        return parse_url(fmt::format("{}:{}", scheme_name(base.scheme), reference));
    }

    const auto query_start = reference.find('?');
    const auto path = reference.substr(0, query_start);
    const auto query =
        query_start == std::string_view::npos ? std::string_view{} : reference.substr(query_start);
    std::string target;
    if (path.empty()) {
        target =
            base.path + std::string(query_start == std::string_view::npos ? base.query : query);
    } else {
        target =
            remove_dot_segments(path.starts_with('/') ? std::string(path) : merge(base, path)) +
            std::string(query);
    }
    // Parsed again, so that a relative Location is checked and encoded like any URL.
    return parse_url(fmt::format("{}://{}{}", scheme_name(base.scheme), base.authority(), target));
}

}  // namespace hello::http
