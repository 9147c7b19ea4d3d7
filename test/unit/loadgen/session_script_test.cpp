#include <doctest/doctest.h>

#include "loadgen/session_script.hpp"

using hello::loadgen::session_script;
using hello::protocol::Framing;

TEST_SUITE("bench_session_script")
{

    TEST_CASE("the tutorial's session: Welcome!, three names in raw framing, exit")
    {
        const auto script = session_script(Framing::raw, 3);
        CHECK(script.greeting == "Welcome!");
        REQUIRE(script.steps.size() == 3);
        CHECK(script.steps[0].request == "Michael");
        CHECK(script.steps[0].reply == "Hello, Michael!");
        CHECK(script.steps[1].request == "Tracy");
        CHECK(script.steps[1].reply == "Hello, Tracy!");
        CHECK(script.steps[2].request == "Sarah");
        CHECK(script.steps[2].reply == "Hello, Sarah!");
        CHECK(script.goodbye == "exit");
    }

    TEST_CASE("line framing: only the first reply also ends the greeting's line")
    {
        const auto script = session_script(Framing::line, 2);
        REQUIRE(script.steps.size() == 2);
        CHECK(script.steps[0].request == "Michael\n");
        CHECK(script.steps[0].reply == "\nHello, Michael!\n");
        CHECK(script.steps[1].request == "Tracy\n");
        CHECK(script.steps[1].reply == "Hello, Tracy!\n");
        CHECK(script.goodbye == "exit\n");
    }

    TEST_CASE("more names than the tutorial's take them in turn; none is a bare greeting")
    {
        const auto script = session_script(Framing::raw, 5);
        REQUIRE(script.steps.size() == 5);
        CHECK(script.steps[3].request == "Michael");
        CHECK(script.steps[4].reply == "Hello, Tracy!");
        const auto bare = session_script(Framing::raw, 0);
        CHECK(bare.steps.empty());
        CHECK(bare.goodbye == "exit");
    }
}
