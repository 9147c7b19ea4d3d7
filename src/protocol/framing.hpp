#pragma once
// How the bytes a client sends become messages. Pure code: no sockets here.
//
// The tutorial's clients send a bare message ("Michael") and wait for the
// reply; stream clients (nc, telnet, a pipe) send lines. One connection is
// served by one rule, chosen by what it sends (docs/PROTOCOL.md has examples):
//
//   - raw framing, until the client sends its first '\n': the bytes of one
//     read are one message, as with the tutorial's recv(1024);
//   - line framing, from the read that contains the first '\n' on: every
//     '\n' ends a message, a '\r' just before it is dropped, and bytes after
//     the last '\n' wait for the rest of their line.
//
// A message longer than the limit is refused in both framings, so memory per
// connection stays bounded whatever a client sends. In raw framing the limit
// is at most raw_message_limit: one read returns what has arrived, so a raw
// message is one message only as long as it arrives whole.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace hello::protocol {

enum class Framing : std::uint8_t { raw, line };

// The longest raw message: one send of up to this many bytes reaches the
// server in one read over loopback, with the server's socket buffers
// (server/listeners.cpp); a longer one would be answered in pieces, so it is
// refused instead, whatever --max-message allows lines (docs/PROTOCOL.md).
inline constexpr std::size_t raw_message_limit = 32 * 1024;

struct Message {
    std::string_view text;  // valid until the next call into the Framer
    Framing framing;
    bool first_line = false;  // the message that switched the connection to lines
};

struct MessageTooLong {};
struct EndOfStream {};
struct NeedMoreInput {};

using FramerEvent = std::variant<Message, MessageTooLong, EndOfStream, NeedMoreInput>;

class Framer {
public:
    explicit Framer(std::size_t max_message);

    // Hands over the bytes of one read; they must stay valid until next()
    // answers NeedMoreInput.
    void received(std::string_view bytes);
    // The client closed its side: pending bytes become a last message.
    void received_end_of_stream();

    FramerEvent next();

    // Whether the client's current output line is unfinished: true until the
    // first reply in line framing ends the greeting's line.
    bool client_line_open() const { return framing_ == Framing::raw || first_line_pending_; }

private:
    FramerEvent next_raw();
    FramerEvent next_line();
    FramerEvent finish();

    std::uint32_t max_message_;  // --max-message is at most 1 MiB
    Framing framing_ = Framing::raw;
    bool first_line_pending_ = false;
    bool end_of_stream_ = false;
    bool partial_is_message_ = false;  // partial_ is the message last returned
    std::string_view input_;           // what is left of the current read
    // The start of a line that a later read completes; once complete, the
    // message the caller is reading (until its next call to next()).
    std::string partial_;
};

}  // namespace hello::protocol
