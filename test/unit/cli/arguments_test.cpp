#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "cli/arguments.hpp"

using namespace hello::cli;

TEST_SUITE("cli")
{
    TEST_CASE("long options: '--name value' and '--name=value'; flags take no value")
    {
        const std::vector<std::string_view> args{"--port", "1", "--host=::1", "--host=", "--quiet"};
        ArgumentWalker walker(args);
        CHECK(walker.option("--port", "-p") == "1");
        CHECK(walker.option("--port", "-p") == std::nullopt);
        CHECK(walker.option("--host") == "::1");
        CHECK(walker.option("--host") == "");
        CHECK_FALSE(walker.flag("--quie"));  // no abbreviations, no prefix matches
        CHECK_FALSE(walker.option("--quiet-not"));
        CHECK(walker.flag("--quiet", "-q"));
        CHECK(walker.done());
    }

    TEST_CASE("short options: '-p 9999' and '-p9999'")
    {
        const std::vector<std::string_view> args{"-p", "9999", "-p9998", "-ofile", "-o", "-"};
        ArgumentWalker walker(args);
        CHECK(walker.option("--port", "-p") == "9999");
        CHECK_FALSE(walker.option("--output", "-o"));
        CHECK(walker.option("--port", "-p") == "9998");
        CHECK(walker.option("--output", "-o") == "file");
        CHECK(walker.option("--output", "-o") == "-");  // a value may look like anything
        CHECK(walker.done());
    }

    TEST_CASE("bundled short flags, the last of which may take a value")
    {
        const std::vector<std::string_view> args{"-qv", "-Lk", "-qp9999", "-vp", "9998", "-q"};
        ArgumentWalker walker(args);
        CHECK_FALSE(walker.flag("--verbose", "-v"));  // letters are taken in order
        CHECK(walker.flag("--quiet", "-q"));
        CHECK_FALSE(walker.positional());  // the rest of a bundle is not an argument
        CHECK_FALSE(walker.flag("--quiet", "-q"));
        CHECK(walker.flag("--verbose", "-v"));
        CHECK(walker.flag("--location", "-L"));
        CHECK(walker.flag("--insecure", "-k"));
        CHECK(walker.flag("--quiet", "-q"));
        CHECK(walker.option("--port", "-p") == "9999");
        CHECK(walker.flag("--verbose", "-v"));
        CHECK(walker.option("--port", "-p") == "9998");
        CHECK(walker.flag("--quiet", "-q"));
        CHECK(walker.done());
    }

    TEST_CASE("positional arguments mix with options; '--' ends the options")
    {
        const std::vector<std::string_view> args{"Michael", "-q", "-", "--", "-x", "--port", "--"};
        ArgumentWalker walker(args);
        CHECK_FALSE(walker.flag("--quiet", "-q"));
        CHECK(walker.positional() == "Michael");
        CHECK_FALSE(walker.positional());
        CHECK(walker.flag("--quiet", "-q"));
        CHECK(walker.positional() == "-");  // "-" alone is an argument (stdin, by convention)
        CHECK_FALSE(walker.flag("--xray", "-x"));
        CHECK(walker.positional() == "-x");  // after "--" everything is positional
        CHECK_FALSE(walker.option("--port"));
        CHECK(walker.positional() == "--port");
        CHECK(walker.positional() == "--");  // only the first "--" ends anything
        CHECK(walker.done());
    }

    TEST_CASE("'--' as the first or only argument, and as an option's value")
    {
        const std::vector<std::string_view> only{"--"};
        CHECK(ArgumentWalker(only).done());

        const std::vector<std::string_view> value{"--host", "--", "--", "-q"};
        ArgumentWalker walker(value);
        CHECK(walker.option("--host") == "--");
        CHECK_FALSE(walker.flag("--quiet", "-q"));
        CHECK(walker.positional() == "-q");
        CHECK(walker.done());
    }

    TEST_CASE("mistakes are usage errors that name the mistake")
    {
        auto error_of = [](std::vector<std::string_view> args) {
            ArgumentWalker walker(args);
            try {
                while (!walker.done()) {
                    if (walker.flag("--quiet", "-q") || walker.option("--port", "-p")) {
                        continue;
                    }
                    throw walker.unknown();
                }
            } catch (const UsageError& error) {
                return std::string(error.what());
            }
            return std::string("no error");
        };
        CHECK(error_of({"--port"}) == "option --port needs a value");
        CHECK(error_of({"-p"}) == "option -p needs a value");
        CHECK(error_of({"-qp"}) == "option -p needs a value");
        CHECK(error_of({"--quiet=yes"}) == "option --quiet takes no value");
        CHECK(error_of({"--bogus"}) == "unknown option '--bogus'");
        CHECK(error_of({"--bogus=1"}) == "unknown option '--bogus'");
        CHECK(error_of({"-x"}) == "unknown option '-x'");
        CHECK(error_of({"-qx"}) == "unknown option '-x'");
        CHECK(error_of({"extra"}) == "unexpected argument 'extra'");
        CHECK(error_of({"-q", "--", "-q"}) == "unexpected argument '-q'");
        CHECK(error_of({"-"}) == "unexpected argument '-'");
        CHECK(error_of({"-qq", "--port=1", "-p2"}) == "no error");
    }
}
