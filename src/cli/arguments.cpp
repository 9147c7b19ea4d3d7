#include "cli/arguments.hpp"

#include <fmt/format.h>

namespace hello::cli {

std::vector<std::string_view> arguments_of(int argc, char** argv)
{
    return argc > 1 ? std::vector<std::string_view>(argv + 1, argv + argc)
                    : std::vector<std::string_view>{};
}

ArgumentWalker::ArgumentWalker(std::span<const std::string_view> arguments)
    : arguments_(arguments)
{
}

bool ArgumentWalker::flag(std::string_view long_name, std::string_view short_name)
{
    if (done() || options_ended_) {
        return false;
    }
    const auto argument = arguments_[next_];
    if (argument == long_name || (!short_name.empty() && argument == short_name)) {
        ++next_;
        return true;
    }
    if (argument.starts_with(long_name) && argument.substr(long_name.size()).starts_with('=')) {
        throw UsageError(fmt::format("option {} takes no value", long_name));
    }
    return false;
}

std::optional<std::string_view> ArgumentWalker::option(std::string_view long_name,
                                                       std::string_view short_name)
{
    if (done() || options_ended_) {
        return std::nullopt;
    }
    const auto argument = arguments_[next_];
    if (argument.starts_with(long_name) && argument.substr(long_name.size()).starts_with('=')) {
        ++next_;
        return argument.substr(long_name.size() + 1);
    }
    if (argument != long_name && (short_name.empty() || argument != short_name)) {
        return std::nullopt;
    }
    if (next_ + 1 == arguments_.size()) {
        throw UsageError(fmt::format("option {} needs a value", argument));
    }
    next_ += 2;
    return arguments_[next_ - 1];
}

std::optional<std::string_view> ArgumentWalker::positional()
{
    if (!options_ended_ && !done() && arguments_[next_] == "--") {
        options_ended_ = true;
        ++next_;
    }
    if (done()) {
        return std::nullopt;
    }
    const auto argument = arguments_[next_];
    if (!options_ended_ && argument.size() > 1 && argument.starts_with('-')) {
        return std::nullopt;
    }
    ++next_;
    return argument;
}

UsageError ArgumentWalker::unknown() const
{
    return UsageError(fmt::format("unknown option '{}'", arguments_[next_]));
}

}  // namespace hello::cli
