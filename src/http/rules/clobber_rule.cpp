#include "http/rules/clobber_rule.hpp"

#include <fmt/format.h>

namespace hello::http {

bool may_replace(bool name_given, int status_code, bool file_exists)
{
    return name_given || !file_exists || (status_code >= 200 && status_code <= 299);
}

std::optional<std::string> unclobbered_name(const std::string& name,
                                            const std::function<bool(const std::string&)>& exists)
{
    if (!exists(name)) {
        return name;
    }
    for (int suffix = 1; suffix <= 100; ++suffix) {
        auto candidate = fmt::format("{}.{}", name, suffix);
        if (!exists(candidate)) {
            return candidate;
        }
    }
    return std::nullopt;
}

}  // namespace hello::http
