#include <doctest/doctest.h>

#include <string_view>
#include <vector>

#include "cli/arguments.hpp"
#include "http/options.hpp"

using namespace hello;
using namespace hello::http;

namespace {

GetCommand parse(std::vector<std::string_view> arguments)
{
    return parse_get_command(arguments);
}

}  // namespace

TEST_SUITE_BEGIN("http_options");

TEST_CASE("defaults: the URL's file name, 30 s, no redirects, verification on")
{
    const auto command = parse({"http://example.com/files/report.pdf"});
    CHECK(command.action == hello::cli::Action::run);
    CHECK(command.options.url.host == "example.com");
    CHECK(command.options.output == "report.pdf");
    CHECK(command.options.max_time == std::chrono::seconds(30));
    CHECK_FALSE(command.options.follow_redirects);
    CHECK_FALSE(command.options.header_only);
    CHECK_FALSE(command.options.insecure);
    CHECK_FALSE(command.options.ca_file);
}

TEST_CASE("every option")
{
    const auto command = parse({"-o", "out.html", "-L", "--max-time", "5", "--header-only",
                                "--insecure", "--cacert=ca.pem", "https://[::1]:8443/"});
    const auto& options = command.options;
    CHECK(options.output == "out.html");
    CHECK(options.follow_redirects);
    CHECK(options.max_time == std::chrono::seconds(5));
    CHECK(options.header_only);
    CHECK(options.insecure);
    CHECK(options.ca_file == "ca.pem");
    CHECK(options.url.port == 8443);
    CHECK(parse({"-m", "250ms", "h"}).options.max_time == std::chrono::milliseconds(250));
}

TEST_CASE("help and version need no URL")
{
    CHECK(parse({"--help"}).action == hello::cli::Action::help);
    CHECK(parse({"--version"}).action == hello::cli::Action::version);
    CHECK(get_usage().find("Exit status") != std::string::npos);
}

TEST_CASE("command-line mistakes are usage errors")
{
    CHECK_THROWS_WITH_AS(parse({}), "no URL given", cli::UsageError);
    CHECK_THROWS_AS(parse({"a", "b"}), cli::UsageError);
    CHECK_THROWS_AS(parse({"--frobnicate", "h"}), cli::UsageError);
    CHECK_THROWS_AS(parse({"-o"}), cli::UsageError);
    CHECK_THROWS_AS(parse({"-o", "", "h"}), cli::UsageError);
    CHECK_THROWS_AS(parse({"--max-time", "0", "h"}), cli::UsageError);
    CHECK_THROWS_AS(parse({"--max-time", "soon", "h"}), cli::UsageError);
    CHECK_THROWS_WITH_AS(parse({"ftp://h/"}), doctest::Contains("unsupported scheme"),
                         cli::UsageError);
}

TEST_SUITE_END();
