// libFuzzer target: http_get's ResponseParser on arbitrary bytes, fed whole
// and fed split at random points. Besides not crashing (ASan, UBSan), it
// checks what get.cpp relies on:
//  - the outcome does not depend on how the bytes were split into reads
//    (same status, same body bytes, same completion, same kind of error);
//  - it throws nothing but MalformedResponse and IncompleteResponse;
//  - feed() never reports more consumed than it was given;
//  - the body never holds more bytes than the input.
//
// Input layout: byte 0 picks the method (even: GET, odd: HEAD) and, with
// bytes 1-3, seeds the split points; the rest is the server's bytes.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "http/wire/errors.hpp"
#include "http/wire/response_parser.hpp"
#include "split_points.hpp"

using namespace hello::http;

namespace {

void require(bool promise_kept)
{
    if (!promise_kept) {
        std::abort();
    }
}

enum class Failure { none, malformed, incomplete };

struct Outcome {
    Failure failure = Failure::none;
    bool head_complete = false;
    int status = 0;
    bool complete = false;
    std::string body;

    bool operator==(const Outcome&) const = default;
};

// Feeds one read's bytes, as get.cpp does: in the head, a read is used up
// unless the head completed in it; in the body, unless the response ended.
std::string_view feed_read(ResponseParser& parser, std::string_view bytes, const BodySink& sink)
{
    const bool in_head = !parser.head_complete();
    const auto used = parser.feed(bytes, sink);
    require(used <= bytes.size());
    require(used == bytes.size() || (in_head ? parser.head_complete() : parser.complete()));
    return bytes.substr(used);
}

// get.cpp's read_head() and read_body() over these reads, then the end of the stream.
Outcome parse_in_pieces(Method method, const std::vector<std::string_view>& pieces)
{
    Outcome outcome;
    ResponseParser parser(method);
    const auto sink = [&outcome](std::string_view bytes) { outcome.body.append(bytes); };
    const auto no_body_yet = [](std::string_view bytes) { require(bytes.empty()); };
    try {
        std::size_t next = 0;
        std::string_view body_start;
        while (next < pieces.size() && !parser.head_complete()) {
            body_start = feed_read(parser, pieces[next++], no_body_yet);
        }
        if (parser.head_complete()) {
            feed_read(parser, body_start, sink);
            while (next < pieces.size() && !parser.complete()) {
                feed_read(parser, pieces[next++], sink);
            }
        }
        if (!parser.complete()) {
            parser.close();
        }
    } catch (const MalformedResponse&) {
        outcome.failure = Failure::malformed;
    } catch (const IncompleteResponse&) {
        outcome.failure = Failure::incomplete;
    }
    outcome.head_complete = parser.head_complete();
    outcome.status = parser.head_complete() ? parser.head().status.code : 0;
    outcome.complete = parser.complete();
    return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 4) {
        return 0;
    }
    const auto method = (data[0] & 1) ? Method::head : Method::get;
    const std::uint32_t seed =
        data[0] | (data[1] << 8) | (data[2] << 16) | (static_cast<std::uint32_t>(data[3]) << 24);
    const std::string_view input(reinterpret_cast<const char*>(data) + 4, size - 4);

    const auto whole = parse_in_pieces(method, {input});
    const auto split = parse_in_pieces(method, hello::fuzz::split_at_random_points(input, seed));
    require(whole == split);
    require(whole.body.size() <= input.size());
    if (whole.failure == Failure::none) {
        require(whole.complete && whole.head_complete);
        require(whole.status >= 200 && whole.status <= 599);
    }
    if (method == Method::head) {
        require(whole.body.empty());
    }
    return 0;
}
