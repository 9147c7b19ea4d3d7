// libFuzzer target: parse_retry_after() on arbitrary text. Besides not
// crashing (ASan, UBSan: no overflow in the date arithmetic), it checks that
// it never throws and that any wait it gives is between 0 and a day.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/rules/retry.hpp"

using namespace hello::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'795'791'600));
    const auto wait = parse_retry_after(text, now);
    if (wait && (wait->count() < 0 || wait->count() > 86400)) {
        std::abort();
    }
    return 0;
}
