#include <doctest/doctest.h>

#include "http/command_line/curl_words.hpp"

using namespace hello::http;

TEST_SUITE_BEGIN("http_curl_words");

TEST_CASE("curl's first line where scripts read it, with its exit status")
{
    TransferFacts facts;
    facts.http_code = 404;
    facts.num_redirects = 3;
    CHECK(curl_error_line(ExitCode::http_error, facts) ==
          "(22) The requested URL returned error: 404");
    CHECK(curl_error_line(ExitCode::range_error, facts) ==
          "(33) HTTP server doesn't seem to support byte ranges. Cannot resume.");
    CHECK(curl_error_line(ExitCode::too_many_redirects, facts) ==
          "(47) Maximum (3) redirects followed");
    CHECK(curl_error_line(ExitCode::file_too_large, facts) == "(63) Maximum file size exceeded");
}

TEST_CASE("elsewhere curl's words are its own: none")
{
    CHECK_FALSE(curl_error_line(ExitCode::connect_failed, TransferFacts{}));
    CHECK_FALSE(curl_error_line(ExitCode::would_clobber, TransferFacts{}));
}

TEST_SUITE_END();
