#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "http/wire/errors.hpp"
#include "http/wire/response_parser.hpp"

using namespace hello::http;

namespace {

struct Parsed {
    ResponseHead head;
    BodyFraming framing;
    std::string body;
    bool complete = false;
};

// Feeds `bytes` in pieces of `step` bytes (1 exercises every boundary), as a
// socket would, then reports the close if `closed`.
Parsed parse(std::string_view bytes, std::size_t step = 4096, bool closed = true,
             Method method = Method::get, ParserLimits limits = {})
{
    ResponseParser parser(method, limits);
    Parsed parsed;
    const auto collect = [&parsed](std::string_view piece) { parsed.body.append(piece); };
    for (std::size_t at = 0; at < bytes.size() && !parser.complete(); at += step) {
        auto piece = bytes.substr(at, step);
        while (!piece.empty() && !parser.complete()) {
            piece.remove_prefix(parser.feed(piece, collect));
        }
    }
    if (closed) {
        parser.close();
    }
    parsed.head = parser.head();
    parsed.framing = parser.framing();
    parsed.complete = parser.complete();
    return parsed;
}

const std::string_view content_length_response = "HTTP/1.1 200 OK\r\n"
                                                 "Content-Type: text/plain\r\n"
                                                 "Content-Length: 11\r\n"
                                                 "\r\n"
                                                 "hello world";

}  // namespace

TEST_SUITE_BEGIN("http_response_parser");

TEST_CASE("a Content-Length response, whole or a byte at a time")
{
    for (const std::size_t step : {std::size_t{1}, std::size_t{3}, std::size_t{4096}}) {
        const auto parsed = parse(content_length_response, step, false);
        CHECK(parsed.complete);
        CHECK(parsed.head.status.code == 200);
        CHECK(parsed.head.status.reason == "OK");
        CHECK(parsed.head.value("content-type") == "text/plain");
        CHECK(parsed.framing == BodyFraming{BodyFraming::Kind::length, 11});
        CHECK(parsed.body == "hello world");
    }
}

TEST_CASE("feed pauses when the head is complete, before any body byte")
{
    ResponseParser parser(Method::get);
    std::string body;
    const auto collect = [&body](std::string_view piece) { body.append(piece); };
    const auto used = parser.feed(content_length_response, collect);
    CHECK(parser.head_complete());
    CHECK(body.empty());
    CHECK(content_length_response.substr(used) == "hello world");
    CHECK(parser.feed(content_length_response.substr(used), collect) == 11);
    CHECK(parser.complete());
    CHECK(body == "hello world");
}

TEST_CASE("bytes after a complete response are left alone")
{
    ResponseParser parser(Method::get);
    std::string body;
    const auto collect = [&body](std::string_view piece) { body.append(piece); };
    const std::string bytes = std::string(content_length_response) + "EXTRA";
    std::string_view rest = bytes;
    rest.remove_prefix(parser.feed(rest, collect));
    rest.remove_prefix(parser.feed(rest, collect));
    CHECK(parser.complete());
    CHECK(rest == "EXTRA");
    CHECK(body == "hello world");
}

TEST_CASE("a body that ends before its Content-Length is an error, not a short file")
{
    CHECK_THROWS_WITH_AS(parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf"),
                         "the body ended after 4 of 10 bytes", IncompleteResponse);
}

TEST_CASE("interim heads are handed over as they end, before the real one")
{
    ResponseParser parser(Method::get);
    std::vector<int> interim;
    parser.on_interim(
        [&interim](const ResponseHead& head) { interim.push_back(head.status.code); });
    const std::string_view bytes =
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\n"
        "Link: </s.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    parser.feed(bytes, [](std::string_view) {});
    CHECK(parser.complete());
    CHECK(interim == std::vector<int>{100, 103});
    CHECK(parser.head().status.code == 200);
}

TEST_CASE("a closed connection before or during the head")
{
    CHECK_THROWS_WITH_AS(parse(""), "the server closed the connection without a response",
                         EmptyReply);
    CHECK_THROWS_AS(parse("HTTP/1.1 200 OK\r\nContent-Le"), IncompleteResponse);
    CHECK_THROWS_AS(parse("HTTP/1.1 200 OK\r\n"), IncompleteResponse);
}

TEST_CASE("a body read until the server closes, as the tutorial reads everything")
{
    const auto parsed = parse("HTTP/1.0 200 OK\r\nServer: old\r\n\r\nline 1\nline 2\n", 5);
    CHECK(parsed.framing.kind == BodyFraming::Kind::until_close);
    CHECK(parsed.head.status.minor_version == 0);
    CHECK(parsed.body == "line 1\nline 2\n");
    CHECK(parsed.complete);
}

TEST_CASE("bare LF line endings are accepted (RFC 9112 allows it)")
{
    const auto parsed = parse("HTTP/1.1 200 OK\nContent-Length: 2\n\nok", 1, false);
    CHECK(parsed.complete);
    CHECK(parsed.body == "ok");
}

TEST_CASE("a CR that does not end a line is rejected")
{
    CHECK_THROWS_AS(parse("HTTP/1.1 200 OK\rContent-Length: 2\r\n\r\nok"), MalformedResponse);
    CHECK_THROWS_AS(parse("HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n"), MalformedResponse);
}

TEST_CASE("responses without a body: HEAD, 204, 304")
{
    const auto head =
        parse("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", 4096, false, Method::head);
    CHECK(head.complete);
    CHECK(head.framing.kind == BodyFraming::Kind::none);
    CHECK(parse("HTTP/1.1 204 No Content\r\n\r\n", 4096, false).complete);
    CHECK(parse("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n", 4096, false).complete);
    CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 4096, false).complete);
}

TEST_CASE("interim 1xx responses are skipped; 101 is refused")
{
    const auto parsed = parse("HTTP/1.1 100 Continue\r\n\r\n"
                              "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                              "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi",
                              7, false);
    CHECK(parsed.complete);
    CHECK(parsed.head.status.code == 200);
    CHECK(parsed.head.fields.size() == 1);
    CHECK(parsed.body == "hi");
    CHECK_THROWS_AS(parse("HTTP/1.1 101 Switching Protocols\r\n\r\n"), MalformedResponse);
}

TEST_CASE("status lines that are not HTTP/1.x")
{
    CHECK(parse_status_line("HTTP/1.1 404 Not Found").code == 404);
    CHECK(parse_status_line("HTTP/1.1 200").reason.empty());
    CHECK(parse_status_line("HTTP/1.1 200 ").reason.empty());
    CHECK(parse_status_line("HTTP/1.1 500 Oh no: it broke").reason == "Oh no: it broke");
    for (const auto* line : {"", "HTTP/1.1", "HTTP/2 200 OK", "HTTP/1.1  200 OK", "HTTP/1.1 20 OK",
                             "HTTP/1.1 2000 OK", "HTTP/1.1 099 Low", "HTTP/1.1 600 High",
                             "http/1.1 200 OK", "ICY 200 OK", "<html>", "HTTP/1.1 200 OK\x1b[2J"}) {
        CAPTURE(line);
        CHECK_THROWS_AS(parse_status_line(line), MalformedResponse);
    }
}

TEST_CASE("header fields")
{
    const auto field = parse_header_field("Content-Type: \t text/html; charset=utf-8 \t");
    CHECK(field.name == "Content-Type");
    CHECK(field.value == "text/html; charset=utf-8");
    CHECK(parse_header_field("X-Empty:").value.empty());
    CHECK(parse_header_field("X-Latin: caf\xe9").value == "caf\xe9");
    for (const auto* line : {"No colon here", ": no name", "Bad Name: x", "Name : x",
                             " folded: line", "\tfolded: too", "X: bell\a", "X: esc\x1b[31m"}) {
        CAPTURE(line);
        CHECK_THROWS_AS(parse_header_field(line), MalformedResponse);
    }
}

TEST_CASE("huge header lines and heads are rejected at their bound, not buffered")
{
    const std::string long_line =
        "HTTP/1.1 200 OK\r\nX-Long: " + std::string(9000, 'a') + "\r\n\r\n";
    CHECK_THROWS_WITH_AS(parse(long_line, 100), "a header line is longer than 8192 bytes",
                         MalformedResponse);

    // A line that never ends: rejected once past the bound, without waiting for a newline.
    ResponseParser parser(Method::get);
    const auto ignore = [](std::string_view) {};
    parser.feed("HTTP/1.1 200 OK\r\nX: ", ignore);
    const std::string endless(1024, 'a');
    CHECK_THROWS_AS(
        [&] {
            for (int i = 0; i < 100; ++i) {
                parser.feed(endless, ignore);
            }
        }(),
        MalformedResponse);

    std::string many_lines = "HTTP/1.1 200 OK\r\n";
    for (int i = 0; i < 90; ++i) {
        many_lines += "X-Field: " + std::string(1000, 'b') + "\r\n";
    }
    CHECK_THROWS_WITH_AS(parse(many_lines + "\r\n"), "the response head is longer than 65536 bytes",
                         MalformedResponse);

    std::string many_fields = "HTTP/1.1 200 OK\r\n";
    for (int i = 0; i < 101; ++i) {
        many_fields += "A: b\r\n";
    }
    CHECK_THROWS_WITH_AS(parse(many_fields + "\r\n"), "more than 100 header fields",
                         MalformedResponse);
}

TEST_CASE("Content-Length: negative, overflowing, not a number, or disagreeing")
{
    const auto with = [](std::string_view fields) {
        return parse(std::string("HTTP/1.1 200 OK\r\n") + std::string(fields) + "\r\n", 4096,
                     false);
    };
    CHECK_THROWS_WITH_AS(with("Content-Length: -1\r\n"), "bad Content-Length '-1'",
                         MalformedResponse);
    CHECK_THROWS_AS(with("Content-Length: 18446744073709551616\r\n"), MalformedResponse);
    CHECK_THROWS_AS(with("Content-Length: 99999999999999999999999999\r\n"), MalformedResponse);
    CHECK_THROWS_AS(with("Content-Length: +5\r\n"), MalformedResponse);
    CHECK_THROWS_AS(with("Content-Length: 5x\r\n"), MalformedResponse);
    CHECK_THROWS_AS(with("Content-Length: 0x10\r\n"), MalformedResponse);
    CHECK_THROWS_AS(with("Content-Length:\r\n"), MalformedResponse);
    CHECK_THROWS_AS(with("Content-Length: 5,\r\n"), MalformedResponse);
    CHECK_THROWS_WITH_AS(with("Content-Length: 5\r\nContent-Length: 6\r\n"),
                         "Content-Length values disagree (5 and 6)", MalformedResponse);
    CHECK_THROWS_AS(with("Content-Length: 5, 6\r\n"), MalformedResponse);
}

TEST_CASE("Content-Length duplicates that agree are one length")
{
    CHECK(content_length({"5", "5"}) == 5);
    CHECK(content_length({"5, 5"}) == 5);
    CHECK(content_length({}) == std::nullopt);
    CHECK(content_length({"18446744073709551615"}) == 18446744073709551615ULL);
}

TEST_CASE("Transfer-Encoding: chunked wins over Content-Length; other codings are refused")
{
    const auto parsed = parse(
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: Chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        4096, false);
    CHECK(parsed.framing.kind == BodyFraming::Kind::chunked);
    CHECK(parsed.body == "hello");
    CHECK_THROWS_WITH_AS(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
                         "unsupported Transfer-Encoding 'gzip, chunked'", MalformedResponse);
}

TEST_CASE("a chunked response holds the page, not the chunk sizes, however it is split")
{
    const std::string_view response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                      "7\r\nhello, \r\n"
                                      "1A;name=value;flag\r\nabcdefghijklmnopqrstuvwxyz\r\n"
                                      "0\r\n"
                                      "Trailer-Field: yes\r\n"
                                      "\r\n";
    for (const std::size_t step :
         {std::size_t{1}, std::size_t{2}, std::size_t{5}, std::size_t{4096}}) {
        CAPTURE(step);
        const auto parsed = parse(response, step, false);
        CHECK(parsed.complete);
        CHECK(parsed.body == "hello, abcdefghijklmnopqrstuvwxyz");
    }
}

TEST_CASE("a chunked body cut short")
{
    CHECK_THROWS_WITH_AS(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"),
                         "the chunked body ended after 3 bytes, before its last chunk",
                         IncompleteResponse);
    CHECK_THROWS_AS(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"),
                    IncompleteResponse);
    CHECK_THROWS_AS(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"),
                    IncompleteResponse);
}

TEST_CASE("random bytes after a valid start: a response, or one of our errors, never anything else")
{
    std::uint32_t state = 12345;
    const auto next = [&state] {
        state = state * 1664525u + 1013904223u;  // a fixed LCG: the same cases on every run
        return static_cast<unsigned char>(state >> 24);
    };
    const std::string_view alphabet = "HTP/1. 02\r\n:;aZ-0fF\t\x01\x80";
    int complete = 0;
    int malformed = 0;
    int incomplete = 0;
    for (int round = 0; round < 2000; ++round) {
        std::string bytes = round % 2 ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                      : "HTTP/1.1 200 OK\r\n";
        const unsigned length = next();
        for (unsigned i = 0; i < length; ++i) {
            bytes += alphabet[next() % alphabet.size()];
        }
        try {
            complete += parse(bytes, 1 + next() % 16).complete ? 1 : 0;
        } catch (const MalformedResponse&) {
            ++malformed;
        } catch (const IncompleteResponse&) {
            ++incomplete;
        }
    }
    // Any other exception fails the case; these show the input reached every outcome.
    CHECK(complete > 0);
    CHECK(malformed > 0);
    CHECK(incomplete > 0);
}

TEST_SUITE_END();
