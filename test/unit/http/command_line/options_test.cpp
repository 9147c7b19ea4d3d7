#include <doctest/doctest.h>

#include <string_view>
#include <vector>

#include "cli/arguments.hpp"
#include "http/command_line/options.hpp"
#include "http/rules/failures.hpp"

using namespace hello;
using namespace hello::http;

namespace {

GetCommand parse(std::vector<std::string_view> arguments)
{
    return parse_get_command(arguments);
}

}  // namespace

TEST_SUITE_BEGIN("http_options");

TEST_CASE("defaults: the URL's file name, no total limit, 30 s to connect, 60 s of stall")
{
    const auto command = parse({"http://example.com/files/report.pdf"});
    CHECK(command.action == hello::cli::Action::run);
    CHECK(command.options.url.host == "example.com");
    CHECK(command.options.output == "report.pdf");
    CHECK_FALSE(command.options.limits.max_time);
    CHECK(command.options.limits.connect_timeout == std::chrono::seconds(30));
    CHECK(command.options.limits.stall_timeout == std::chrono::seconds(60));
    CHECK_FALSE(command.options.fail_on_error);
    CHECK_FALSE(command.options.verbose);
    CHECK_FALSE(command.options.silent);
    CHECK_FALSE(command.options.proxy);
    CHECK(command.options.request.user_agent.starts_with("hello-asio-http_get/"));
    CHECK(command.options.request.extra_headers.empty());
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
    CHECK(options.limits.max_time == std::chrono::seconds(5));
    CHECK(options.header_only);
    CHECK(options.insecure);
    CHECK(options.ca_file == "ca.pem");
    CHECK(options.url.port == 8443);
    CHECK(parse({"-m", "250ms", "h"}).options.limits.max_time == std::chrono::milliseconds(250));
}

TEST_CASE("the curl spellings")
{
    const auto command = parse({"-f",
                                "-v",
                                "-s",
                                "-I",
                                "-A",
                                "agent/1",
                                "-H",
                                "X-A: 1",
                                "--header=X-B: 2",
                                "--connect-timeout",
                                "2s",
                                "--stall-timeout",
                                "3",
                                "--resolve",
                                "h:80:127.0.0.1",
                                "--proxy",
                                "http://p:3128",
                                "-o",
                                "-",
                                "http://h/"});
    const auto& options = command.options;
    CHECK(options.fail_on_error);
    CHECK(options.verbose);
    CHECK(options.silent);
    CHECK(options.header_only);
    CHECK(options.request.user_agent == "agent/1");
    REQUIRE(options.request.extra_headers.size() == 2);
    CHECK(options.request.extra_headers[1].name == "X-B");
    CHECK(options.request.extra_headers[1].value == "2");
    CHECK(options.limits.connect_timeout == std::chrono::seconds(2));
    CHECK(options.limits.stall_timeout == std::chrono::seconds(3));
    CHECK(options.resolve_overrides == std::vector<ResolveOverride>{{"h", 80, "127.0.0.1"}});
    CHECK(options.proxy == "http://p:3128");
    CHECK(options.output == "-");
    CHECK(parse({"--head", "h"}).options.header_only);
    CHECK(parse({"--header-only", "h"}).options.header_only);
    CHECK(parse({"-O", "http://h/a/b.txt"}).options.output == "b.txt");
}

TEST_CASE("durations with fractions, as curl takes them")
{
    const auto max_time = [](std::string_view text) {
        return parse({"-m", text, "h"}).options.limits.max_time;
    };
    CHECK(max_time("0.5") == std::chrono::milliseconds(500));
    CHECK(max_time("2.5s") == std::chrono::milliseconds(2500));
    CHECK(max_time(".25") == std::chrono::milliseconds(250));
    CHECK(max_time("1.5m") == std::chrono::seconds(90));
    CHECK(max_time("0.5ms") == std::chrono::milliseconds(1));
    CHECK(max_time("24h") == std::chrono::hours(24));
    for (const auto bad : {"0.0001", "1.2.3", ".", "1,5", "-1", "25h", "1.5x", "", "s"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(parse({"-m", bad, "h"}), cli::UsageError);
    }
}

TEST_CASE("curl's scripting options, bundled as curl users type them")
{
    const auto command = parse({"-sSi4", "-D", "heads", "-e", "http://from/", "-u", "me:pw",
                                "--max-redirs", "3", "-w", "%{http_code}\\n", "http://h/"});
    const auto& options = command.options;
    CHECK(options.silent);
    CHECK(options.show_error);
    CHECK(options.include_head);
    CHECK(options.ip_family == IpFamily::v4);
    CHECK(options.dump_header == "heads");
    CHECK(options.request.referer == "http://from/");
    CHECK(options.request.credentials == "me:pw");
    CHECK(options.max_redirects == 3);
    CHECK(options.write_out.size() == 2);
    CHECK(parse({"-6", "h"}).options.ip_family == IpFamily::v6);
    CHECK(parse({"--max-redirs", "-1", "h"}).options.max_redirects == -1);
    CHECK(parse({"h"}).options.max_redirects == default_max_redirects);
    CHECK(parse({"http://a:b@h/"}).options.request.credentials == "a:b");
    CHECK(parse({"-u", "x:y", "http://a:b@h/"}).options.request.credentials == "x:y");
    CHECK_THROWS_AS(parse({"-w", "%{nope", "h"}), cli::UsageError);
    CHECK_THROWS_AS(parse({"-u", "nopassword", "h"}), cli::UsageError);
    CHECK_THROWS_AS(parse({"--max-redirs", "-2", "h"}), cli::UsageError);
    CHECK_THROWS_AS(parse({"-e", "a\r\nb", "h"}), cli::UsageError);
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
    CHECK_THROWS_AS(parse({"--stall-timeout", "0", "h"}), cli::UsageError);
    CHECK_THROWS_AS(parse({"--connect-timeout", "0", "h"}), cli::UsageError);
    CHECK_THROWS_WITH_AS(parse({"-o", "x", "-O", "h"}), doctest::Contains("choose one"),
                         cli::UsageError);
    CHECK_THROWS_AS(parse({"-H", "no colon", "h"}), cli::UsageError);
    CHECK_THROWS_AS(parse({"-A", "bad\r\nX: y", "h"}), cli::UsageError);
    CHECK_THROWS_AS(parse({"--resolve", "h:80", "h"}), cli::UsageError);
}

TEST_CASE("a bad URL is no usage error: curl's exit statuses tell them apart")
{
    CHECK_THROWS_WITH_AS(parse({"ftp://h/"}), doctest::Contains("unsupported scheme"),
                         UnsupportedScheme);
    CHECK_THROWS_AS(parse({"http://[::1"}), InvalidUrl);
}

TEST_CASE("-o names the output: consent to replace a file there")
{
    CHECK(parse({"-o", "f", "h"}).options.output_named);
    CHECK_FALSE(parse({"h/f"}).options.output_named);
    CHECK_FALSE(parse({"-O", "h/f"}).options.output_named);
}

TEST_CASE("--output-dir, -r, --fail-with-body")
{
    CHECK(parse({"--output-dir", "d", "-o", "f", "h"}).options.output == "d/f");
    CHECK(parse({"--output-dir", "d", "h/x.bin"}).options.output == "d/x.bin");
    CHECK(parse({"--output-dir", "d", "-o", "/abs", "h"}).options.output == "/abs");
    CHECK(parse({"--output-dir", "d", "-o", "-", "h"}).options.output == "-");
    const auto ranged = parse({"-r", "0-99", "h"}).options.request.extra_headers;
    REQUIRE(ranged.size() == 1);
    CHECK(ranged[0].value == "bytes=0-99");
    CHECK_THROWS_AS(parse({"-r", "0-9", "-C", "-", "-o", "f", "h"}), cli::UsageError);
    CHECK_THROWS_AS(parse({"-r", "0-9", "-C", "10", "-o", "f", "h"}), cli::UsageError);
    CHECK_THROWS_AS(parse({"-r", "0-9\r\nX: y", "h"}), cli::UsageError);
    const auto failing = parse({"--fail-with-body", "h"}).options;
    CHECK(failing.fail_on_error);
    CHECK(failing.fail_with_body);
}

TEST_CASE("--retry-connrefused and --retry-all-errors")
{
    CHECK_FALSE(parse({"h"}).options.retry.connection_refused);
    CHECK(parse({"--retry-connrefused", "h"}).options.retry.connection_refused);
    CHECK(parse({"--retry-all-errors", "h"}).options.retry.all_errors);
}

TEST_CASE("-C takes '-' or a byte offset")
{
    const auto continued = parse({"-C", "1000", "-o", "f", "h"}).options;
    CHECK(continued.continue_at == 1000U);
    CHECK_FALSE(continued.resume);
    const auto dash = parse({"-C", "-", "-o", "f", "h"}).options;
    CHECK(dash.resume);
    CHECK_FALSE(dash.continue_at);
    CHECK_FALSE(parse({"-C", "0", "h"}).options.continue_at);  // a plain fetch, as curl's
    CHECK(parse({"-C", "5", "-o", "-", "h"}).options.continue_at == 5U);
    CHECK_THROWS_AS(parse({"-C", "-", "-o", "-", "h"}), cli::UsageError);
    CHECK_THROWS_AS(parse({"-C", "x", "h"}), cli::UsageError);
    CHECK_THROWS_AS(parse({"-C", "-5", "h"}), cli::UsageError);
    CHECK_THROWS_AS(parse({"-C", "5", "--compressed", "h"}), cli::UsageError);
}

TEST_SUITE_END();
