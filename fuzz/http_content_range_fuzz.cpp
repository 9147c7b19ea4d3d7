// libFuzzer target: parse_content_range() on arbitrary text. Besides not
// crashing (ASan, UBSan), it checks what -C - relies on before it appends a
// byte: the only error is MalformedResponse; a range has both ends or
// neither, its last byte is not before its first, and lies within the
// complete length when there is one; "bytes */N" always names N.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/wire/content_range.hpp"
#include "http/wire/errors.hpp"
#include "require.hpp"

using namespace hello::http;
using hello::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto range = parse_content_range(text);
        require(range.first.has_value() == range.last.has_value());
        if (range.first) {
            require(*range.last >= *range.first);
            require(!range.complete_length || *range.last < *range.complete_length);
        } else {
            require(range.complete_length.has_value());
        }
    } catch (const MalformedResponse&) {
    }
    return 0;
}
