#pragma once
// curl's own first line for the failures scripts read stderr for (a grep for
// "returned error: 404", a log parser that knows curl's "(NN)"): with it,
// the first line of http_get's stderr is curl's but for the program's name,
// and its own explanation follows on the next line.

#include <optional>
#include <string>

#include "http/command_line/exit_codes.hpp"
#include "http/rules/write_out.hpp"

namespace hello::http {

// "(22) The requested URL returned error: 404", or nullopt where curl's words
// say nothing a script reads (they name curl's internals, or times).
std::optional<std::string> curl_error_line(ExitCode code, const TransferFacts& facts);

}  // namespace hello::http
