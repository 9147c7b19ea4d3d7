#pragma once
// The request the tutorial sends by hand, made correct for HTTP/1.1: a Host
// header (with the port when it is not the default), a User-Agent, and
// "Connection: close", so the server ends the connection after one response.
// -A, -e and -u add to the defaults, and -H changes them as it does in curl:
// "-H 'Name: value'" replaces a default field of that name or adds one,
// "-H 'Name:'" removes it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/wire/response_head.hpp"
#include "http/wire/url.hpp"

namespace hello::http {

enum class Method { get, head };

struct RequestOptions {
    std::string user_agent;
    std::optional<std::string> referer;          // -e URL
    std::optional<std::string> credentials;      // -u or the URL's "user:password": Basic
    std::optional<std::string> accept_encoding;  // --compressed: what we can decode
    std::optional<std::uint64_t> range_from;     // -C -: "Range: bytes=N-"
    std::optional<std::string> if_range;         // -C -: the partial file's validator
    std::vector<HeaderField> extra_headers;      // -H, in order; an empty value removes
    bool absolute_form = false;                  // to a proxy: "GET http://host/path HTTP/1.1"
};

std::string build_request(Method method, const Url& url, const RequestOptions& options);

// What may follow a redirect to another origin (scheme, host or port): the
// options without the credentials and without the -H fields that carry some
// (Authorization, Cookie, Proxy-Authorization), as curl sends them.
RequestOptions without_credentials(RequestOptions options);

// The tunnel request to a proxy, for https: "CONNECT host:port HTTP/1.1".
std::string build_connect_request(const Url& origin, std::string_view user_agent);

// "-H 'Name: value'" as a field; throws InvalidSetting when the name is not a
// token, the colon is missing, or the value holds a control character.
HeaderField parse_header_option(std::string_view text);

}  // namespace hello::http
