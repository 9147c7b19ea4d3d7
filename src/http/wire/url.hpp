#pragma once
// URLs as http_get accepts them: http:// or https://, optional user info
// ("user:password@", for Basic authentication), a host name or an IP address
// (IPv6 in brackets), an optional port, a path and a query. A bare "host" or
// "host/path" means http://, as it does in a browser's address bar.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hello::http {

enum class Scheme { http, https };

struct Url {
    Scheme scheme = Scheme::http;
    std::string host;  // as the resolver wants it: "example.com", "::1"
    std::uint16_t port = 80;
    std::string path = "/";  // always starts with '/'
    std::string query;       // "" or "?..." (the '?' included)
    // "user:password", percent-decoded, from "user:password@host"; never
    // part of to_string(), so it is never printed.
    std::optional<std::string> credentials;

    // The request target: path and query.
    std::string target() const { return path + query; }
    // "host", "host:8080" or "[::1]:8080": the Host header (port only when not the default).
    std::string authority() const;
    // The whole URL again, without the fragment (never sent to a server).
    std::string to_string() const;

    bool operator==(const Url&) const = default;
};

std::uint16_t default_port(Scheme scheme);
std::string_view scheme_name(Scheme scheme);

// Throws InvalidUrl, naming what is wrong. Spaces and non-ASCII bytes in the
// path and query are percent-encoded; control bytes are rejected, so nothing
// a URL holds can break the request's lines.
Url parse_url(std::string_view text);

// Same scheme, host and port: where a redirect may carry the user's
// credentials (as curl decides it).
bool same_origin(const Url& a, const Url& b);

// The name under which to save the body: the URL's last path segment, or
// "index.html" when there is none. Never contains '/' and is never "." or "..".
std::string default_file_name(const Url& url);

// "/a/b/../c/./d" becomes "/a/c/d" (RFC 3986 section 5.2.4); `path` starts with '/'.
std::string remove_dot_segments(std::string_view path);

}  // namespace hello::http
