#include "http/command_line/curl_words.hpp"

#include <fmt/format.h>

namespace hello::http {

std::optional<std::string> curl_error_line(ExitCode code, const TransferFacts& facts)
{
    const auto line = [code](std::string_view words) {
        return fmt::format("({}) {}", static_cast<int>(code), words);
    };
    switch (code) {
    case ExitCode::http_error:
        return line(fmt::format("The requested URL returned error: {}", facts.http_code));
    case ExitCode::range_error:
        return line("HTTP server doesn't seem to support byte ranges. Cannot resume.");
    case ExitCode::too_many_redirects:
        return line(fmt::format("Maximum ({}) redirects followed", facts.num_redirects));
    case ExitCode::file_too_large: return line("Maximum file size exceeded");
    default: return std::nullopt;
    }
}

}  // namespace hello::http
