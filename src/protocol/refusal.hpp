#pragma once
// Why a client is turned away before it is served, in one table: each
// refusal's label (the metric's `reason` label and the status log field), the
// error line the client gets, the option whose limit it hit and the server's
// log line. A new limit is one enum value and one row; the counters,
// /metrics, the status line and the log lines follow the table.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/vocabulary.hpp"

namespace hello::protocol {

enum class Refusal : std::uint8_t {
    busy,    // every --max-connections slot is taken
    per_ip,  // the client's address holds --max-connections-per-ip already
};

struct RefusalInfo {
    Refusal refusal;
    std::string_view label;   // one word
    std::string_view reason;  // what the client reads: "error: REASON"
    std::string_view option;  // the limit it hit
    // The log line, with {count} the connections that hold the limit and
    // {address} the client's address.
    std::string_view log;
};

// In the enum's order.
inline constexpr std::array refusals{
    RefusalInfo{Refusal::busy, "busy", "server busy, try again later", "--max-connections",
                "{count} clients connected (--max-connections); turning new ones away."},
    RefusalInfo{Refusal::per_ip, "per_ip", "too many connections from your address",
                "--max-connections-per-ip",
                "{count} connections from {address} (--max-connections-per-ip); turning new ones "
                "away."},
};
inline constexpr std::size_t refusal_count = refusals.size();

static_assert(in_enum_order(refusals, &RefusalInfo::refusal));

constexpr const RefusalInfo& describe(Refusal refusal)
{
    return refusals[static_cast<std::size_t>(refusal)];
}

}  // namespace hello::protocol
