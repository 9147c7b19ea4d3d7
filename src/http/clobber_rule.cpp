#include "http/clobber_rule.hpp"

namespace hello::http {

bool may_replace(bool name_given, int status_code, bool file_exists)
{
    return name_given || !file_exists || (status_code >= 200 && status_code <= 299);
}

}  // namespace hello::http
