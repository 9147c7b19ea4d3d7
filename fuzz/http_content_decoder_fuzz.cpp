// libFuzzer target: ContentDecoder on arbitrary bytes, for each coding this
// build knows. Besides not crashing (ASan, UBSan, in zlib's, brotli's and
// zstd's input handling as we drive it), it checks that the only errors are
// MalformedResponse and IncompleteResponse, and that no piece handed on is
// larger than decoded_piece_size.
//
// Input layout: byte 0 picks the coding and how the rest is split.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/wire/content_decoder.hpp"
#include "http/wire/errors.hpp"

using namespace hello::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1) {
        return 0;
    }
    static constexpr std::array codings{"gzip", "deflate", "br", "zstd"};
    const std::string_view coding = codings[data[0] % codings.size()];
    const std::size_t step = 1 + data[0] / codings.size();
    const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        ContentDecoder decoder(coding);
        for (std::size_t at = 0; at < body.size(); at += step) {
            decoder.decode(body.substr(at, step), [](std::string_view piece) {
                if (piece.size() > decoded_piece_size) {
                    std::abort();
                }
            });
        }
        decoder.finish();
    } catch (const MalformedResponse&) {
    } catch (const IncompleteResponse&) {
    }
    return 0;
}
