#pragma once
// Client bytes are not text: before they reach a log line, escape what a
// terminal would interpret or a reader could be misled by (control bytes,
// invalid UTF-8, ANSI sequences, characters that reorder or hide text), and
// keep what is plainly text, so that "你好" is logged as "你好".

#include <string>
#include <string_view>

namespace hello::protocol {

// Printable ASCII and well-formed UTF-8 stay as they are, except the
// characters a log line could be forged with (C1 controls, bidirectional and
// other format characters, line and paragraph separators); '\\' becomes
// "\\\\", common controls become \n \r \t, and every other byte becomes
// \xHH. The result is at most `max_bytes` of input, with "..." when it was cut.
std::string printable(std::string_view bytes, std::size_t max_bytes = 64);

}  // namespace hello::protocol
