#pragma once
// When has the client read a whole reply? The tutorial's server ends nothing
// with a newline, so "one recv() is one reply" is all its client can assume,
// and TCP may split a reply across reads. Our client knows what it expects
// ("Welcome!", "Hello, X!") and reads on while what it has is the start of
// that; anything else (an error line, another server's answer) is taken as it
// comes, one read at a time, so an unexpected reply never makes it hang.

#include <string>
#include <string_view>

namespace hello::protocol {

// What the server answers to `name` when all goes well, without line ending.
std::string expected_reply(std::string_view name);

// True when `received` is a whole reply, given the one `expected`.
bool reply_complete(std::string_view expected, std::string_view received);

// The reply as the client prints it: without the line ending the server may
// have sent (the client ends every printed reply with one of its own).
std::string_view reply_text(std::string_view received);

}  // namespace hello::protocol

namespace hello::protocol {

// The reason in an "error: REASON" line (what the server says before it hangs
// up on a client), or an empty view for an ordinary reply.
std::string_view server_error(std::string_view reply_text);

}  // namespace hello::protocol
