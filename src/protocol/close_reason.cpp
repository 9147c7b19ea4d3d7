#include "protocol/close_reason.hpp"

namespace hello::protocol {

CloseReason decide_close_reason(std::optional<CloseReason> ended_by_server, bool io_failed,
                                Ending ending)
{
    if (ended_by_server) {
        return *ended_by_server;
    }
    if (io_failed) {
        return CloseReason::reset;
    }
    switch (ending) {
    case Ending::said_exit: return CloseReason::exit;
    case Ending::too_long: return CloseReason::too_long;
    case Ending::end_of_stream: return CloseReason::eof;
    case Ending::none: break;
    }
    return CloseReason::failed;  // the session stopped without a reason: a bug
}

}  // namespace hello::protocol
