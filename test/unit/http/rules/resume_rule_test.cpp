#include <doctest/doctest.h>

#include "http/rules/resume_rule.hpp"

using namespace hello::http;

TEST_SUITE_BEGIN("http_resume_rule");

TEST_CASE("only a file marked with a validator is continued")
{
    CHECK(resume_offset({400, "\"v1\"", 1000, true}) == 400U);
    CHECK(resume_offset({400, "\"v1\"", std::nullopt, true}) == 400U);
    CHECK(resume_offset({1000, "\"v1\"", 1000, false}) == 1000U);  // complete: the server says 416
    CHECK(resume_offset({400, std::nullopt, std::nullopt, false}) == std::nullopt);
    CHECK(resume_offset({400, std::nullopt, 1000, true}) == std::nullopt);
    CHECK(resume_offset({0, "\"v1\"", 1000, true}) == std::nullopt);
}

TEST_CASE("a file longer than the resource it is marked with is no prefix of it")
{
    CHECK(resume_offset({1001, "\"v1\"", 1000, false}) == std::nullopt);
}

TEST_CASE("a 416 with a length: complete when the length is the file's")
{
    const FileMark partial{400, "\"v1\"", std::nullopt, true};
    CHECK(unsatisfiable_means_complete(partial, ContentRange{std::nullopt, std::nullopt, 400}));
    CHECK_FALSE(
        unsatisfiable_means_complete(partial, ContentRange{std::nullopt, std::nullopt, 399}));
    const FileMark whole{1000, "\"v1\"", 1000, false};
    CHECK_FALSE(
        unsatisfiable_means_complete(whole, ContentRange{std::nullopt, std::nullopt, 2000}));
}

TEST_CASE("a 416 without a length: complete only when the mark says the file is whole")
{
    CHECK(unsatisfiable_means_complete({1000, "\"v1\"", 1000, false}, std::nullopt));
    CHECK(unsatisfiable_means_complete({1000, "\"v1\"", std::nullopt, false}, std::nullopt));
    CHECK_FALSE(unsatisfiable_means_complete({400, "\"v1\"", 1000, true}, std::nullopt));
    CHECK_FALSE(unsatisfiable_means_complete({400, "\"v1\"", std::nullopt, true}, std::nullopt));
    // A length the file was marked with wins over the partial flag either way.
    CHECK(unsatisfiable_means_complete({1000, "\"v1\"", 1000, true}, std::nullopt));
    CHECK_FALSE(unsatisfiable_means_complete({400, "\"v1\"", 1000, false}, std::nullopt));
    // "bytes */*" is no length at all.
    CHECK_FALSE(
        unsatisfiable_means_complete({400, "\"v1\"", std::nullopt, true},
                                     ContentRange{std::nullopt, std::nullopt, std::nullopt}));
}

TEST_CASE("-C OFFSET continues only a file of exactly OFFSET bytes")
{
    CHECK_FALSE(offset_refusal("f", 1000, 1000));
    const auto shorter = offset_refusal("f", 500, 1000);
    REQUIRE(shorter);
    CHECK(shorter->find("f is 500 bytes long, not 1000") != std::string::npos);
    const auto longer = offset_refusal("f", 2000, 1000);
    REQUIRE(longer);
    CHECK(longer->find("2000 bytes long") != std::string::npos);
    const auto missing = offset_refusal("f", std::nullopt, 1000);
    REQUIRE(missing);
    CHECK(missing->find("no regular file") != std::string::npos);
    CHECK(offset_refusal("f", 0, 1));
}

TEST_CASE("a partial kept beside the target is hidden next to it")
{
    CHECK(kept_partial_path("f") == ".f.http_get-partial");
    CHECK(kept_partial_path("dir/big.iso") == "dir/.big.iso.http_get-partial");
    CHECK(kept_partial_path("/tmp/a b") == "/tmp/.a b.http_get-partial");
}

TEST_SUITE_END();
