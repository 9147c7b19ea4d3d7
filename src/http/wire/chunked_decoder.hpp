#pragma once
// Transfer-Encoding: chunked, decoded as the bytes arrive (RFC 9112 7.1):
//   chunk-size [; extensions] CRLF, chunk-data CRLF, ..., 0 CRLF, trailers, CRLF.
// Only the chunk data reaches the caller; sizes and extensions are checked
// and dropped, trailers checked and kept (bounded) for -i and -D to show.
// Every line is bounded, and so is the trailer section.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "http/wire/line_buffer.hpp"

namespace hello::http {

// Receives body bytes, a view valid only during the call.
using BodySink = std::function<void(std::string_view)>;

class ChunkedDecoder {
public:
    ChunkedDecoder(std::size_t max_line, std::size_t max_trailer_section);

    // Consumes input up to the end of the body; returns how much it took.
    // Throws MalformedResponse on a bad chunk size, missing CRLF after data,
    // or a line or trailer section over its limit.
    std::size_t decode(std::string_view input, const BodySink& body);

    bool complete() const { return state_ == State::done; }
    // The trailer fields, "Name: value" lines ending in CRLF, as curl shows them.
    const std::string& trailers() const { return trailers_; }

private:
    enum class State { size_line, data, data_end, trailers, done };

    std::size_t take_size_line(std::string_view input);
    std::size_t take_data(std::string_view input, const BodySink& body);
    std::size_t take_data_end(std::string_view input);
    std::size_t take_trailer(std::string_view input);

    State state_ = State::size_line;
    LineBuffer line_;
    std::uint64_t chunk_left_ = 0;
    std::size_t max_trailer_section_;
    std::size_t trailer_bytes_ = 0;
    std::string trailers_;
};

// "1a", "1A; name=value", "0": the size; throws MalformedResponse otherwise.
std::uint64_t parse_chunk_size(std::string_view line);

}  // namespace hello::http
