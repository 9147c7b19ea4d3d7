// libFuzzer target: parse_proxy_header() on arbitrary bytes. Besides not
// crashing (ASan, UBSan), it checks the promises the server relies on.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "protocol/proxy_header.hpp"

using namespace hello::protocol;

namespace {

void require(bool promise_kept)
{
    if (!promise_kept) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto result = parse_proxy_header(input);

    if (const auto* more = std::get_if<ProxyNeedMore>(&result)) {
        // Reads stay bounded: the buffer never outgrows the largest header.
        require(more->max_read >= 1);
        require(size + more->max_read <= max_proxy_header_size);
    } else if (const auto* header = std::get_if<ProxyHeader>(&result)) {
        // The header lies within the input and ends where the same parse of
        // just its bytes ends: what follows is never part of it.
        require(header->size >= 1 && header->size <= size && header->size <= max_proxy_header_size);
        const auto alone = parse_proxy_header(input.substr(0, header->size));
        require(std::holds_alternative<ProxyHeader>(alone) &&
                std::get<ProxyHeader>(alone).size == header->size);
        // One byte less is never a whole header.
        require(!std::holds_alternative<ProxyHeader>(
            parse_proxy_header(input.substr(0, header->size - 1))));
        require(!header->is_local || !header->source);
        if (header->source) {
            require(!header->source->address.empty());
        }
    } else {
        require(!std::get<ProxyInvalid>(result).reason.empty());
    }
    return 0;
}
