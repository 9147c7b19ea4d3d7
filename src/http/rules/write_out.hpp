#pragma once
// -w/--write-out FORMAT: curl's report of a transfer for scripts, printed on
// stdout when the program ends, success or not. "%{http_code}" and its
// siblings are replaced by what the transfer found; "\n", "\t", "\r" and "\\"
// are the characters they name; "%%" is a '%'. Anything else is copied as it
// is. An unknown variable prints nothing and a warning, as with curl, so that
// a format written for a newer curl still runs. %{json} is every variable as
// one JSON object.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hello::http {

// What a transfer found, for -w. Times are seconds since the program began
// its first request (redirects included, as curl counts them).
struct TransferFacts {
    int http_code = 0;  // of the last response; 0 when none arrived
    std::uint64_t size_download = 0;
    double time_namelookup = 0;     // the name resolved (the last connection)
    double time_connect = 0;        // TCP connected (the last connection)
    double time_appconnect = 0;     // TLS handshake done (0 for http)
    double time_pretransfer = 0;    // connected (and TLS done): the request about to go
    double time_starttransfer = 0;  // the first byte of the last response
    double time_total = 0;
    std::string url_effective;  // the last URL asked for
    int num_redirects = 0;
    std::string remote_ip;     // the address of the last connection
    std::string content_type;  // of the last response
    int exitcode = 0;
    std::string errormsg;
    std::string http_version;        // of the last response: "1.1", or "1" for HTTP/1.0
    std::uint64_t size_header = 0;   // every head received, as sent
    std::uint64_t size_request = 0;  // every request sent
    std::string redirect_url;        // a redirect -L did not follow, absolute
    std::string scheme;              // of url_effective: "HTTP" or "HTTPS", as curl has it
    double time_redirect = 0;        // when the final request began, with redirects before it
    int num_connects = 0;            // connections opened
    std::string filename_effective;  // where the body went ("" for stdout)
};

enum class WriteOutVariable {
    http_code,
    size_download,
    time_connect,
    time_appconnect,
    time_starttransfer,
    time_total,
    url_effective,
    num_redirects,
    remote_ip,
    content_type,
    exitcode,
    errormsg,
    speed_download,
    http_version,
    size_header,
    size_request,
    redirect_url,
    scheme,
    time_redirect,
    num_connects,
    filename_effective,
    time_namelookup,
    time_pretransfer,
    json,
};

// A variable this program does not know: it renders as nothing.
struct UnknownWriteOutVariable {
    std::string name;
};

using WriteOutPiece = std::variant<std::string, WriteOutVariable, UnknownWriteOutVariable>;

// Throws InvalidSetting for a "%{" without '}'.
std::vector<WriteOutPiece> parse_write_out(std::string_view format);

// The names of the unknown variables in `format`, for the warnings.
std::vector<std::string> unknown_variables(const std::vector<WriteOutPiece>& format);

std::string render_write_out(const std::vector<WriteOutPiece>& format, const TransferFacts& facts);

}  // namespace hello::http
