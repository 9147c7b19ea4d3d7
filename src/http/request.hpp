#pragma once
// The request the tutorial sends by hand, made correct for HTTP/1.1: a Host
// header (with the port when it is not the default), a User-Agent, and
// "Connection: close", so the server ends the connection after one response.

#include <string>
#include <string_view>

#include "http/url.hpp"

namespace hello::http {

enum class Method { get, head };

std::string build_request(Method method, const Url& url, std::string_view user_agent);

}  // namespace hello::http
