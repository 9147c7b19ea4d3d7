#include "protocol/close_reason.hpp"

namespace hello::protocol {

std::string_view close_reason_label(CloseReason reason)
{
    switch (reason) {
    case CloseReason::exit: return "exit";
    case CloseReason::eof: return "eof";
    case CloseReason::reset: return "reset";
    case CloseReason::too_long: return "too_long";
    case CloseReason::idle: return "idle";
    case CloseReason::shutdown: return "shutdown";
    case CloseReason::failed: return "failed";
    case CloseReason::proxy_header: return "proxy_header";
    }
    return "unknown";
}

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
