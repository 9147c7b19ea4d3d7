#include "http/write_out.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "http/errors.hpp"
#include "protocol/printable.hpp"

namespace hello::http {
namespace {

using Variable = WriteOutVariable;

constexpr std::array<std::pair<std::string_view, Variable>, 13> variables{{
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
}};

Variable variable_named(std::string_view name)
{
    const auto found =
        std::ranges::find(variables, name, &std::pair<std::string_view, Variable>::first);
    if (found == variables.end()) {
        throw InvalidSetting(
            fmt::format("unknown --write-out variable '%{{{}}}'", protocol::printable(name, 100)));
    }
    return found->second;
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
            const auto variable = variable_named(format.substr(at + 2, close - at - 2));
            if (!literal.empty()) {
                pieces.emplace_back(std::move(literal));
                literal.clear();
            }
            pieces.emplace_back(variable);
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

std::string render_write_out(const std::vector<WriteOutPiece>& format, const TransferFacts& facts)
{
    std::string text;
    for (const auto& piece : format) {
        if (const auto* literal = std::get_if<std::string>(&piece)) {
            text += *literal;
            continue;
        }
        switch (std::get<Variable>(piece)) {
        case Variable::http_code: text += fmt::format("{:03}", facts.http_code); break;
        case Variable::size_download: text += std::to_string(facts.size_download); break;
        case Variable::time_connect: text += seconds(facts.time_connect); break;
        case Variable::time_appconnect: text += seconds(facts.time_appconnect); break;
        case Variable::time_starttransfer: text += seconds(facts.time_starttransfer); break;
        case Variable::time_total: text += seconds(facts.time_total); break;
        case Variable::url_effective: text += facts.url_effective; break;
        case Variable::num_redirects: text += std::to_string(facts.num_redirects); break;
        case Variable::remote_ip: text += facts.remote_ip; break;
        case Variable::content_type: text += facts.content_type; break;
        case Variable::exitcode: text += std::to_string(facts.exitcode); break;
        case Variable::errormsg: text += facts.errormsg; break;
        }
    }
    return text;
}

}  // namespace hello::http
