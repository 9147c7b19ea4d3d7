#pragma once
// A small command-line walker: "--name value", "--name=value", "-n value",
// flags and positional arguments, as getopt_long users expect. Mistakes are
// UsageError, which each main turns into one line on stderr and exit code 2.

#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hello::cli {

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// argv without the program name, as string_views.
std::vector<std::string_view> arguments_of(int argc, char** argv);

class ArgumentWalker {
public:
    explicit ArgumentWalker(std::span<const std::string_view> arguments);

    bool done() const { return next_ == arguments_.size(); }

    // Consumes the current argument if it is this flag.
    bool flag(std::string_view long_name, std::string_view short_name = {});
    // Consumes the current argument (and its value) if it is this option.
    std::optional<std::string_view> option(std::string_view long_name,
                                           std::string_view short_name = {});
    // Consumes the current argument if it is not an option; "--" ends options.
    std::optional<std::string_view> positional();
    // The error for an argument that nothing above consumed.
    UsageError unknown() const;

private:
    std::span<const std::string_view> arguments_;
    std::size_t next_ = 0;
    bool options_ended_ = false;
};

}  // namespace hello::cli
