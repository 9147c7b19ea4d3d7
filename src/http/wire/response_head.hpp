#pragma once
// The head of a response: its status line and header fields, each parsed
// from one line and checked against RFC 9112's grammar. Anything a server
// could use to smuggle control bytes onto our terminal is rejected.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hello::http {

struct StatusLine {
    int minor_version = 1;  // HTTP/1.0 or HTTP/1.1
    int code = 0;           // 100..599
    std::string reason;     // may be empty
};

struct HeaderField {
    std::string name;   // as sent; compare without regard to case
    std::string value;  // without surrounding whitespace
};

struct ResponseHead {
    StatusLine status;
    std::vector<HeaderField> fields;

    // Every value of the fields called `name` (case-insensitive), in order.
    std::vector<std::string_view> values(std::string_view name) const;
    // The first such value.
    std::optional<std::string_view> value(std::string_view name) const;
    // The head as text, one line per field, '\n'-terminated, for printing.
    std::string to_string() const;
};

// Each throws MalformedResponse, quoting the offending line (escaped).
StatusLine parse_status_line(std::string_view line);
HeaderField parse_header_field(std::string_view line);

}  // namespace hello::http
