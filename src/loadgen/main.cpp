// hello_bench: hello_server's load generator, as redis-benchmark is Redis's.

#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "cli/arguments.hpp"
#include "cli/command.hpp"
#include "loadgen/bench.hpp"
#include "loadgen/options.hpp"
#include "loadgen/percentile_distribution.hpp"

namespace {

struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
};

// Nothing for an empty name.
std::unique_ptr<std::FILE, FileCloser> open_for_writing(const std::string& name)
{
    if (name.empty()) {
        return nullptr;
    }
    std::unique_ptr<std::FILE, FileCloser> file(std::fopen(name.c_str(), "w"));
    if (!file) {
        throw std::runtime_error(fmt::format("cannot write {}: {}", name, std::strerror(errno)));
    }
    return file;
}

}  // namespace

int main(int argc, char** argv)
{
    using namespace hello;
    return cli::run_main("hello_bench", [&] {
        const auto arguments = cli::arguments_of(argc, argv);
        const auto command =
            loadgen::parse_bench_command(arguments, std::thread::hardware_concurrency());
        if (cli::answer_help_or_version(command.action, "hello_bench", loadgen::bench_usage())) {
            return 0;
        }

        std::signal(SIGPIPE, SIG_IGN);
        const auto& options = command.options;
        // Opened first: a long run should not end in "cannot write".
        auto latency_out = open_for_writing(options.latency_out);
        const auto result = loadgen::run_bench(options, ::isatty(STDERR_FILENO) == 1);
        if (latency_out) {
            const auto text = loadgen::format_percentile_distribution(result.summary.latency);
            if (std::fwrite(text.data(), 1, text.size(), latency_out.get()) != text.size() ||
                std::fclose(latency_out.release()) != 0) {
                throw std::runtime_error(
                    fmt::format("cannot write {}: {}", options.latency_out, std::strerror(errno)));
            }
        }
        fmt::print("{}", options.json ? loadgen::format_json(result.summary)
                                      : loadgen::format_table(result.summary));
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
