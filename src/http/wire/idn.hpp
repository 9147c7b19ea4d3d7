#pragma once
// Non-ASCII host names ("bücher.example"), as browsers and curl handle them:
// converted to their ASCII form ("xn--bcher-kva.example", IDNA 2008 by
// libidn2) before anything uses them, so DNS, the Host header, SNI and the
// certificate check all see the one name the site's certificate carries.

#include <string>
#include <string_view>

namespace hello::http {

// False when built without libidn2 (meson setup -Didn=disabled).
bool idn_supported();

// ASCII names come back unchanged. Throws InvalidUrl for a name IDNA
// refuses, or any non-ASCII name when built without libidn2.
std::string to_ascii_host(std::string_view host);

}  // namespace hello::http
