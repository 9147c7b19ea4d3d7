#include <doctest/doctest.h>

#include <string_view>
#include <vector>

#include "cli/arguments.hpp"
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
