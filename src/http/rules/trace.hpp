#pragma once
// -v: the heads on stderr, each line prefixed as curl does it: "> " for what
// we send, "< " for what the server sends, "* " for what we do.

#include <string>
#include <string_view>

namespace hello::http {

// Each line of `text` ("\r\n" or "\n" separated, the last one may be
// unterminated) as PREFIX + line + "\n"; an empty line is PREFIX alone,
// without its trailing space.
std::string prefixed_lines(std::string_view text, std::string_view prefix);

}  // namespace hello::http
