#include <doctest/doctest.h>

#include <string_view>
#include <vector>

#include "cli/arguments.hpp"
#include "client/options.hpp"

using namespace std::chrono_literals;
using hello::cli::UsageError;
using Args = std::vector<std::string_view>;

TEST_SUITE("client_options")
{
    TEST_CASE("client: names, host and port")
    {
        const auto command = hello::client::parse_client_command(
            Args{"--host", "::1", "-p", "1234", "Michael", "Tracy", "--timeout", "2s", "Sarah"});
        const auto& options = command.options;
        CHECK(options.host == "::1");
        CHECK(options.port == "1234");
        CHECK(options.timeout == 2s);
        CHECK(options.names == std::vector<std::string>{"Michael", "Tracy", "Sarah"});
    }

    TEST_CASE("client: no names means standard input; mistakes are usage errors")
    {
        CHECK(hello::client::parse_client_command(Args{}).options.names.empty());
        CHECK_THROWS_AS(hello::client::parse_client_command(Args{"--port", "0"}), UsageError);
        CHECK_THROWS_AS(hello::client::parse_client_command(Args{"a\nb"}), UsageError);
        CHECK_THROWS_AS(hello::client::parse_client_command(Args{"--nope"}), UsageError);
    }
}
