// hello_bench: hello_server's load generator, as redis-benchmark is Redis's.

#include <unistd.h>

#include <fmt/format.h>

#include <csignal>
#include <exception>
#include <thread>

#include "cli/arguments.hpp"
#include "cli/command.hpp"
#include "loadgen/bench.hpp"
#include "loadgen/options.hpp"

int main(int argc, char** argv)
{
    using namespace hello;
    return cli::run_main("hello_bench", [&] {
        const auto arguments = cli::arguments_of(argc, argv);
        const auto command =
            bench::parse_bench_command(arguments, std::thread::hardware_concurrency());
        if (cli::answer_help_or_version(command.action, "hello_bench", bench::bench_usage())) {
            return 0;
        }

        std::signal(SIGPIPE, SIG_IGN);
        const auto& options = command.options;
        const auto result = bench::run_bench(options, ::isatty(STDERR_FILENO) == 1);
        fmt::print("{}", options.json ? bench::format_json(result.summary)
                                      : bench::format_table(result.summary));
        const auto errors = result.summary.errors.total();
        if (errors == 0) {
            return 0;
        }
        fmt::print(stderr, "hello_bench: {} error(s); the first:\n", errors);
        for (const auto& sample : result.error_samples) {
            fmt::print(stderr, "  {}\n", sample);
        }
        return 1;
    });
}
