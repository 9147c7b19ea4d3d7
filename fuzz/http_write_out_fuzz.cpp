// libFuzzer target: parse_write_out() and render_write_out() on arbitrary
// text. Besides not crashing (ASan, UBSan), it checks that the only error is
// InvalidSetting, and that text without '%' or '\' comes out as it went in.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/rules/write_out.hpp"
#include "http/wire/errors.hpp"
#include "require.hpp"

using namespace hello::http;
using hello::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    TransferFacts facts;
    facts.http_code = 200;
    facts.url_effective = "http://example.com/";
    facts.errormsg = "a message";
    try {
        const auto rendered = render_write_out(parse_write_out(text), facts);
        if (text.find_first_of("%\\") == std::string_view::npos) {
            require(rendered == text);
        }
    } catch (const InvalidSetting&) {
    }
    return 0;
}
