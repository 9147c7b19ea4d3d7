#include "http/wire/request.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <stdexcept>

#include "http/wire/base64.hpp"
#include "http/wire/errors.hpp"
#include "http/wire/text.hpp"
#include "protocol/printable.hpp"

namespace hello::http {
namespace {

// RFC 9110's tchar: what a field name may be made of.
bool is_token_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_control(char c)
{
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\t') || byte == 0x7f;
}

}  // namespace

std::string build_request(Method method, const Url& url, const RequestOptions& options)
{
    std::vector<HeaderField> fields = {
        {"Host", url.authority()},
        {"User-Agent", options.user_agent},
        {"Accept", "*/*"},
        {"Connection", "close"},
    };
    if (options.accept_encoding) {
        fields.push_back({"Accept-Encoding", *options.accept_encoding});
    }
    if (options.range_from) {
        fields.push_back({"Range", fmt::format("bytes={}-", *options.range_from)});
        if (options.if_range) {
            fields.push_back({"If-Range", *options.if_range});
        }
    }
    if (options.referer) {
        fields.push_back({"Referer", *options.referer});
    }
    if (options.credentials) {
        fields.push_back({"Authorization", "Basic " + base64(*options.credentials)});
    }
    for (const auto& extra : options.extra_headers) {
        const auto same_name = [&extra](const HeaderField& field) {
            return iequals(field.name, extra.name);
        };
        const auto existing = std::ranges::find_if(fields, same_name);
        if (existing == fields.end()) {
            if (!extra.value.empty()) {
                fields.push_back(extra);
            }
        } else if (extra.value.empty()) {
            fields.erase(existing);
        } else {
            existing->value = extra.value;
        }
    }
    std::string request = fmt::format("{} {} HTTP/1.1\r\n", method == Method::head ? "HEAD" : "GET",
                                      options.absolute_form ? url.to_string() : url.target());
    for (const auto& field : fields) {
        if (!field.value.empty()) {
            fmt::format_to(std::back_inserter(request), "{}: {}\r\n", field.name, field.value);
        }
    }
    request += "\r\n";
    return request;
}

RequestOptions without_credentials(RequestOptions options)
{
    options.credentials.reset();
    std::erase_if(options.extra_headers, [](const HeaderField& field) {
        return iequals(field.name, "Authorization") || iequals(field.name, "Cookie") ||
               iequals(field.name, "Proxy-Authorization");
    });
    return options;
}

std::string build_connect_request(const Url& origin, std::string_view user_agent)
{
    // The authority always with its port: the proxy cannot guess the scheme.
    const bool ipv6 = origin.host.find(':') != std::string::npos;
    const auto host = ipv6 ? fmt::format("[{}]", origin.host) : origin.host;
    return fmt::format("CONNECT {0}:{1} HTTP/1.1\r\n"
                       "Host: {0}:{1}\r\n"
                       "User-Agent: {2}\r\n"
                       "\r\n",
                       host, origin.port, user_agent);
}

HeaderField parse_header_option(std::string_view text)
{
    const auto colon = text.find(':');
    const auto name = text.substr(0, colon);
    if (colon == std::string_view::npos || name.empty() ||
        !std::ranges::all_of(name, is_token_char)) {
        throw InvalidSetting(fmt::format("bad header '{}' (expected 'Name: value')",
                                         protocol::printable(text, 200)));
    }
    const auto value = trim(text.substr(colon + 1));
    if (std::ranges::any_of(value, is_control)) {
        throw InvalidSetting(fmt::format("bad header '{}': control characters in the value",
                                         protocol::printable(text, 200)));
    }
    return {std::string(name), std::string(value)};
}

}  // namespace hello::http
