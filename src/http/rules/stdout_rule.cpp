#include "http/rules/stdout_rule.hpp"

namespace hello::http {

HeadPlace head_place(const OutputChoices& choices)
{
    if (choices.include_head && !choices.header_only) {
        return HeadPlace::output;
    }
    if (choices.dump_to_stdout) {
        return HeadPlace::nowhere;  // -D - prints it there already
    }
    if (choices.header_only) {
        return HeadPlace::standard_output;
    }
    if (choices.body_to_stdout) {
        return choices.silent || choices.verbose ? HeadPlace::nowhere : HeadPlace::standard_error;
    }
    if (choices.write_out || choices.silent) {
        return HeadPlace::nowhere;
    }
    return HeadPlace::standard_output;
}

bool dump_writes_head(const OutputChoices& choices)
{
    return !(choices.dump_to_stdout && choices.body_to_stdout &&
             head_place(choices) == HeadPlace::output);
}

}  // namespace hello::http
