#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "http/rules/failures.hpp"
#include "http/rules/write_out.hpp"

using namespace hello::http;

TEST_SUITE_BEGIN("http_write_out");

TEST_CASE("variables, escapes and literal text")
{
    TransferFacts facts;
    facts.http_code = 200;
    facts.size_download = 1234;
    facts.time_connect = 0.001;
    facts.time_appconnect = 0.0025;
    facts.time_starttransfer = 0.5;
    facts.time_total = 1.25;
    facts.url_effective = "http://h/x";
    facts.num_redirects = 2;
    facts.remote_ip = "::1";
    facts.content_type = "text/html";
    facts.exitcode = 0;
    const auto format = parse_write_out(
        "%{http_code} %{size_download} %{time_connect} %{time_appconnect} "
        "%{time_starttransfer} %{time_total}\\t%{url_effective} %{num_redirects} %{remote_ip} "
        "%{content_type} %{exitcode}%{errormsg} 100%% \\\\ \\q %x\\n");
    CHECK(render_write_out(format, facts) ==
          "200 1234 0.001000 0.002500 0.500000 1.250000\thttp://h/x 2 ::1 text/html 0 100% \\ "
          "\\q %x\n");
}

TEST_CASE("no response: http_code 000, and the error")
{
    TransferFacts facts;
    facts.exitcode = 3;
    facts.errormsg = "cannot resolve 'x'";
    CHECK(render_write_out(parse_write_out("%{http_code}|%{exitcode}|%{errormsg}"), facts) ==
          "000|3|cannot resolve 'x'");
    CHECK(render_write_out(parse_write_out("%{response_code}"), facts) == "000");
}

TEST_CASE("an unknown variable prints nothing and is named for a warning, as curl")
{
    const auto format = parse_write_out("a%{http_cod}b%{nope}");
    CHECK(render_write_out(format, TransferFacts{}) == "ab");
    CHECK(unknown_variables(format) == std::vector<std::string>{"http_cod", "nope"});
    CHECK(unknown_variables(parse_write_out("%{http_code}")).empty());
}

TEST_CASE("curl's other variables")
{
    TransferFacts facts;
    facts.size_download = 3000;
    facts.time_total = 2;
    facts.http_version = "1.1";
    facts.scheme = "HTTPS";
    facts.size_header = 184;
    facts.size_request = 79;
    facts.num_connects = 2;
    facts.redirect_url = "http://h/next";
    facts.filename_effective = "out";
    facts.time_redirect = 0.25;
    CHECK(
        render_write_out(parse_write_out("%{speed_download} %{http_version} %{scheme} "
                                         "%{size_header} %{size_request} %{num_connects} "
                                         "%{redirect_url} %{filename_effective} %{time_redirect}"),
                         facts) == "1500 1.1 HTTPS 184 79 2 http://h/next out 0.250000");
    CHECK(render_write_out(parse_write_out("%{http_version}"), TransferFacts{}) == "0");
}

TEST_CASE("%{time_namelookup} and %{time_pretransfer}, alone and in %{json}")
{
    TransferFacts facts;
    facts.time_namelookup = 0.0005;
    facts.time_pretransfer = 0.003;
    const auto format = parse_write_out("%{time_namelookup} %{time_pretransfer}");
    CHECK(unknown_variables(format).empty());
    CHECK(render_write_out(format, facts) == "0.000500 0.003000");
    const auto json = render_write_out(parse_write_out("%{json}"), facts);
    CHECK(json.find("\"time_namelookup\":0.000500") != std::string::npos);
    CHECK(json.find("\"time_pretransfer\":0.003000") != std::string::npos);
}

TEST_CASE("%{json}: every variable, numbers as numbers, strings escaped, no error as null")
{
    TransferFacts facts;
    facts.http_code = 404;
    facts.content_type = "text/\"odd\"\n";
    const auto json = render_write_out(parse_write_out("%{json}"), facts);
    CHECK(json.front() == '{');
    CHECK(json.back() == '}');
    CHECK(json.find("\"http_code\":404") != std::string::npos);
    CHECK(json.find("\"response_code\":404") != std::string::npos);
    CHECK(json.find("\"content_type\":\"text/\\\"odd\\\"\\u000a\"") != std::string::npos);
    CHECK(json.find("\"errormsg\":null") != std::string::npos);
    CHECK(json.find("\"time_total\":0.000000") != std::string::npos);
    CHECK(json.find("json") == std::string::npos);
}

TEST_CASE("an unclosed variable is an error")
{
    CHECK_THROWS_WITH_AS(parse_write_out("%{http_code"), doctest::Contains("without"),
                         InvalidSetting);
    CHECK(parse_write_out("").empty());
    CHECK(render_write_out(parse_write_out("\\"), TransferFacts{}) == "\\");
}

TEST_SUITE_END();
