#pragma once
// A small command-line walker that reads arguments the way getopt_long does:
// "--name value" and "--name=value"; "-n value" and "-nvalue"; bundled short
// flags ("-qv"), the last of which may take a value ("-qp9999", "-qp 9999");
// "--" ends the options. Mistakes are UsageError, which each main turns into
// one line on stderr and exit code 2.
//
// Each program asks, argument by argument, "is this my flag X? my option Y?
// a positional?" and calls unknown() when nothing matched; long names must be
// written in full (no getopt-style abbreviations: the walker never sees the
// whole list of names, so it cannot tell an unambiguous prefix).

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

    // Consumes the current argument (or the current letter of a bundle of
    // short flags) if it is this flag. `short_name` is "-x" or empty.
    bool flag(std::string_view long_name, std::string_view short_name = {});
    // Consumes the current argument and its value if it is this option.
    std::optional<std::string_view> option(std::string_view long_name,
                                           std::string_view short_name = {});
    // Consumes the current argument if it is not an option ("-" is not one;
    // after "--" nothing is).
    std::optional<std::string_view> positional();
    // The error for what nothing above consumed: "unknown option '--x'",
    // "unknown option '-x'", or "unexpected argument 'x'" for a positional
    // argument the program does not take.
    UsageError unknown() const;

private:
    std::string_view current() const { return arguments_[next_]; }
    // The letter of the bundle the walker is at ("-qv": q, then v), or 0 when
    // the current argument is not a bundle of short options.
    char short_letter() const;
    // True when the current argument is "--name" or "--name=...".
    bool is_long(std::string_view long_name) const;
    // Moves to the next argument, past a "--" that ends the options.
    void next_argument();
    // Steps over "--" (once): every argument after it is positional.
    void skip_end_of_options();

    std::span<const std::string_view> arguments_;
    std::size_t next_ = 0;
    // Within a bundle of short options, the index of the next letter (1 at
    // the start of an argument: the letter after '-').
    std::size_t letter_ = 1;
    bool options_ended_ = false;
};

}  // namespace hello::cli
