#include "http/resume_rule.hpp"

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

std::string kept_partial_path(const std::string& target)
{
    const std::filesystem::path path(target);
    return (path.parent_path() / ("." + path.filename().string() + ".http_get-partial")).string();
}

}  // namespace hello::http
