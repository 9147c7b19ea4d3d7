#include "http/request.hpp"

#include <fmt/format.h>

namespace hello::http {

std::string build_request(Method method, const Url& url, std::string_view user_agent)
{
    return fmt::format(
        "{} {} HTTP/1.1\r\n"
        "Host: {}\r\n"
        "User-Agent: {}\r\n"
        "Accept: */*\r\n"
        "Connection: close\r\n"
        "\r\n",
        method == Method::head ? "HEAD" : "GET", url.target(), url.authority(), user_agent);
}

}  // namespace hello::http
