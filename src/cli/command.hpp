#pragma once
// What every program's command line may ask for besides its work: the help
// text or the version. One rule for all of them, so they answer alike.

#include <exception>
#include <string_view>

#include "cli/arguments.hpp"

namespace hello::cli {

enum class Action { run, help, version };

// Consumes the current argument if it is --help (-h) or --version, and
// records the request in `action`.
bool take_help_or_version(ArgumentWalker& walker, Action& action);

// Prints the help text or "PROGRAM VERSION" if that is what was asked for;
// true means the program is done (exit status 0).
bool answer_help_or_version(Action action, std::string_view program, std::string_view usage);

// Prints the one-line error of a bad command line, with the hint to --help;
// returns the exit status for it, 2.
int report_usage_error(std::string_view program, const UsageError& error);

// Prints "PROGRAM: what went wrong"; returns the exit status for it, 1.
int report_failure(std::string_view program, const std::exception& error);

// Runs a program's main body and turns what it throws into one line on
// stderr and an exit status: 2 for a bad command line, 1 for anything else.
template <typename Body>
int run_main(std::string_view program, Body&& body)
{
    try {
        return body();
    } catch (const UsageError& error) {
        return report_usage_error(program, error);
    } catch (const std::exception& error) {
        return report_failure(program, error);
    }
}

}  // namespace hello::cli
