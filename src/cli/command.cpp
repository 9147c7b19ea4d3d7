#include "cli/command.hpp"

#include <fmt/format.h>

#include "version.hpp"

namespace hello::cli {

bool take_help_or_version(ArgumentWalker& walker, Action& action)
{
    if (walker.flag("--help", "-h")) {
        action = Action::help;
        return true;
    }
    if (walker.flag("--version")) {
        action = Action::version;
        return true;
    }
    return false;
}

bool answer_help_or_version(Action action, std::string_view program, std::string_view usage)
{
    if (action == Action::help) {
        fmt::print("{}", usage);
    } else if (action == Action::version) {
        fmt::print("{} {}\n", program, hello::version);
    }
    return action != Action::run;
}

int report_usage_error(std::string_view program, const UsageError& error)
{
    fmt::print(stderr, "{}: {}\nTry '{} --help'.\n", program, error.what(), program);
    return 2;
}

int report_failure(std::string_view program, const std::exception& error)
{
    fmt::print(stderr, "{}: {}\n", program, error.what());
    return 1;
}

}  // namespace hello::cli
