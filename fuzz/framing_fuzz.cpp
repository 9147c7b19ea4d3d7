// libFuzzer target: the Framer on arbitrary bytes, delivered in arbitrary
// reads. Besides not crashing (ASan, UBSan), it checks the framing rules of
// docs/PROTOCOL.md against a plain reference model of line framing.
//
// Input layout: byte 0 chooses the message limit (1..64, small so that the
// limit is hit often), byte 1 seeds the read sizes, the rest is what the
// client sends. A '\n' is put in front, so the connection is in line
// framing from its first read and the result must not depend on how the
// bytes were split into reads.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/framing.hpp"

using namespace hello::protocol;

namespace {

void require(bool rule_kept)
{
    if (!rule_kept) {
        std::abort();
    }
}

constexpr std::string_view too_long = "<too long>";

// What the Framer says, read by read: every message, then "<too long>" if so.
std::vector<std::string> frame_in_reads(std::string_view input, std::size_t max_message,
                                        std::uint8_t seed)
{
    Framer framer(max_message);
    std::vector<std::string> messages;
    std::uint32_t state = seed | 1u;
    bool ended = false;
    while (!ended) {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        const auto size = std::min<std::size_t>(input.size(), 1 + state % 9);
        if (size == 0) {
            framer.received_end_of_stream();
        } else {
            framer.received(input.substr(0, size));
            input.remove_prefix(size);
        }
        for (;;) {
            const auto event = framer.next();
            if (const auto* message = std::get_if<Message>(&event)) {
                require(message->text.size() <= max_message);
                require(message->framing == Framing::line);
                require(message->text.find('\n') == std::string_view::npos);
                require(message->first_line == messages.empty());
                messages.emplace_back(message->text);
                continue;
            }
            if (std::holds_alternative<MessageTooLong>(event)) {
                messages.emplace_back(too_long);
                return messages;
            }
            ended = std::holds_alternative<EndOfStream>(event);
            break;
        }
    }
    return messages;
}

// The rules in their plainest form, on the whole input at once.
std::vector<std::string> reference_lines(std::string_view input, std::size_t max_message)
{
    std::vector<std::string> messages;
    while (!input.empty()) {
        const auto newline = input.find('\n');
        auto line = input.substr(0, newline);
        input.remove_prefix(newline == std::string_view::npos ? input.size() : newline + 1);
        if (line.ends_with('\r')) {
            line.remove_suffix(1);
        }
        if (line.size() > max_message) {
            messages.emplace_back(too_long);
            return messages;
        }
        messages.emplace_back(line);
    }
    return messages;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 2) {
        return 0;
    }
    const std::size_t max_message = 1 + data[0] % 64;
    const auto seed = data[1];
    std::string input = "\n";
    input.append(reinterpret_cast<const char*>(data + 2), size - 2);

    const auto framed = frame_in_reads(input, max_message, seed);
    auto expected = reference_lines(std::string_view(input).substr(1), max_message);
    expected.insert(expected.begin(), "");  // the empty line we put in front
    require(framed == expected);
    return 0;
}
