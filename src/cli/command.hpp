#pragma once
// What every program's command line may ask for besides its work: the help
// text or the version. One rule for all of them, so they answer alike.

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

}  // namespace hello::cli
