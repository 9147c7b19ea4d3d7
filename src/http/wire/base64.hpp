#pragma once
// Base64 (RFC 4648, with padding): what HTTP Basic authentication sends.

#include <string>
#include <string_view>

namespace hello::http {

std::string base64(std::string_view bytes);

}  // namespace hello::http
