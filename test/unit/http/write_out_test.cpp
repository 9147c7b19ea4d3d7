#include <doctest/doctest.h>

#include "http/errors.hpp"
#include "http/write_out.hpp"

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

TEST_CASE("a typo is an error, not an empty value")
{
    CHECK_THROWS_WITH_AS(parse_write_out("%{http_cod}"), doctest::Contains("unknown"),
                         InvalidSetting);
    CHECK_THROWS_WITH_AS(parse_write_out("%{http_code"), doctest::Contains("without"),
                         InvalidSetting);
    CHECK(parse_write_out("").empty());
    CHECK(render_write_out(parse_write_out("\\"), TransferFacts{}) == "\\");
}

TEST_SUITE_END();
