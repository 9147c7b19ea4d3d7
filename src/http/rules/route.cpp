#include "http/rules/route.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <initializer_list>

#include "http/wire/errors.hpp"
#include "http/wire/idn.hpp"
#include "http/wire/text.hpp"
#include "protocol/printable.hpp"

namespace hello::http {
namespace {

[[noreturn]] void reject_resolve(std::string_view text, std::string_view why)
{
    throw InvalidSetting(fmt::format("bad --resolve '{}': {} (expected HOST:PORT:ADDRESS)",
                                     protocol::printable(text, 200), why));
}

std::string ascii_lowered(std::string_view text)
{
    std::string lowered(text);
    std::ranges::transform(lowered, lowered.begin(), ascii_lower);
    return lowered;
}

// The first of `names` that is set and not empty.
std::optional<std::string> variable(const Environment& environment,
                                    std::initializer_list<const char*> names)
{
    for (const char* name : names) {
        if (const char* value = environment(name); value != nullptr && *value != '\0') {
            return std::string(value);
        }
    }
    return std::nullopt;
}

std::optional<Url> proxy_url(const std::optional<std::string>& text, std::string_view source)
{
    if (!text || text->empty()) {
        return std::nullopt;
    }
    try {
        auto url = parse_url(*text);
        if (url.scheme != Scheme::http) {
            throw InvalidUrl("only http:// proxies are supported");
        }
        return url;
    } catch (const InvalidUrl& error) {
        throw InvalidSetting(fmt::format("bad proxy in {}: {}", source, error.what()));
    }
}

std::vector<std::string> split_no_proxy(std::string_view list)
{
    std::vector<std::string> entries;
    while (!list.empty()) {
        const auto comma = list.find(',');
        const auto entry = trim(list.substr(0, comma));
        if (!entry.empty()) {
            entries.push_back(ascii_lowered(entry));
        }
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
    return entries;
}

}  // namespace

ResolveOverride parse_resolve_override(std::string_view text)
{
    const auto first = text.find(':');
    if (first == std::string_view::npos || first == 0) {
        reject_resolve(text, "no host");
    }
    const auto second = text.find(':', first + 1);
    if (second == std::string_view::npos) {
        reject_resolve(text, "no address");
    }
    const auto port_text = text.substr(first + 1, second - first - 1);
    unsigned port = 0;
    const auto [end, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error != std::errc{} || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
        reject_resolve(text, "bad port");
    }
    auto address = text.substr(second + 1);
    if (address.starts_with('[') && address.ends_with(']')) {
        address = address.substr(1, address.size() - 2);
    }
    if (address.empty()) {
        reject_resolve(text, "no address");
    }
    std::string host;
    try {
        host = ascii_lowered(to_ascii_host(text.substr(0, first)));
    } catch (const InvalidUrl& error) {
        reject_resolve(text, error.what());
    }
    return {std::move(host), static_cast<std::uint16_t>(port), std::string(address)};
}

ProxySettings proxy_settings(const std::optional<std::string>& proxy_option,
                             const Environment& environment)
{
    ProxySettings settings;
    if (proxy_option) {
        settings.http = proxy_url(proxy_option, "--proxy");
        settings.https = settings.http;
    } else {
        // Lower case only: a CGI program gets a request's "Proxy:" header as
        // HTTP_PROXY, so honouring it would let any client pick our proxy
        // ("httpoxy", CVE-2016-5385). curl ignores it for the same reason.
        settings.http = proxy_url(variable(environment, {"http_proxy"}), "http_proxy");
        settings.https =
            proxy_url(variable(environment, {"https_proxy", "HTTPS_PROXY"}), "https_proxy");
    }
    if (const auto list = variable(environment, {"no_proxy", "NO_PROXY"})) {
        settings.no_proxy = split_no_proxy(*list);
    }
    return settings;
}

bool bypasses_proxy(std::string_view host, const std::vector<std::string>& no_proxy)
{
    const auto name = ascii_lowered(host);
    return std::ranges::any_of(no_proxy, [&name](std::string_view entry) {
        if (entry == "*") {
            return true;
        }
        if (entry.starts_with('.')) {
            entry.remove_prefix(1);
        }
        if (entry.starts_with('[') && entry.ends_with(']')) {
            entry = entry.substr(1, entry.size() - 2);
        }
        return name == entry || (name.size() > entry.size() && name.ends_with(entry) &&
                                 name[name.size() - entry.size() - 1] == '.');
    });
}

bool Route::tunnel() const
{
    return proxy.has_value() && origin_scheme == Scheme::https;
}

bool is_localhost_name(std::string_view host)
{
    if (!host.empty() && host.back() == '.') {
        host.remove_suffix(1);
    }
    constexpr std::string_view name = "localhost";
    if (host.size() == name.size()) {
        return iequals(host, name);
    }
    return host.size() > name.size() && host[host.size() - name.size() - 1] == '.' &&
           iequals(host.substr(host.size() - name.size()), name);
}

Route route_for(const Url& origin, const ProxySettings& proxies,
                const std::vector<ResolveOverride>& overrides)
{
    Route route;
    route.origin_scheme = origin.scheme;
    const auto& proxy = origin.scheme == Scheme::https ? proxies.https : proxies.http;
    if (proxy && !bypasses_proxy(origin.host, proxies.no_proxy)) {
        route.proxy = proxy;
    }
    const Url& next_hop = route.proxy ? *route.proxy : origin;
    route.connect_host = next_hop.host;
    route.connect_port = next_hop.port;
    const auto name = ascii_lowered(next_hop.host);
    const auto override = std::ranges::find_if(overrides, [&](const ResolveOverride& entry) {
        return entry.host == name && entry.port == next_hop.port;
    });
    if (override != overrides.end()) {
        route.connect_host = override->address;
    }
    return route;
}

}  // namespace hello::http
