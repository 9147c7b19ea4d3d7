#include "http/wire/idn.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "http/wire/errors.hpp"
#include "protocol/printable.hpp"

#ifdef HELLO_HAVE_LIBIDN2
#include <idn2.h>
#endif

namespace hello::http {
namespace {

bool is_ascii(std::string_view text)
{
    return std::ranges::all_of(text, [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

bool idn_supported()
{
#ifdef HELLO_HAVE_LIBIDN2
    return true;
#else
    return false;
#endif
}

std::string to_ascii_host(std::string_view host)
{
    if (is_ascii(host)) {
        return std::string(host);
    }
    // libidn2 takes C strings: a NUL would cut the name short (found by fuzzing).
    if (std::ranges::any_of(host, [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
        throw InvalidUrl(fmt::format("the host name '{}' holds control characters",
                                     protocol::printable(host, 200)));
    }
#ifdef HELLO_HAVE_LIBIDN2
    const std::string input(host);
    // IDNA 2008 first, as curl does; UTS #46's transitional mapping for names
    // it refuses (upper case, some symbols) that browsers still accept.
    int result = IDN2_OK;
    for (const int flags : {IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL, int{IDN2_TRANSITIONAL}}) {
        char* output = nullptr;
        result = idn2_to_ascii_8z(input.c_str(), &output, flags);
        if (result == IDN2_OK) {
            std::string converted(output);
            idn2_free(output);
            return converted;
        }
    }
    throw InvalidUrl(fmt::format("the host name '{}' is not a valid international name: {}",
                                 protocol::printable(host, 200), idn2_strerror(result)));
#else
    throw InvalidUrl(fmt::format("the host name '{}' is not ASCII, and this http_get was built "
                                 "without libidn2 to convert it",
                                 protocol::printable(host, 200)));
#endif
}

}  // namespace hello::http
