#include <doctest/doctest.h>

#include <map>
#include <string>

#include "http/rules/failures.hpp"
#include "http/rules/route.hpp"

using namespace hello::http;

namespace {

Environment environment_of(std::map<std::string, std::string> variables)
{
    return [variables = std::move(variables)](const char* name) -> const char* {
        const auto found = variables.find(name);
        return found == variables.end() ? nullptr : found->second.c_str();
    };
}

}  // namespace

TEST_SUITE_BEGIN("http_route");

TEST_CASE("--resolve HOST:PORT:ADDRESS")
{
    CHECK(parse_resolve_override("Example.COM:443:127.0.0.1") ==
          ResolveOverride{"example.com", 443, "127.0.0.1"});
    CHECK(parse_resolve_override("h:80:[::1]") == ResolveOverride{"h", 80, "::1"});
    CHECK(parse_resolve_override("h:80:::1") == ResolveOverride{"h", 80, "::1"});
    CHECK_THROWS_AS(parse_resolve_override("h:80"), InvalidSetting);
    CHECK_THROWS_AS(parse_resolve_override(":80:1.2.3.4"), InvalidSetting);
    CHECK_THROWS_AS(parse_resolve_override("h:0:1.2.3.4"), InvalidSetting);
    CHECK_THROWS_AS(parse_resolve_override("h:99999:1.2.3.4"), InvalidSetting);
    CHECK_THROWS_AS(parse_resolve_override("h:80:"), InvalidSetting);
}

TEST_CASE("proxies from the environment: lower case first, then upper case")
{
    const auto settings = proxy_settings(
        std::nullopt, environment_of({{"http_proxy", "http://lower:3128"},
                                      {"HTTP_PROXY", "http://upper:3128"},
                                      {"HTTPS_PROXY", "upper-tls:8080"},
                                      {"NO_PROXY", " localhost, .internal.example ,10.0.0.1"}}));
    REQUIRE(settings.http);
    CHECK(settings.http->host == "lower");
    CHECK(settings.http->port == 3128);
    REQUIRE(settings.https);
    CHECK(settings.https->host == "upper-tls");
    CHECK(settings.no_proxy ==
          std::vector<std::string>{"localhost", ".internal.example", "10.0.0.1"});
    CHECK_FALSE(proxy_settings(std::nullopt, environment_of({})).http);
}

TEST_CASE("HTTP_PROXY is ignored: under CGI it is the client's Proxy header (httpoxy)")
{
    const auto settings =
        proxy_settings(std::nullopt, environment_of({{"HTTP_PROXY", "http://attacker:3128"},
                                                     {"HTTPS_PROXY", "http://upper-tls:8080"}}));
    CHECK_FALSE(settings.http);
    REQUIRE(settings.https);
    CHECK(settings.https->host == "upper-tls");
}

TEST_CASE("--proxy serves both schemes and overrides the environment; empty turns proxies off")
{
    const auto environment = environment_of({{"http_proxy", "http://env:1"}});
    const auto given = proxy_settings(std::string("http://cli:2"), environment);
    CHECK(given.http->host == "cli");
    CHECK(given.https->host == "cli");
    const auto off = proxy_settings(std::string(""), environment);
    CHECK_FALSE(off.http);
    CHECK_FALSE(off.https);
    CHECK_THROWS_AS(proxy_settings(std::string("https://p:1"), environment), InvalidSetting);
    CHECK_THROWS_AS(proxy_settings(std::nullopt, environment_of({{"http_proxy", "ftp://x"}})),
                    InvalidSetting);
}

TEST_CASE("no_proxy matches the host and the names under it, '*' everything")
{
    const std::vector<std::string> list = {"example.com", ".internal", "10.0.0.1", "[::1]"};
    CHECK(bypasses_proxy("example.com", list));
    CHECK(bypasses_proxy("WWW.Example.com", list));
    CHECK(bypasses_proxy("a.b.internal", list));
    CHECK(bypasses_proxy("internal", list));
    CHECK(bypasses_proxy("10.0.0.1", list));
    CHECK(bypasses_proxy("::1", list));
    CHECK_FALSE(bypasses_proxy("badexample.com", list));
    CHECK_FALSE(bypasses_proxy("10.0.0.10", list));
    CHECK(bypasses_proxy("anything", {"*"}));
}

TEST_CASE("the route: direct, through a proxy, and --resolve for the next hop")
{
    ProxySettings proxies;
    proxies.http = parse_url("http://proxy:3128");
    proxies.https = parse_url("http://tls-proxy:8080");
    proxies.no_proxy = {"local"};

    const auto direct = route_for(parse_url("http://site:81/"), {}, {});
    CHECK(direct.connect_host == "site");
    CHECK(direct.connect_port == 81);
    CHECK_FALSE(direct.proxy);
    CHECK_FALSE(direct.tunnel());

    const auto plain = route_for(parse_url("http://site/"), proxies, {});
    CHECK(plain.connect_host == "proxy");
    CHECK(plain.connect_port == 3128);
    CHECK_FALSE(plain.tunnel());

    const auto tls = route_for(parse_url("https://site/"), proxies, {});
    CHECK(tls.connect_host == "tls-proxy");
    CHECK(tls.tunnel());

    CHECK_FALSE(route_for(parse_url("http://host.local/"), proxies, {}).proxy);

    const std::vector<ResolveOverride> overrides = {{"site", 443, "127.0.0.2"},
                                                    {"proxy", 3128, "::1"}};
    CHECK(route_for(parse_url("https://SITE/"), {}, overrides).connect_host == "127.0.0.2");
    CHECK(route_for(parse_url("https://site:444/"), {}, overrides).connect_host == "site");
    CHECK(route_for(parse_url("http://site/"), proxies, overrides).connect_host == "::1");
}

TEST_CASE("localhost and the names under it are loopback (RFC 6761)")
{
    CHECK(is_localhost_name("localhost"));
    CHECK(is_localhost_name("LocalHost."));
    CHECK(is_localhost_name("app.localhost"));
    CHECK_FALSE(is_localhost_name("notlocalhost"));
    CHECK_FALSE(is_localhost_name("localhost.example"));
    CHECK_FALSE(is_localhost_name(""));
}

TEST_SUITE_END();
