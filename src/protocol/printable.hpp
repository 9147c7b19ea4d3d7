#pragma once
// Client bytes are not text: before they reach a log line, escape what a
// terminal would interpret (control bytes, invalid UTF-8, ANSI sequences).

#include <string>
#include <string_view>

namespace hello::protocol {

// Printable ASCII stays as it is, '\\' becomes "\\\\", common controls become
// \n \r \t, and every other byte becomes \xHH. The result is at most
// `max_bytes` of input, with "..." when it was cut.
std::string printable(std::string_view bytes, std::size_t max_bytes = 64);

}  // namespace hello::protocol
