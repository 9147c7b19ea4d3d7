#include <doctest/doctest.h>
#include <zlib.h>

#include <string>
#include <string_view>

#include "http/wire/content_decoder.hpp"
#include "http/wire/errors.hpp"

#ifdef HELLO_HAVE_ZSTD
#include <zstd.h>
#endif

using namespace hello::http;

namespace {

// window_bits as for deflateInit2: 15 + 16 gzip, 15 zlib, -15 raw deflate.
std::string deflated(std::string_view text, int window_bits)
{
    z_stream stream{};
    REQUIRE(deflateInit2(&stream, 9, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&stream, static_cast<uLong>(text.size())) + 32, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    stream.avail_in = static_cast<uInt>(text.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

// Fed in pieces of `step` bytes, as a socket might hand them over; checks
// that no output piece is larger than promised.
std::string decoded(std::string_view coding, std::string_view body, std::size_t step = 1000)
{
    ContentDecoder decoder(coding);
    std::string out;
    for (std::size_t at = 0; at < body.size(); at += step) {
        decoder.decode(body.substr(at, step), [&out](std::string_view piece) {
            CHECK(piece.size() <= decoded_piece_size);
            out += piece;
        });
    }
    decoder.finish();
    return out;
}

std::string sample()
{
    std::string text;
    for (int line = 0; line < 20'000; ++line) {
        text += "line " + std::to_string(line) + " of a text that compresses well\n";
    }
    return text;
}

}  // namespace

TEST_SUITE_BEGIN("http_content_decoder");

TEST_CASE("gzip, zlib-wrapped and raw deflate decode to the original, whatever the split")
{
    const auto text = sample();
    for (const std::size_t step : {1, 7, 1000, 1 << 20}) {
        CAPTURE(step);
        CHECK(decoded("gzip", deflated(text, 15 + 16), step) == text);
        CHECK(decoded("x-gzip", deflated(text, 15 + 16), step) == text);
        CHECK(decoded("deflate", deflated(text, 15), step) == text);
        CHECK(decoded(" Deflate ", deflated(text, -15), step) == text);
    }
    CHECK(decoded("identity", "as is") == "as is");
    CHECK(decoded("", "as is") == "as is");
}

TEST_CASE("a bomb comes out in bounded pieces")
{
    const std::string zeros(50 << 20, '\0');
    const auto bomb = deflated(zeros, 15 + 16);
    CHECK(bomb.size() < 100'000);
    std::size_t total = 0;
    std::size_t pieces = 0;
    ContentDecoder decoder("gzip");
    decoder.decode(bomb, [&](std::string_view piece) {
        CHECK(piece.size() <= decoded_piece_size);
        total += piece.size();
        ++pieces;
    });
    decoder.finish();
    CHECK(total == zeros.size());
    CHECK(pieces >= zeros.size() / decoded_piece_size);
}

TEST_CASE("corrupt, cut short, or followed by more: errors")
{
    const auto body = deflated(sample(), 15 + 16);
    std::string corrupt = body;
    corrupt[body.size() / 2] ^= 0x55;
    corrupt[body.size() / 2 + 1] ^= 0x55;
    CHECK_THROWS_AS(decoded("gzip", corrupt), MalformedResponse);
    CHECK_THROWS_AS(decoded("gzip", body.substr(0, body.size() - 10)), IncompleteResponse);
    CHECK_THROWS_AS(decoded("gzip", body + "more"), MalformedResponse);
    CHECK_THROWS_AS(decoded("gzip", "not gzip at all"), MalformedResponse);
    CHECK_THROWS_AS(decoded("gzip", ""), IncompleteResponse);
}

TEST_CASE("codings we did not ask for are refused")
{
    CHECK_THROWS_WITH_AS(ContentDecoder("compress"), doctest::Contains("unsupported"),
                         MalformedResponse);
    CHECK_THROWS_WITH_AS(ContentDecoder("gzip, gzip"), doctest::Contains("several"),
                         MalformedResponse);
    CHECK(accepted_encodings().starts_with("gzip, deflate"));
}

#ifdef HELLO_HAVE_BROTLI
TEST_CASE("br")
{
    // "hello, hello, hello, brotli world\n", made by libbrotlienc at quality 5.
    const std::string_view body("\x1b\x21\x00\x00\xc4\x6d\xec\x7b\x96\x7c\xef\xf2\x09\x82\x10\xf5"
                                "\x20\x8a\xcc\x22\x8d\x4c\x2c\x8f\xa7\x47\x54\xdf\xbe\x61\x23\x00",
                                32);
    CHECK(decoded("br", body, 1) == "hello, hello, hello, brotli world\n");
    CHECK(decoded("br", body) == "hello, hello, hello, brotli world\n");
    CHECK_THROWS_AS(decoded("br", body.substr(0, 20)), IncompleteResponse);
    CHECK_THROWS_AS(decoded("br", std::string(body) + "x"), MalformedResponse);
    CHECK(accepted_encodings().find("br") != std::string::npos);
}
#endif

#ifdef HELLO_HAVE_ZSTD
TEST_CASE("zstd")
{
    const auto text = sample();
    std::string body(ZSTD_compressBound(text.size()), '\0');
    body.resize(ZSTD_compress(body.data(), body.size(), text.data(), text.size(), 3));
    CHECK(decoded("zstd", body, 1) == text);
    CHECK(decoded("zstd", body) == text);
    CHECK_THROWS_AS(decoded("zstd", body.substr(0, body.size() - 5)), IncompleteResponse);
    CHECK_THROWS_AS(decoded("zstd", body + "junk"), MalformedResponse);
    CHECK(accepted_encodings().find("zstd") != std::string::npos);
}
#endif

TEST_SUITE_END();
