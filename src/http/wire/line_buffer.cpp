#include "http/wire/line_buffer.hpp"

#include <fmt/format.h>

#include "http/wire/errors.hpp"

namespace hello::http {

LineBuffer::LineBuffer(std::string_view what, std::size_t max_length)
    : what_(what), max_length_(max_length)
{
}

std::size_t LineBuffer::take(std::string_view input)
{
    const auto newline = input.find('\n');
    const auto taken = newline == std::string_view::npos ? input.size() : newline + 1;
    const auto content = input.substr(0, newline);  // without the '\n'
    if (line_.size() + content.size() > max_length_) {
        throw MalformedResponse(fmt::format("a {} is longer than {} bytes", what_, max_length_));
    }
    line_.append(content);
    if (newline == std::string_view::npos) {
        return taken;
    }
    if (line_.ends_with('\r')) {
        line_.pop_back();
    }
    if (line_.find('\r') != std::string::npos) {
        throw MalformedResponse(fmt::format("a {} holds a CR that does not end it", what_));
    }
    complete_ = true;
    return taken;
}

void LineBuffer::clear()
{
    line_.clear();
    complete_ = false;
}

}  // namespace hello::http
