#include <doctest/doctest.h>

#include "http/rules/stdout_rule.hpp"

using namespace hello::http;

TEST_SUITE_BEGIN("http_stdout_rule");

TEST_CASE("the bare command keeps the tutorial's head on stdout")
{
    CHECK(head_place({}) == HeadPlace::standard_output);
}

TEST_CASE("-w and -s with a file keep the head off stdout")
{
    CHECK(head_place({.write_out = true}) == HeadPlace::nowhere);
    CHECK(head_place({.silent = true}) == HeadPlace::nowhere);
    CHECK(head_place({.include_head = true, .write_out = true}) == HeadPlace::output);
}

TEST_CASE("-o -: stdout is the body; the head goes to stderr unless -s, -v or -i")
{
    CHECK(head_place({.body_to_stdout = true}) == HeadPlace::standard_error);
    CHECK(head_place({.body_to_stdout = true, .silent = true}) == HeadPlace::nowhere);
    CHECK(head_place({.body_to_stdout = true, .verbose = true}) == HeadPlace::nowhere);
    CHECK(head_place({.body_to_stdout = true, .include_head = true}) == HeadPlace::output);
}

TEST_CASE("-D - prints each head once")
{
    CHECK(head_place({.dump_to_stdout = true}) == HeadPlace::nowhere);
    CHECK(dump_writes_head({.dump_to_stdout = true}));
    const OutputChoices both{.body_to_stdout = true, .include_head = true, .dump_to_stdout = true};
    CHECK(head_place(both) == HeadPlace::output);
    CHECK_FALSE(dump_writes_head(both));
    CHECK(dump_writes_head({.include_head = true, .dump_to_stdout = true}));  // -i into a file
}

TEST_CASE("-I: the head is the output")
{
    CHECK(head_place({.header_only = true}) == HeadPlace::standard_output);
    CHECK(head_place({.silent = true, .header_only = true}) == HeadPlace::standard_output);
    CHECK(head_place({.dump_to_stdout = true, .header_only = true}) == HeadPlace::nowhere);
}
