// libFuzzer target: parse_url() and resolve_location() on arbitrary text.
// Besides not crashing (ASan, UBSan), it checks what the request and the
// saved file rely on:
//  - the only error is InvalidUrl;
//  - a parsed URL has a host, a path starting with '/', and a target and
//    authority without spaces or control bytes (nothing can break a request
//    line or header);
//  - printing it and parsing it again gives the same URL, less the
//    credentials (never printed);
//  - the default file name never holds '/' and is never "." or "..";
//  - a resolved redirect obeys the same, and its path holds no dot segments.
//
// Input layout: byte 0 picks the base URL for resolve_location; the rest is
// the text, tried both as a URL and as a Location header.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/wire/errors.hpp"
#include "http/wire/redirect.hpp"
#include "http/wire/url.hpp"

using namespace hello::http;

namespace {

void require(bool promise_kept)
{
    if (!promise_kept) {
        std::abort();
    }
}

bool safe_on_the_wire(std::string_view text)
{
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte >= 0x7f) {
            return false;
        }
    }
    return true;
}

void check(const Url& url)
{
    require(!url.host.empty());
    require(url.path.starts_with('/'));
    require(url.query.empty() || url.query.starts_with('?'));
    require(safe_on_the_wire(url.target()));
    require(safe_on_the_wire(url.authority()));
    require(url.port != 0);
    // User info is never printed: the rest survives the round trip.
    auto printed = url;
    printed.credentials.reset();
    require(parse_url(url.to_string()) == printed);
    require(!url.credentials || url.credentials->find(':') != std::string::npos);
    const auto name = default_file_name(url);
    require(!name.empty() && name.find('/') == std::string::npos && name != "." && name != "..");
}

bool has_dot_segment(std::string_view path)
{
    for (const std::string_view segment : {"/./", "/../"}) {
        if (path.find(segment) != std::string_view::npos) {
            return true;
        }
    }
    return path.ends_with("/.") || path.ends_with("/..");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1) {
        return 0;
    }
    static const std::array bases = {
        parse_url("http://example.com/a/b/c?q=1"),
        parse_url("https://[::1]:8443/"),
        parse_url("http://h:81/dir/"),
        parse_url("https://xn--bcher-kva.example/x/../y"),
    };
    const auto& base = bases[data[0] % bases.size()];
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        check(parse_url(text));
    } catch (const InvalidUrl&) {
    }
    try {
        const auto target = resolve_location(base, text);
        check(target);
        require(!has_dot_segment(target.path));
    } catch (const InvalidUrl&) {
    }
    return 0;
}
