#pragma once
// Where the TCP connection for a URL goes, and how the request travels on it:
//  - straight to the origin server;
//  - to a proxy (--proxy, or http_proxy / https_proxy unless no_proxy says
//    otherwise): plain http as an absolute-form request the proxy forwards,
//    https through a CONNECT tunnel, with TLS end to end to the origin;
//  - either of them at an address given by --resolve HOST:PORT:ADDR instead
//    of the one DNS would give (curl's option, for tests and for servers
//    not yet in DNS).
// Pure rules, so the unit tests can check each case.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/wire/url.hpp"

namespace hello::http {

// --resolve HOST:PORT:ADDR
struct ResolveOverride {
    std::string host;  // compared without regard to case, after IDN conversion
    std::uint16_t port = 0;
    std::string address;  // an IP address, IPv6 without brackets

    bool operator==(const ResolveOverride&) const = default;
};

// Throws InvalidSetting.
ResolveOverride parse_resolve_override(std::string_view text);

struct ProxySettings {
    std::optional<Url> http;            // for http:// URLs
    std::optional<Url> https;           // for https:// URLs
    std::vector<std::string> no_proxy;  // host suffixes; "*" means every host
};

// Reads http_proxy, https_proxy and no_proxy (the lower-case name first, then
// the upper-case one, except HTTP_PROXY: under CGI that is a request's
// "Proxy:" header, httpoxy) through `environment`; --proxy URL, when given, serves
// both schemes and an empty --proxy turns proxies off. A proxy URL without a
// scheme means http://, and only http:// proxies exist for us.
// Throws InvalidSetting for a proxy URL we cannot use.
using Environment = std::function<const char*(const char* name)>;
ProxySettings proxy_settings(const std::optional<std::string>& proxy_option,
                             const Environment& environment);

// no_proxy's rule, as curl applies it: "example.com" and ".example.com" match
// example.com and every name under it; "*" matches all; addresses match exactly.
bool bypasses_proxy(std::string_view host, const std::vector<std::string>& no_proxy);

// RFC 6761: "localhost" and the names under it are loopback, whatever the
// resolver says; curl connects to ::1 or 127.0.0.1 itself, so that -6
// works on a host whose /etc/hosts has no "::1 localhost".
bool is_localhost_name(std::string_view host);

struct Route {
    std::string connect_host;  // what TCP connects to: the origin or the proxy...
    std::uint16_t connect_port = 0;
    std::optional<Url> proxy;  // set when the request goes through one
    // https through a proxy: CONNECT first, then TLS with the origin.
    bool tunnel() const;
    Scheme origin_scheme = Scheme::http;
};

Route route_for(const Url& origin, const ProxySettings& proxies,
                const std::vector<ResolveOverride>& overrides);

}  // namespace hello::http
