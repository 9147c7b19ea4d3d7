#pragma once
// Cuts fuzz input into the pieces a socket might have handed over: sizes
// from a small deterministic generator seeded by the input itself, so that
// a crash reproduces from its input file alone.

#include <cstdint>
#include <string_view>
#include <vector>

namespace hello::fuzz {

inline std::vector<std::string_view> split_at_random_points(std::string_view input,
                                                            std::uint32_t seed)
{
    std::vector<std::string_view> pieces;
    std::uint32_t state = seed | 1u;
    while (!input.empty()) {
        state ^= state << 13;  // xorshift32
        state ^= state >> 17;
        state ^= state << 5;
        // Mostly tiny pieces (1-8 bytes: every boundary lands mid-token), sometimes big ones.
        const std::size_t size = (state & 0x100) ? 1 + (state & 7) : 1 + (state % 512);
        pieces.push_back(input.substr(0, size));
        input.remove_prefix(std::min(size, input.size()));
    }
    return pieces;
}

}  // namespace hello::fuzz
