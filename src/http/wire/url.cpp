#include "http/wire/url.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <iterator>
#include <vector>

#include "http/wire/errors.hpp"
#include "http/wire/idn.hpp"
#include "http/wire/text.hpp"
#include "protocol/printable.hpp"

namespace hello::http {
namespace {

bool is_control(char c)
{
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
}

[[noreturn]] void reject(std::string_view text, std::string_view reason)
{
    throw InvalidUrl(fmt::format("invalid URL '{}': {}", protocol::printable(text, 200), reason));
}

// Splits "scheme://rest" into the scheme and rest; no "://" means http.
std::pair<Scheme, std::string_view> split_scheme(std::string_view whole)
{
    const auto separator = whole.find("://");
    if (separator == std::string_view::npos) {
        return {Scheme::http, whole};
    }
    const auto name = whole.substr(0, separator);
    if (iequals(name, "http")) {
        return {Scheme::http, whole.substr(separator + 3)};
    }
    if (iequals(name, "https")) {
        return {Scheme::https, whole.substr(separator + 3)};
    }
    throw UnsupportedScheme(
        fmt::format("invalid URL '{}': unsupported scheme '{}' (http and https are)",
                    protocol::printable(whole, 200), protocol::printable(name)));
}

bool is_host_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_';
}

bool is_ipv6_literal_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
           c == '.';
}

std::uint16_t parse_port_of(std::string_view whole, std::string_view digits, Scheme scheme)
{
    if (digits.empty()) {
        return default_port(scheme);  // "host:" is allowed and means the default
    }
    unsigned value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc{} || end != digits.data() + digits.size() || value == 0 ||
        value > 65535) {
        reject(whole,
               fmt::format("bad port '{}' (expected 1 to 65535)", protocol::printable(digits)));
    }
    return static_cast<std::uint16_t>(value);
}

int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    const char lower = ascii_lower(c);
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
}

// "user:pass%40word" as "user:pass@word"; a user name alone has an empty password.
std::string decode_user_info(std::string_view whole, std::string_view user_info)
{
    std::string decoded;
    for (std::size_t at = 0; at < user_info.size(); ++at) {
        char c = user_info[at];
        if (c == '%') {
            const int high = at + 2 < user_info.size() ? hex_value(user_info[at + 1]) : -1;
            const int low = high < 0 ? -1 : hex_value(user_info[at + 2]);
            if (low < 0) {
                reject(whole, "bad percent-encoding in the user name or password");
            }
            c = static_cast<char>(high * 16 + low);
            at += 2;
        }
        if (is_control(c)) {
            reject(whole, "control characters are not allowed");
        }
        decoded += c;
    }
    if (decoded.empty() || decoded.front() == ':') {
        reject(whole, "no user name before '@'");
    }
    if (decoded.find(':') == std::string::npos) {
        decoded += ':';
    }
    return decoded;
}

// "host", "host:port", "[v6]" or "[v6]:port" into url.host and url.port.
void parse_authority(std::string_view whole, std::string_view authority, Url& url)
{
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        url.credentials = decode_user_info(whole, authority.substr(0, at));
        authority.remove_prefix(at + 1);
    }
    std::string_view host;
    std::string_view port;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            reject(whole, "'[' without ']' around an IPv6 address");
        }
        host = authority.substr(1, close - 1);
        const auto rest = authority.substr(close + 1);
        if (!rest.empty() && !rest.starts_with(':')) {
            reject(whole, "unexpected text after the IPv6 address");
        }
        port = rest.empty() ? rest : rest.substr(1);
        if (host.empty() || !std::ranges::all_of(host, is_ipv6_literal_char)) {
            reject(whole, "bad IPv6 address in brackets");
        }
    } else {
        const auto colon = authority.find(':');
        host = authority.substr(0, colon);
        port = colon == std::string_view::npos ? std::string_view{} : authority.substr(colon + 1);
        if (host.empty()) {
            reject(whole, "no host name");
        }
    }
    // "bücher.example" becomes "xn--bcher-kva.example" before the ASCII check.
    url.host = to_ascii_host(host);
    if (url.host.empty()) {
        reject(whole, "no host name");
    }
    if (!authority.starts_with('[') && !std::ranges::all_of(url.host, is_host_name_char)) {
        reject(whole, "the host name may hold only letters, digits, '-', '.' and '_'");
    }
    url.port = parse_port_of(whole, port, url.scheme);
}

// Percent-encodes what may not appear raw in a request line.
std::string encode_target(std::string_view whole, std::string_view target)
{
    std::string encoded;
    for (const char c : target) {
        const auto byte = static_cast<unsigned char>(c);
        if (is_control(c)) {
            reject(whole, "control characters are not allowed");
        }
        if (c == ' ' || byte >= 0x80) {
            fmt::format_to(std::back_inserter(encoded), "%{:02X}", byte);
        } else {
            encoded += c;
        }
    }
    return encoded;
}

}  // namespace

std::uint16_t default_port(Scheme scheme)
{
    return scheme == Scheme::https ? 443 : 80;
}

std::string_view scheme_name(Scheme scheme)
{
    return scheme == Scheme::https ? "https" : "http";
}

std::string Url::authority() const
{
    const bool ipv6 = host.find(':') != std::string::npos;
    const auto bracketed = ipv6 ? fmt::format("[{}]", host) : host;
    return port == default_port(scheme) ? bracketed : fmt::format("{}:{}", bracketed, port);
}

std::string Url::to_string() const
{
    return fmt::format("{}://{}{}", scheme_name(scheme), authority(), target());
}

Url parse_url(std::string_view text)
{
    if (text.empty()) {
        throw InvalidUrl("invalid URL '': it is empty");
    }
    const auto without_fragment = text.substr(0, text.find('#'));
    const auto [scheme, rest] = split_scheme(without_fragment);
    Url url;
    url.scheme = scheme;

    const auto authority_end = rest.find_first_of("/?");
    parse_authority(text, rest.substr(0, authority_end), url);
    if (authority_end == std::string_view::npos) {
        return url;
    }
    const auto target = encode_target(text, rest.substr(authority_end));
    const auto query_start = target.find('?');
    const auto path = std::string_view(target).substr(0, query_start);
    // "host?q" asks for "/?q"; "/a/../b" for "/b", as curl and browsers do (RFC 3986 5.2.4),
    // so a URL and the same URL resolved as a redirect ask for the same thing.
    url.path = path.empty() ? std::string("/") : remove_dot_segments(path);
    url.query = query_start == std::string::npos ? std::string{} : target.substr(query_start);
    return url;
}

bool same_origin(const Url& a, const Url& b)
{
    return a.scheme == b.scheme && iequals(a.host, b.host) && a.port == b.port;
}

std::string default_file_name(const Url& url)
{
    const auto segment = std::string_view(url.path).substr(url.path.rfind('/') + 1);
    if (segment.empty() || segment == "." || segment == "..") {
        return "index.html";
    }
    return std::string(segment);
}

std::string remove_dot_segments(std::string_view path)
{
    std::vector<std::string_view> kept;
    bool ends_with_slash = false;
    for (std::size_t start = 1;;) {
        const auto end = path.find('/', start);
        const auto segment = path.substr(start, end - start);
        const bool last = end == std::string_view::npos;
        if (segment == "..") {
            if (!kept.empty()) {
                kept.pop_back();
            }
            ends_with_slash = last;
        } else if (segment == ".") {
            ends_with_slash = last;
        } else {
            kept.push_back(segment);
        }
        if (last) {
            break;
        }
        start = end + 1;
    }
    std::string result;
    for (const auto segment : kept) {
        result += '/';
        result += segment;
    }
    if (result.empty() || ends_with_slash) {
        result += '/';
    }
    return result;
}

}  // namespace hello::http
