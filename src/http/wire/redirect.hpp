#pragma once
// Following a redirect: which statuses are redirects, and where a Location
// header points, relative to the URL that answered (RFC 3986 section 5.2).

#include <string>
#include <string_view>

#include "http/wire/url.hpp"

namespace hello::http {

// 301, 302, 303, 307, 308: the ones with a Location to go to.
bool is_redirect(int status_code);

// `location` resolved against `base`: absolute ("https://host/x"),
// scheme-relative ("//host/x"), absolute path ("/x"), relative path ("x",
// "../x") or query ("?q"). Throws InvalidUrl for other schemes and bad URLs.
Url resolve_location(const Url& base, std::string_view location);

}  // namespace hello::http
