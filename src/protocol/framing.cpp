#include "protocol/framing.hpp"

#include <algorithm>
#include <utility>

namespace hello::protocol {
namespace {

std::string_view without_trailing_cr(std::string_view line)
{
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    return line;
}

}  // namespace

Framer::Framer(std::size_t max_message) : max_message_(static_cast<std::uint32_t>(max_message)) {}

void Framer::received(std::string_view bytes)
{
    input_ = bytes;
}

void Framer::received_end_of_stream()
{
    end_of_stream_ = true;
}

FramerEvent Framer::next()
{
    if (std::exchange(partial_is_message_, false)) {
        partial_.clear();  // the caller is done with the message it held
    }
    if (framing_ == Framing::raw && input_.find('\n') != std::string_view::npos) {
        framing_ = Framing::line;
        first_line_pending_ = true;
    }
    return framing_ == Framing::raw ? next_raw() : next_line();
}

FramerEvent Framer::next_raw()
{
    if (input_.empty()) {
        return finish();
    }
    if (input_.size() > std::min<std::size_t>(max_message_, raw_message_limit)) {
        return MessageTooLong{};
    }
    const auto text = std::exchange(input_, {});
    return Message{text, Framing::raw};
}

FramerEvent Framer::next_line()
{
    const auto newline = input_.find('\n');
    if (newline == std::string_view::npos) {
        // Room for one more byte than the limit: it may be the '\r' of "\r\n".
        if (partial_.size() + input_.size() > max_message_ + 1) {
            return MessageTooLong{};
        }
        partial_.append(input_);
        input_ = {};
        return finish();
    }

    auto line = input_.substr(0, newline);
    input_.remove_prefix(newline + 1);
    if (!partial_.empty()) {
        partial_.append(line);
        partial_is_message_ = true;
        line = partial_;
    }
    line = without_trailing_cr(line);
    if (line.size() > max_message_) {
        return MessageTooLong{};
    }
    return Message{line, Framing::line, std::exchange(first_line_pending_, false)};
}

FramerEvent Framer::finish()
{
    if (!end_of_stream_) {
        return NeedMoreInput{};
    }
    if (!partial_.empty()) {
        // A last line without its '\n' is still a line: "printf 'a\nb' | nc" asks twice.
        partial_is_message_ = true;
        const auto line = without_trailing_cr(partial_);
        if (line.size() > max_message_) {
            return MessageTooLong{};
        }
        return Message{line, Framing::line, std::exchange(first_line_pending_, false)};
    }
    return EndOfStream{};
}

}  // namespace hello::protocol
