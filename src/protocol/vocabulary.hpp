#pragma once
// A vocabulary is an enum and a table with one row per value, in the enum's
// order, so that a value's row is found by indexing: this checks the order
// at compile time.

#include <array>
#include <cstddef>

namespace hello::protocol {

template <typename Row, std::size_t N, typename Enum>
constexpr bool in_enum_order(const std::array<Row, N>& rows, Enum Row::*value)
{
    for (std::size_t i = 0; i < N; ++i) {
        if (static_cast<std::size_t>(rows[i].*value) != i) {
            return false;
        }
    }
    return true;
}

}  // namespace hello::protocol
