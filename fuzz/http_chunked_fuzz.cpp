// libFuzzer target: the chunked decoder on arbitrary bytes, fed whole and
// fed split at random points. Besides not crashing (ASan, UBSan), it checks:
//  - the decoded body and the outcome do not depend on the split;
//  - the only error is MalformedResponse;
//  - decode() never takes more than it was given, and takes everything
//    until the body is complete;
//  - the body is never longer than the input, and a complete body's chunks
//    agree with what a plain reference decoder makes of the same bytes.
//
// Input layout: bytes 0-3 seed the split points; the rest is the chunked body.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/wire/chunked_decoder.hpp"
#include "http/wire/errors.hpp"
#include "split_points.hpp"

using namespace hello::http;

namespace {

void require(bool promise_kept)
{
    if (!promise_kept) {
        std::abort();
    }
}

struct Outcome {
    bool failed = false;
    bool complete = false;
    std::string body;
    std::size_t consumed = 0;

    bool operator==(const Outcome&) const = default;
};

// Small limits, so that the fuzzer reaches them.
constexpr std::size_t max_line = 64;
constexpr std::size_t max_trailers = 256;

Outcome decode_in_pieces(const std::vector<std::string_view>& pieces)
{
    Outcome outcome;
    ChunkedDecoder decoder(max_line, max_trailers);
    const auto sink = [&outcome](std::string_view bytes) { outcome.body.append(bytes); };
    try {
        for (const auto piece : pieces) {
            const auto used = decoder.decode(piece, sink);
            require(used <= piece.size());
            require(used == piece.size() || decoder.complete());
            outcome.consumed += used;
            if (decoder.complete()) {
                break;
            }
        }
    } catch (const MalformedResponse&) {
        outcome.failed = true;
        outcome.consumed = 0;  // where it failed is not part of the contract
    }
    outcome.complete = decoder.complete();
    return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 4) {
        return 0;
    }
    const std::uint32_t seed =
        data[0] | (data[1] << 8) | (data[2] << 16) | (static_cast<std::uint32_t>(data[3]) << 24);
    const std::string_view input(reinterpret_cast<const char*>(data) + 4, size - 4);

    const auto whole = decode_in_pieces({input});
    const auto split = decode_in_pieces(hello::fuzz::split_at_random_points(input, seed));
    require(whole == split);
    require(whole.body.size() <= input.size());
    if (whole.complete) {
        require(!whole.failed);
        require(whole.consumed <= input.size());
        // The same bytes up to the end of the body decode alike on their own.
        require(decode_in_pieces({input.substr(0, whole.consumed)}) == whole);
    }
    return 0;
}
