// The one doctest main for every unit test file in test/unit/.
//
// Meson runs each FILE_test.cpp as its own test, "unit/FILE", by filtering on
// the source file (test/meson.build). Two rules keep a test from silently not
// running: a run whose filter matches no test case fails (a test file renamed
// or emptied, a typo in a filter), and every test case sits in a TEST_SUITE
// named after its file (so `--test-suite=FILE` and "unit/FILE" mean the same
// thing, in one naming style).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

// What the checks below found, read by main() once the run is over.
struct Findings {
    bool ran = false;
    unsigned test_cases = 0;
    std::vector<std::string> misplaced;  // "FILE:LINE: TEST CASE NAME (suite 'X')"
};
Findings findings;

// "../test/unit/cli_test.cpp" -> "cli"
std::string_view suite_for_file(std::string_view path)
{
    path = path.substr(path.find_last_of("/\\") + 1);
    constexpr std::string_view suffix = "_test.cpp";
    return path.ends_with(suffix) ? path.substr(0, path.size() - suffix.size()) : path;
}

// A doctest listener: it sees every test case that passes the filters.
struct RegistrationCheck : doctest::IReporter {
    explicit RegistrationCheck(const doctest::ContextOptions&) {}

    void test_case_start(const doctest::TestCaseData& test) override
    {
        const std::string_view file = test.m_file.c_str();
        if (suite_for_file(file) != test.m_test_suite) {
            findings.misplaced.push_back(fmt::format("{}:{}: \"{}\" is in suite '{}'", file,
                                                     test.m_line, test.m_name, test.m_test_suite));
        }
    }

    void test_run_end(const doctest::TestRunStats& stats) override
    {
        findings.ran = true;
        findings.test_cases = stats.numTestCasesPassingFilters;
    }

    void report_query(const doctest::QueryData&) override {}
    void test_run_start() override {}
    void test_case_reenter(const doctest::TestCaseData&) override {}
    void test_case_end(const doctest::CurrentTestCaseStats&) override {}
    void test_case_exception(const doctest::TestCaseException&) override {}
    void subcase_start(const doctest::SubcaseSignature&) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData&) override {}
    void log_message(const doctest::MessageData&) override {}
    void test_case_skipped(const doctest::TestCaseData&) override {}
};

}  // namespace

REGISTER_LISTENER("registration_check", 1, RegistrationCheck);

int main(int argc, char** argv)
{
    doctest::Context context(argc, argv);
    const int status = context.run();
    if (context.shouldExit() || !findings.ran) {  // --help, --list-test-cases, ...
        return status;
    }
    for (const auto& test : findings.misplaced) {
        fmt::print(stderr,
                   "{}: every test case must be in TEST_SUITE(\"FILE\") of its FILE_test.cpp\n",
                   test);
    }
    if (findings.test_cases == 0) {
        fmt::print(stderr, "no test case matches the filters: nothing was tested\n");
        return 1;
    }
    return findings.misplaced.empty() ? status : 1;
}
