#include "http/rules/trace.hpp"

namespace hello::http {

std::string prefixed_lines(std::string_view text, std::string_view prefix)
{
    std::string out;
    while (!text.empty()) {
        const auto end = text.find('\n');
        auto line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (line.ends_with('\r')) {
            line.remove_suffix(1);
        }
        if (line.empty() && prefix.ends_with(' ')) {
            out += prefix.substr(0, prefix.size() - 1);
        } else {
            out += prefix;
            out += line;
        }
        out += '\n';
    }
    return out;
}

}  // namespace hello::http
