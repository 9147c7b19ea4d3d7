#include "http/rules/write_out.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "http/wire/errors.hpp"
#include "protocol/printable.hpp"

namespace hello::http {
namespace {

using Variable = WriteOutVariable;

constexpr std::array<std::pair<std::string_view, Variable>, 25> variables{{
    {"http_code", Variable::http_code},
    {"response_code", Variable::http_code},  // curl's other name for it
    {"size_download", Variable::size_download},
    {"time_connect", Variable::time_connect},
    {"time_appconnect", Variable::time_appconnect},
    {"time_starttransfer", Variable::time_starttransfer},
    {"time_total", Variable::time_total},
    {"url_effective", Variable::url_effective},
    {"num_redirects", Variable::num_redirects},
    {"remote_ip", Variable::remote_ip},
    {"content_type", Variable::content_type},
    {"exitcode", Variable::exitcode},
    {"errormsg", Variable::errormsg},
    {"speed_download", Variable::speed_download},
    {"http_version", Variable::http_version},
    {"size_header", Variable::size_header},
    {"size_request", Variable::size_request},
    {"redirect_url", Variable::redirect_url},
    {"scheme", Variable::scheme},
    {"time_redirect", Variable::time_redirect},
    {"num_connects", Variable::num_connects},
    {"filename_effective", Variable::filename_effective},
    {"time_namelookup", Variable::time_namelookup},
    {"time_pretransfer", Variable::time_pretransfer},
    {"json", Variable::json},
}};

WriteOutPiece variable_named(std::string_view name)
{
    const auto found =
        std::ranges::find(variables, name, &std::pair<std::string_view, Variable>::first);
    if (found == variables.end()) {
        return UnknownWriteOutVariable{std::string(name)};
    }
    return found->second;
}

// JSON's string escapes (RFC 8259): quotes, backslashes and control characters.
std::string json_string(std::string_view text)
{
    std::string quoted = "\"";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            quoted += '\\';
            quoted += c;
        } else if (byte < 0x20) {
            quoted += fmt::format("\\u{:04x}", byte);
        } else {
            quoted += c;
        }
    }
    return quoted + '"';
}

std::string value_of(Variable variable, const TransferFacts& facts);

// Every variable but json itself, by name, as curl's %{json} prints them:
// numbers as numbers, an empty errormsg or redirect_url as null.
std::string json_of(const TransferFacts& facts)
{
    std::vector<std::pair<std::string_view, Variable>> sorted(variables.begin(), variables.end());
    std::ranges::sort(sorted);
    std::string text = "{";
    for (const auto& [name, variable] : sorted) {
        if (variable == Variable::json) {
            continue;
        }
        auto value = value_of(variable, facts);
        switch (variable) {
        case Variable::url_effective:
        case Variable::remote_ip:
        case Variable::content_type:
        case Variable::http_version:
        case Variable::scheme:
        case Variable::filename_effective: value = json_string(value); break;
        case Variable::errormsg:
        case Variable::redirect_url: value = value.empty() ? "null" : json_string(value); break;
        case Variable::http_code: value = std::to_string(facts.http_code); break;
        default: break;
        }
        text += fmt::format("{}{}:{}", text.size() > 1 ? "," : "", json_string(name), value);
    }
    return text + "}";
}

char escaped(char c)
{
    switch (c) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    default: return c;
    }
}

std::string seconds(double value)
{
    return fmt::format("{:.6f}", value);
}

std::string value_of(Variable variable, const TransferFacts& facts)
{
    switch (variable) {
    case Variable::http_code: return fmt::format("{:03}", facts.http_code);
    case Variable::size_download: return std::to_string(facts.size_download);
    case Variable::time_connect: return seconds(facts.time_connect);
    case Variable::time_appconnect: return seconds(facts.time_appconnect);
    case Variable::time_starttransfer: return seconds(facts.time_starttransfer);
    case Variable::time_total: return seconds(facts.time_total);
    case Variable::url_effective: return facts.url_effective;
    case Variable::num_redirects: return std::to_string(facts.num_redirects);
    case Variable::remote_ip: return facts.remote_ip;
    case Variable::content_type: return facts.content_type;
    case Variable::exitcode: return std::to_string(facts.exitcode);
    case Variable::errormsg: return facts.errormsg;
    case Variable::speed_download: {
        // Bytes a second over the whole transfer, whole bytes as curl prints them.
        const double speed = facts.time_total > 0 ? facts.size_download / facts.time_total : 0;
        return std::to_string(static_cast<std::uint64_t>(speed));
    }
    case Variable::http_version: return facts.http_version.empty() ? "0" : facts.http_version;
    case Variable::size_header: return std::to_string(facts.size_header);
    case Variable::size_request: return std::to_string(facts.size_request);
    case Variable::redirect_url: return facts.redirect_url;
    case Variable::scheme: return facts.scheme;
    case Variable::time_redirect: return seconds(facts.time_redirect);
    case Variable::time_namelookup: return seconds(facts.time_namelookup);
    case Variable::time_pretransfer: return seconds(facts.time_pretransfer);
    case Variable::num_connects: return std::to_string(facts.num_connects);
    case Variable::filename_effective: return facts.filename_effective;
    case Variable::json: return json_of(facts);
    }
    return {};
}

}  // namespace

std::vector<WriteOutPiece> parse_write_out(std::string_view format)
{
    std::vector<WriteOutPiece> pieces;
    std::string literal;
    for (std::size_t at = 0; at < format.size(); ++at) {
        const char c = format[at];
        const auto rest = format.substr(at);
        if (rest.starts_with("%%")) {
            literal += '%';
            ++at;
        } else if (rest.starts_with("%{")) {
            const auto close = format.find('}', at);
            if (close == std::string_view::npos) {
                throw InvalidSetting(fmt::format("--write-out: '%{{' without '}}' in '{}'",
                                                 protocol::printable(format, 200)));
            }
            auto variable = variable_named(format.substr(at + 2, close - at - 2));
            if (!literal.empty()) {
                pieces.emplace_back(std::move(literal));
                literal.clear();
            }
            pieces.push_back(std::move(variable));
            at = close;
        } else if (c == '\\' && at + 1 < format.size() &&
                   std::string_view("ntr\\").find(format[at + 1]) != std::string_view::npos) {
            literal += escaped(format[++at]);
        } else {
            literal += c;
        }
    }
    if (!literal.empty()) {
        pieces.emplace_back(std::move(literal));
    }
    return pieces;
}

std::vector<std::string> unknown_variables(const std::vector<WriteOutPiece>& format)
{
    std::vector<std::string> names;
    for (const auto& piece : format) {
        if (const auto* unknown = std::get_if<UnknownWriteOutVariable>(&piece)) {
            names.push_back(unknown->name);
        }
    }
    return names;
}

std::string render_write_out(const std::vector<WriteOutPiece>& format, const TransferFacts& facts)
{
    std::string text;
    for (const auto& piece : format) {
        if (const auto* literal = std::get_if<std::string>(&piece)) {
            text += *literal;
        } else if (const auto* variable = std::get_if<Variable>(&piece)) {
            text += value_of(*variable, facts);
        }
    }
    return text;
}

}  // namespace hello::http
