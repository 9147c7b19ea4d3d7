#include <doctest/doctest.h>

#include <string>

#include "http/wire/chunked_decoder.hpp"
#include "http/wire/errors.hpp"

using namespace hello::http;

namespace {

std::string decode(std::string_view bytes)
{
    ChunkedDecoder decoder(8192, 65536);
    std::string body;
    const auto used =
        decoder.decode(bytes, [&body](std::string_view piece) { body.append(piece); });
    CHECK(used == bytes.size());
    CHECK(decoder.complete());
    return body;
}

}  // namespace

TEST_SUITE_BEGIN("http_chunked");

TEST_CASE("chunk sizes: hex, any case, with extensions")
{
    CHECK(parse_chunk_size("0") == 0);
    CHECK(parse_chunk_size("ff") == 255);
    CHECK(parse_chunk_size("FF") == 255);
    CHECK(parse_chunk_size("000010") == 16);
    CHECK(parse_chunk_size("10;ext=1") == 16);
    CHECK(parse_chunk_size("10 ; ext=\"quoted\"") == 16);
    CHECK(parse_chunk_size("ffffffffffffffff") == 0xffffffffffffffffULL);
}

TEST_CASE("bad chunk sizes")
{
    for (const auto* line : {"", "g", "-1", "0x10", " 10", "10 junk", "1 2", "+5",
                             "10000000000000000", "ffffffffffffffffff"}) {
        CAPTURE(line);
        CHECK_THROWS_AS(parse_chunk_size(line), MalformedResponse);
    }
}

TEST_CASE("chunks, trailers and the last chunk")
{
    CHECK(decode("0\r\n\r\n").empty());
    CHECK(decode("3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n") == "abcdef");
    CHECK(decode("3\r\nabc\r\n0\r\nExpires: never\r\nX-Sum: 1\r\n\r\n") == "abc");
    CHECK(decode("3;a=b\nabc\n0\n\n") == "abc");
}

TEST_CASE("chunk data longer than its size, or without its CRLF")
{
    ChunkedDecoder decoder(8192, 65536);
    const auto ignore = [](std::string_view) {};
    CHECK_THROWS_WITH_AS(decoder.decode("3\r\nabcd\r\n0\r\n\r\n", ignore),
                         "chunk data is longer than its chunk size says", MalformedResponse);
}

TEST_CASE("an endless chunk size line, and an endless trailer section, are bounded")
{
    const auto ignore = [](std::string_view) {};
    ChunkedDecoder endless_size(100, 1000);
    CHECK_THROWS_AS(endless_size.decode(std::string(200, '1'), ignore), MalformedResponse);

    ChunkedDecoder endless_trailers(100, 1000);
    std::string trailers = "0\r\n";
    for (int i = 0; i < 100; ++i) {
        trailers += "X: 123456789\r\n";
    }
    CHECK_THROWS_WITH_AS(endless_trailers.decode(trailers, ignore),
                         "the trailer section is longer than 1000 bytes", MalformedResponse);
}

TEST_CASE("a bad trailer field is rejected like a bad header field")
{
    ChunkedDecoder decoder(8192, 65536);
    const auto ignore = [](std::string_view) {};
    CHECK_THROWS_AS(decoder.decode("0\r\nno colon\r\n\r\n", ignore), MalformedResponse);
}

TEST_SUITE_END();

TEST_CASE("trailer fields are kept for -i and -D, as curl shows them")
{
    ChunkedDecoder decoder(8192, 65536);
    const std::string bytes = "5\r\nhello\r\n0\r\nX-Sum:  abc \r\nX-Two: 2\r\n\r\n";
    decoder.decode(bytes, [](std::string_view) {});
    CHECK(decoder.complete());
    CHECK(decoder.trailers() == "X-Sum: abc\r\nX-Two: 2\r\n");
    ChunkedDecoder without(8192, 65536);
    without.decode("0\r\n\r\n", [](std::string_view) {});
    CHECK(without.trailers().empty());
}
