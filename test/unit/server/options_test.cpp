#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "cli/arguments.hpp"
#include "cli/values.hpp"
#include "server/options.hpp"

using namespace std::chrono_literals;
using hello::cli::UsageError;
using Args = std::vector<std::string_view>;

TEST_SUITE("options")
{
    TEST_CASE("server defaults are the tutorial's: 127.0.0.1:9999, no delay")
    {
        const auto command = hello::server::parse_server_command(Args{});
        CHECK(command.action == hello::cli::Action::run);
        CHECK(command.options.host == "127.0.0.1");
        CHECK(command.options.port == 9999);
        CHECK(command.options.delay == 0ms);
        CHECK(command.options.max_message == 4096);
        CHECK(command.options.idle_timeout == 5min);
        CHECK(command.options.max_connections == 10000);
        CHECK(command.options.shutdown_timeout == 5s);
        CHECK(command.options.threads == 1);
        CHECK(command.options.max_connections_per_ip == 0);
    }

    TEST_CASE("--help states the defaults the code has")
    {
        // The defaults are ServerOptions' member initializers; the usage text
        // repeats them, so this holds the two together.
        const hello::server::ServerOptions defaults;
        const auto usage = hello::server::server_usage();
        // The word after "(default " in the option's own paragraph.
        const auto stated = [&](std::string_view option) {
            const auto at = usage.find(std::string(option) + " ");
            REQUIRE_MESSAGE(at != std::string::npos, option);
            const auto paragraph = usage.substr(at, usage.find("\n  -", at + 1) - at);
            const auto value = paragraph.find("(default ");
            REQUIRE_MESSAGE(value != std::string::npos, option, ": ", paragraph);
            const auto start = value + std::string_view("(default ").size();
            return paragraph.substr(start, paragraph.find_first_of(";)", start) - start);
        };
        const auto duration = [&](std::string_view option) {
            return hello::cli::parse_duration(stated(option));
        };
        const auto count = [&](std::string_view option) { return std::stoull(stated(option)); };
        CHECK(count("--port") == defaults.port);
        CHECK(duration("--delay") == defaults.delay);
        CHECK(count("--max-message") == defaults.max_message);
        CHECK(duration("--idle-timeout") == defaults.idle_timeout);
        CHECK(count("--max-connections") == defaults.max_connections);
        CHECK(count("--max-connections-per-ip") == defaults.max_connections_per_ip);
        CHECK(duration("--shutdown-timeout") == defaults.shutdown_timeout);
        CHECK(duration("--proxy-header-timeout") == defaults.proxy_header_timeout);
        CHECK(count("--threads") == defaults.threads);
        CHECK(usage.find("127.0.0.1") != std::string::npos);
        CHECK(defaults.host == "127.0.0.1");
    }

    TEST_CASE("server options")
    {
        const auto command = hello::server::parse_server_command(
            Args{"--host", "::", "--port", "0", "--delay", "1s", "--max-message", "10",
                 "--idle-timeout", "2s", "--max-connections", "3", "--shutdown-timeout", "100ms",
                 "--quiet", "--verbose", "--threads", "0"});
        const auto& options = command.options;
        CHECK(options.host == "::");
        CHECK(options.port == 0);
        CHECK(options.delay == 1s);
        CHECK(options.max_message == 10);
        CHECK(options.idle_timeout == 2s);
        CHECK(options.max_connections == 3);
        CHECK(options.shutdown_timeout == 100ms);
        CHECK(options.quiet);
        CHECK(options.verbose);
        CHECK(options.threads == 0);
    }

    TEST_CASE("server: --metrics takes HOST:PORT")
    {
        using hello::server::HostPort;
        using hello::server::parse_host_port;
        CHECK_FALSE(hello::server::parse_server_command(Args{}).options.metrics);
        CHECK(hello::server::parse_server_command(Args{"--metrics", "127.0.0.1:9100"})
                  .options.metrics == HostPort{"127.0.0.1", 9100});
        CHECK(parse_host_port("[::1]:0", "--metrics") == HostPort{"::1", 0});
        CHECK(parse_host_port("localhost:80", "--metrics") == HostPort{"localhost", 80});
        CHECK_THROWS_AS(parse_host_port("9100", "--metrics"), UsageError);
        CHECK_THROWS_AS(parse_host_port(":9100", "--metrics"), UsageError);
        CHECK_THROWS_AS(parse_host_port("::1:9100", "--metrics"), UsageError);
        CHECK_THROWS_AS(parse_host_port("127.0.0.1:99999", "--metrics"), UsageError);
        CHECK_THROWS_WITH_AS(
            parse_host_port("nowhere", "--metrics"),
            "--metrics needs HOST:PORT (brackets around an IPv6 address), not 'nowhere'",
            UsageError);
    }

    TEST_CASE("server: --log-format text or json")
    {
        using hello::net::LogFormat;
        CHECK(hello::server::parse_server_command(Args{}).options.log_format == LogFormat::text);
        CHECK(
            hello::server::parse_server_command(Args{"--log-format", "json"}).options.log_format ==
            LogFormat::json);
        CHECK(
            hello::server::parse_server_command(Args{"--log-format", "text"}).options.log_format ==
            LogFormat::text);
        CHECK_THROWS_WITH_AS(hello::server::parse_server_command(Args{"--log-format", "xml"}),
                             "invalid log format 'xml' (expected text or json)", UsageError);
    }

    TEST_CASE("server: help, version and mistakes")
    {
        using Action = hello::cli::Action;
        CHECK(hello::server::parse_server_command(Args{"--help"}).action == Action::help);
        CHECK(hello::server::parse_server_command(Args{"--version"}).action == Action::version);
        CHECK_THROWS_AS(hello::server::parse_server_command(Args{"--port", "x"}), UsageError);
        CHECK_THROWS_AS(hello::server::parse_server_command(Args{"stray"}), UsageError);
        CHECK_THROWS_AS(hello::server::parse_server_command(Args{"--idle-timeout", "0"}),
                        UsageError);
        CHECK_THROWS_AS(hello::server::parse_server_command(Args{"--max-message", "0"}),
                        UsageError);
        CHECK(hello::server::server_usage().find("--delay") != std::string::npos);
    }
}
