#include "http/wire/content_range.hpp"

#include <fmt/format.h>

#include <charconv>

#include "http/wire/errors.hpp"
#include "http/wire/text.hpp"
#include "protocol/printable.hpp"

namespace hello::http {
namespace {

[[noreturn]] void reject(std::string_view value)
{
    throw MalformedResponse(fmt::format("bad Content-Range '{}'", protocol::printable(value, 100)));
}

std::uint64_t number(std::string_view whole, std::string_view digits)
{
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || digits.front() < '0' || digits.front() > '9' || error != std::errc{} ||
        end != digits.data() + digits.size()) {
        reject(whole);
    }
    return value;
}

}  // namespace

ContentRange parse_content_range(std::string_view value)
{
    const auto text = trim(value);
    if (text.size() < 6 || !iequals(text.substr(0, 6), "bytes ")) {
        reject(value);
    }
    const auto spec = trim(text.substr(6));
    const auto slash = spec.find('/');
    if (slash == std::string_view::npos) {
        reject(value);
    }
    const auto range = spec.substr(0, slash);
    const auto complete = spec.substr(slash + 1);
    ContentRange result;
    if (complete != "*") {
        result.complete_length = number(value, complete);
    }
    if (range == "*") {
        if (!result.complete_length) {
            reject(value);  // "bytes */*" says nothing
        }
        return result;
    }
    const auto dash = range.find('-');
    if (dash == std::string_view::npos) {
        reject(value);
    }
    result.first = number(value, range.substr(0, dash));
    result.last = number(value, range.substr(dash + 1));
    if (*result.last < *result.first ||
        (result.complete_length && *result.last >= *result.complete_length)) {
        reject(value);
    }
    return result;
}

std::optional<std::string> if_range_validator(const ResponseHead& head)
{
    if (const auto tag = head.value("ETag"); tag && tag->starts_with('"')) {
        return std::string(*tag);
    }
    if (const auto date = head.value("Last-Modified"); date && !date->empty()) {
        return std::string(*date);
    }
    return std::nullopt;
}

}  // namespace hello::http
