#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "protocol/framing.hpp"

using namespace hello::protocol;

namespace {

// What the framer makes of a sequence of reads: each message as text, with
// "|raw" or "|line" (and "+first" for the one that switched to lines), then
// "too long" or "end" if it came to that.
std::vector<std::string> frame(const std::vector<std::string>& reads, bool end = false,
                               std::size_t max_message = 16)
{
    Framer framer(max_message);
    std::vector<std::string> seen;
    auto drain = [&] {
        for (;;) {
            const auto event = framer.next();
            if (const auto* message = std::get_if<Message>(&event)) {
                seen.push_back(std::string(message->text) +
                               (message->framing == Framing::raw ? "|raw" : "|line") +
                               (message->first_line ? "+first" : ""));
            } else if (std::holds_alternative<MessageTooLong>(event)) {
                seen.push_back("too long");
                return false;
            } else {
                if (std::holds_alternative<EndOfStream>(event)) {
                    seen.push_back("end");
                }
                return true;
            }
        }
    };
    for (const auto& read : reads) {
        framer.received(read);
        if (!drain()) {
            return seen;
        }
    }
    if (end) {
        framer.received_end_of_stream();
        drain();
    }
    return seen;
}

using Seen = std::vector<std::string>;

}  // namespace

TEST_SUITE("framing")
{
    TEST_CASE("the tutorial's client: each read is one message, with no terminator")
    {
        CHECK(frame({"Michael", "Tracy", "Sarah"}) ==
              Seen{"Michael|raw", "Tracy|raw", "Sarah|raw"});
    }

    TEST_CASE("raw framing keeps spaces and carriage returns: bytes are bytes")
    {
        CHECK(frame({" a b ", "x\r"}) == Seen{" a b |raw", "x\r|raw"});
    }

    TEST_CASE("lines that all arrive in one read are separate messages")
    {
        CHECK(frame({"Michael\nTracy\r\nexit\n"}) ==
              Seen{"Michael|line+first", "Tracy|line", "exit|line"});
    }

    TEST_CASE("a line split across reads waits for its end")
    {
        CHECK(frame({"Hi\n", "Mi", "cha", "el", "\r", "\nTr"}) ==
              Seen{"Hi|line+first", "Michael|line"});
    }

    TEST_CASE("the first newline switches a connection to lines for good")
    {
        CHECK(frame({"Ann", "Bob\nCy", "Dee"}) == Seen{"Ann|raw", "Bob|line+first"});
        CHECK(frame({"Ann", "Bob\nCy", "Dee\n"}) ==
              Seen{"Ann|raw", "Bob|line+first", "CyDee|line"});
    }

    TEST_CASE("empty lines are messages too, with or without CR")
    {
        CHECK(frame({"\n\r\nx\n"}) == Seen{"|line+first", "|line", "x|line"});
    }

    TEST_CASE("only a CR right before the newline is dropped")
    {
        CHECK(frame({"a\rb\n\r\r\n"}) == Seen{"a\rb|line+first", "\r|line"});
    }

    TEST_CASE("end of stream: a last line without newline is still answered")
    {
        CHECK(frame({"Bob\nAlice"}, true) == Seen{"Bob|line+first", "Alice|line", "end"});
        CHECK(frame({"Bob\nAlice\r"}, true) == Seen{"Bob|line+first", "Alice|line", "end"});
        CHECK(frame({"Bob\n"}, true) == Seen{"Bob|line+first", "end"});
    }

    TEST_CASE("end of stream in raw framing, and with nothing sent at all")
    {
        CHECK(frame({"Bob"}, true) == Seen{"Bob|raw", "end"});
        CHECK(frame({}, true) == Seen{"end"});
    }

    TEST_CASE("NUL bytes and invalid UTF-8 pass through untouched")
    {
        const std::string nul("a\0b", 3);
        const auto seen = frame({nul + "\n", "\xff\xfe\n"});
        REQUIRE(seen.size() == 2);
        CHECK(seen[0] == nul + "|line+first");
        CHECK(seen[1] == "\xff\xfe|line");
    }

    TEST_CASE("limits: a message may have exactly max bytes, not one more")
    {
        const std::string max(16, 'a');
        CHECK(frame({max}) == Seen{max + "|raw"});
        CHECK(frame({max + "a"}) == Seen{"too long"});
        CHECK(frame({max + "\r\n"}) == Seen{max + "|line+first"});
        CHECK(frame({max + "a\n"}) == Seen{"too long"});
    }

    TEST_CASE("limits: a raw message is at most raw_message_limit, whatever the limit for lines")
    {
        const std::size_t lines_limit = 1 << 20;
        const std::string longest_raw(raw_message_limit, 'a');
        CHECK(frame({longest_raw}, false, lines_limit) == Seen{longest_raw + "|raw"});
        CHECK(frame({longest_raw + "a"}, false, lines_limit) == Seen{"too long"});
        // once the client sends lines, its lines may be as long as the limit
        const std::string long_line(3 * raw_message_limit, 'b');
        CHECK(frame({"x\n", long_line + "\n"}, false, lines_limit) ==
              Seen{"x|line+first", long_line + "|line"});
    }

    TEST_CASE("limits: an unterminated line is refused before it grows past the limit")
    {
        const std::string half(9, 'a');
        CHECK(frame({"x\n", half, half}) == Seen{"x|line+first", "too long"});
        // max bytes and the CR of a CRLF still to come is fine
        CHECK(frame({"x\n", std::string(16, 'a') + "\r", "\n"}) ==
              Seen{"x|line+first", std::string(16, 'a') + "|line"});
    }

    TEST_CASE("limits: a last line without newline obeys the limit too")
    {
        CHECK(frame({"x\n", std::string(17, 'a')}, true) == Seen{"x|line+first", "too long"});
        CHECK(frame({"x\n", std::string(16, 'a') + "\r"}, true) ==
              Seen{"x|line+first", std::string(16, 'a') + "|line", "end"});
    }

    TEST_CASE("limits: a long line arriving in many small reads is refused too")
    {
        std::vector<std::string> reads{"x\n"};
        for (int i = 0; i < 100; ++i) {
            reads.push_back("ab");
        }
        CHECK(frame(reads) == Seen{"x|line+first", "too long"});
    }

    TEST_CASE("client_line_open follows the replies' line state")
    {
        Framer framer(16);
        CHECK(framer.client_line_open());  // after "Welcome!"
        framer.received("a\nb\n");
        CHECK(framer.client_line_open());  // first line message not taken yet
        const auto first = framer.next();
        CHECK(std::get<Message>(first).first_line);
        CHECK_FALSE(framer.client_line_open());
    }
}
