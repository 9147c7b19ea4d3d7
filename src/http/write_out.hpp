#pragma once
// -w/--write-out FORMAT: curl's report of a transfer for scripts, printed on
// stdout when the program ends, success or not. "%{http_code}" and its
// siblings are replaced by what the transfer found; "\n", "\t", "\r" and "\\"
// are the characters they name; "%%" is a '%'. Anything else is copied as it
// is. An unknown variable is a usage error: a typo would otherwise print
// nothing where a script expects a value.

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
    double time_connect = 0;        // TCP connected (the last connection)
    double time_appconnect = 0;     // TLS handshake done (0 for http)
    double time_starttransfer = 0;  // the first byte of the last response
    double time_total = 0;
    std::string url_effective;  // the last URL asked for
    int num_redirects = 0;
    std::string remote_ip;     // the address of the last connection
    std::string content_type;  // of the last response
    int exitcode = 0;
    std::string errormsg;
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
};

using WriteOutPiece = std::variant<std::string, WriteOutVariable>;

// Throws InvalidSetting for an unknown variable or a "%{" without '}'.
std::vector<WriteOutPiece> parse_write_out(std::string_view format);

std::string render_write_out(const std::vector<WriteOutPiece>& format, const TransferFacts& facts);

}  // namespace hello::http
