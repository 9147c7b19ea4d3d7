#include "http/wire/chunked_decoder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "http/wire/errors.hpp"
#include "http/wire/response_head.hpp"
#include "http/wire/text.hpp"
#include "protocol/printable.hpp"

namespace hello::http {

std::uint64_t parse_chunk_size(std::string_view line)
{
    const auto digits = line.substr(0, line.find_first_not_of("0123456789abcdefABCDEF"));
    const auto rest = trim(line.substr(digits.size()));
    std::uint64_t size = 0;
    const auto [end, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), size, 16);
    // After the size only extensions may follow, and they start with ';'.
    if (digits.empty() || error != std::errc{} || !(rest.empty() || rest.starts_with(';'))) {
        throw BadChunkedEncoding(fmt::format("bad chunk size '{}'", protocol::printable(line)));
    }
    return size;
}

ChunkedDecoder::ChunkedDecoder(std::size_t max_line, std::size_t max_trailer_section)
    : line_("chunked-encoding line", max_line), max_trailer_section_(max_trailer_section)
{
}

std::size_t ChunkedDecoder::decode(std::string_view input, const BodySink& body)
{
    std::size_t used = 0;
    while (used < input.size() && state_ != State::done) {
        const auto rest = input.substr(used);
        switch (state_) {
        case State::size_line: used += take_size_line(rest); break;
        case State::data: used += take_data(rest, body); break;
        case State::data_end: used += take_data_end(rest); break;
        case State::trailers: used += take_trailer(rest); break;
        case State::done: break;
        }
    }
    return used;
}

std::size_t ChunkedDecoder::take_size_line(std::string_view input)
{
    const auto used = line_.take(input);
    if (line_.complete()) {
        chunk_left_ = parse_chunk_size(line_.line());
        line_.clear();
        state_ = chunk_left_ == 0 ? State::trailers : State::data;
    }
    return used;
}

std::size_t ChunkedDecoder::take_data(std::string_view input, const BodySink& body)
{
    const auto size = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_left_, input.size()));
    body(input.substr(0, size));
    chunk_left_ -= size;
    if (chunk_left_ == 0) {
        state_ = State::data_end;
    }
    return size;
}

std::size_t ChunkedDecoder::take_data_end(std::string_view input)
{
    const auto used = line_.take(input);
    if (line_.complete()) {
        if (!line_.line().empty()) {
            throw BadChunkedEncoding("chunk data is longer than its chunk size says");
        }
        line_.clear();
        state_ = State::size_line;
    }
    return used;
}

std::size_t ChunkedDecoder::take_trailer(std::string_view input)
{
    const auto used = line_.take(input);
    trailer_bytes_ += used;
    if (trailer_bytes_ > max_trailer_section_) {
        throw BadChunkedEncoding(
            fmt::format("the trailer section is longer than {} bytes", max_trailer_section_));
    }
    if (line_.complete()) {
        if (line_.line().empty()) {
            state_ = State::done;
        } else {
            const auto field = parse_header_field(line_.line());
            trailers_ += fmt::format("{}: {}\r\n", field.name, field.value);
        }
        line_.clear();
    }
    return used;
}

}  // namespace hello::http
