#pragma once
// Content-Range (RFC 9110 section 14.4), as a 206 or 416 response carries it
// when -C - asks for the rest of a file: "bytes FIRST-LAST/COMPLETE" (COMPLETE
// may be "*", unknown), or "bytes */COMPLETE" when the range asked for cannot
// be satisfied. A pure parser, fuzzed.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/wire/response_head.hpp"

namespace hello::http {

struct ContentRange {
    // Both nullopt for "bytes */COMPLETE".
    std::optional<std::uint64_t> first;
    std::optional<std::uint64_t> last;  // inclusive
    std::optional<std::uint64_t> complete_length;

    bool operator==(const ContentRange&) const = default;
};

// Throws MalformedResponse for anything else (other units, last < first,
// last >= complete length, numbers that overflow, stray characters).
ContentRange parse_content_range(std::string_view value);

// What -C - sends back as If-Range, so that a resource that changed since the
// partial file began is sent whole instead of spliced: the strong ETag, or
// else the Last-Modified date; nullopt when the response has neither (a weak
// ETag cannot be used in If-Range).
std::optional<std::string> if_range_validator(const ResponseHead& head);

}  // namespace hello::http
