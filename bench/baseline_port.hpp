#pragma once
// The baseline servers' whole command line: --port N (default 9999; 0: the
// OS chooses) and --help. Header-only: each baseline is one file and links
// only the protocol rules and the command-line grammar.

#include <fmt/format.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cli/arguments.hpp"
#include "cli/values.hpp"

inline std::uint16_t baseline_port(int argc, char** argv, std::string_view program,
                                   std::string_view design)
{
    const auto arguments = hello::cli::arguments_of(argc, argv);
    hello::cli::ArgumentWalker walker(arguments);
    std::uint16_t port = 9999;
    while (!walker.done()) {
        if (walker.flag("--help", "-h")) {
            fmt::print("Usage: {} [--port N]\nhello_server's protocol on 127.0.0.1, {} "
                       "(default port 9999; 0: the OS chooses).\n",
                       program, design);
            std::exit(0);
        } else if (auto value = walker.option("--port", "-p")) {
            port = hello::cli::parse_port(*value);
        } else {
            throw walker.unknown();
        }
    }
    return port;
}
