#pragma once
// --compressed: the body as the server encoded it (Content-Encoding: gzip,
// deflate, and br or zstd when built with their libraries) turned back into
// the resource's own bytes, as they arrive. Output goes to the sink in
// pieces of at most decoded_piece_size bytes, so memory stays bounded however
// well the body compresses; a decompression bomb is the sink's to stop
// (--max-filesize, the time limits).

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "http/wire/chunked_decoder.hpp"

namespace hello::http {

inline constexpr std::size_t decoded_piece_size = 64 * 1024;

// "gzip, deflate, br, zstd": what this build can decode, for Accept-Encoding.
std::string accepted_encodings();

class ContentDecoder {
public:
    // `coding`: the response's Content-Encoding ("" or "identity": none).
    // Throws MalformedResponse for a coding we did not ask for, or a chain
    // of several.
    explicit ContentDecoder(std::string_view coding);
    ~ContentDecoder();
    ContentDecoder(const ContentDecoder&) = delete;
    ContentDecoder& operator=(const ContentDecoder&) = delete;

    // Throws MalformedResponse when the bytes are not valid for the coding,
    // or go on after its end.
    void decode(std::string_view input, const BodySink& output);
    // The body ended: throws IncompleteResponse if the coded stream did not.
    void finish();

    // The implementation of one coding.
    struct Coding;

private:
    std::unique_ptr<Coding> coding_;
};

}  // namespace hello::http
