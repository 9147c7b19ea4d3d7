#include "cli/arguments.hpp"

#include <fmt/format.h>

namespace hello::cli {
namespace {

// "-x..." is one or more short options; "-" alone is an argument (stdin, by
// convention), and "--..." is a long option.
bool is_short_bundle(std::string_view argument)
{
    return argument.size() > 1 && argument[0] == '-' && argument[1] != '-';
}

}  // namespace

std::vector<std::string_view> arguments_of(int argc, char** argv)
{
    return argc > 1 ? std::vector<std::string_view>(argv + 1, argv + argc)
                    : std::vector<std::string_view>{};
}

ArgumentWalker::ArgumentWalker(std::span<const std::string_view> arguments) : arguments_(arguments)
{
    skip_end_of_options();
}

void ArgumentWalker::next_argument()
{
    ++next_;
    letter_ = 1;
    skip_end_of_options();
}

void ArgumentWalker::skip_end_of_options()
{
    if (!options_ended_ && !done() && current() == "--") {
        options_ended_ = true;
        ++next_;
    }
}

char ArgumentWalker::short_letter() const
{
    if (done() || options_ended_ || !is_short_bundle(current())) {
        return 0;
    }
    return current()[letter_];
}

bool ArgumentWalker::is_long(std::string_view long_name) const
{
    if (done() || options_ended_ || letter_ != 1) {
        return false;
    }
    const auto argument = current();
    return argument.starts_with(long_name) &&
           (argument.size() == long_name.size() || argument[long_name.size()] == '=');
}

bool ArgumentWalker::flag(std::string_view long_name, std::string_view short_name)
{
    if (is_long(long_name)) {
        if (current().size() != long_name.size()) {
            throw UsageError(fmt::format("option {} takes no value", long_name));
        }
        next_argument();
        return true;
    }
    if (short_name.size() == 2 && short_letter() == short_name[1]) {
        if (++letter_ == current().size()) {
            next_argument();
        }
        return true;
    }
    return false;
}

std::optional<std::string_view> ArgumentWalker::option(std::string_view long_name,
                                                       std::string_view short_name)
{
    std::string_view name;
    if (is_long(long_name)) {
        const auto argument = current();
        if (argument.size() > long_name.size()) {  // --name=value
            next_argument();
            return argument.substr(long_name.size() + 1);
        }
        name = long_name;
    } else if (short_name.size() == 2 && short_letter() == short_name[1]) {
        const auto rest = current().substr(letter_ + 1);
        if (!rest.empty()) {  // -nvalue, or the end of a bundle: -qnvalue
            next_argument();
            return rest;
        }
        name = short_name;
    } else {
        return std::nullopt;
    }
    // The value is the next argument, whatever it looks like ("--host --" is
    // the host "--"), as with getopt.
    if (next_ + 1 == arguments_.size()) {
        throw UsageError(fmt::format("option {} needs a value", name));
    }
    ++next_;
    const auto value = current();
    next_argument();
    return value;
}

std::optional<std::string_view> ArgumentWalker::positional()
{
    if (done() || letter_ != 1 ||
        (!options_ended_ && current().starts_with('-') && current() != "-")) {
        return std::nullopt;
    }
    const auto argument = current();
    next_argument();
    return argument;
}

UsageError ArgumentWalker::unknown() const
{
    if (done()) {  // only a caller that ignored done() gets here
        return UsageError("missing argument");
    }
    if (const char letter = short_letter()) {
        return UsageError(fmt::format("unknown option '-{}'", letter));
    }
    const auto argument = current();
    if (!options_ended_ && argument.starts_with("--")) {
        return UsageError(
            fmt::format("unknown option '{}'", argument.substr(0, argument.find('='))));
    }
    return UsageError(fmt::format("unexpected argument '{}'", argument));
}

}  // namespace hello::cli
