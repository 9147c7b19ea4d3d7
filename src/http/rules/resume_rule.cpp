#include "http/rules/resume_rule.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace hello::http {

std::optional<std::uint64_t> resume_offset(const FileMark& mark)
{
    if (!mark.validator || mark.size == 0) {
        return std::nullopt;
    }
    if (mark.length && mark.size > *mark.length) {
        return std::nullopt;
    }
    return mark.size;
}

bool unsatisfiable_means_complete(const FileMark& mark, const std::optional<ContentRange>& range)
{
    if (range && range->complete_length) {
        return *range->complete_length == mark.size;
    }
    if (mark.length) {
        return *mark.length == mark.size;
    }
    return !mark.partial;
}

std::optional<std::string> offset_refusal(const std::string& path,
                                          std::optional<std::uint64_t> size, std::uint64_t offset)
{
    if (!size) {
        return fmt::format("-C {}: {} is no regular file to continue (-r {}- fetches the bytes "
                           "from {} on alone)",
                           offset, path, offset, offset);
    }
    if (*size != offset) {
        return fmt::format("-C {}: {} is {} bytes long, not {}: appending there would leave a "
                           "wrong file ({} left as it was; -C - continues where it ends)",
                           offset, path, *size, offset, path);
    }
    return std::nullopt;
}

std::string kept_partial_path(const std::string& target)
{
    const std::filesystem::path path(target);
    return (path.parent_path() / ("." + path.filename().string() + ".http_get-partial")).string();
}

}  // namespace hello::http
