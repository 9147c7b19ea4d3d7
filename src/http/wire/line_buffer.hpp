#pragma once
// One line of a response (a status line, a header field, a chunk size),
// gathered across reads and bounded: a server that never sends '\n' gets an
// error after `max_length` bytes, not all of our memory.

#include <cstddef>
#include <string>
#include <string_view>

namespace hello::http {

class LineBuffer {
public:
    // `what` names the line in errors: "header line", "chunk size line".
    LineBuffer(std::string_view what, std::size_t max_length);

    // Takes bytes up to and including the first '\n'; returns how many it took.
    // Throws MalformedResponse when the line grows past the limit, or holds a
    // CR that is not the one before its LF.
    std::size_t take(std::string_view input);

    bool complete() const { return complete_; }
    // The complete line, without its CRLF (a bare LF is accepted, as RFC 9112 allows).
    std::string_view line() const { return line_; }
    // Ready for the next line.
    void clear();

private:
    std::string_view what_;
    std::size_t max_length_;
    std::string line_;
    bool complete_ = false;
};

}  // namespace hello::http
