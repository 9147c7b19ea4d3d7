#include "ops/listen_fds.hpp"

#include <fmt/format.h>

#include <charconv>
#include <climits>

namespace hello::ops {
namespace {

std::optional<long> whole_number(std::string_view text)
{
    long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value < 0) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

ListenFds parse_listen_fds(std::optional<std::string_view> listen_pid,
                           std::optional<std::string_view> listen_fds, long pid)
{
    if (!listen_pid) {
        return NoSocketsPassed{};
    }
    const auto for_pid = whole_number(*listen_pid);
    if (!for_pid) {
        return BadSocketActivation{fmt::format("invalid LISTEN_PID '{}'", *listen_pid)};
    }
    // Set for another process (our parent, say): not ours to take. As in
    // sd_listen_fds(), LISTEN_FDS unset means no sockets either.
    if (*for_pid != pid || !listen_fds) {
        return NoSocketsPassed{};
    }
    const auto count = whole_number(*listen_fds);
    if (!count || *count > INT_MAX - first_listen_fd) {
        return BadSocketActivation{fmt::format("invalid LISTEN_FDS '{}'", *listen_fds)};
    }
    if (*count == 0) {
        return NoSocketsPassed{};
    }
    return SocketsPassed{static_cast<int>(*count)};
}

}  // namespace hello::ops
