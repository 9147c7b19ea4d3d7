#pragma once
// A promise a fuzz target checks: breaking it aborts, which libFuzzer
// reports as a crash with the input that caused it.

#include <cstdlib>

namespace hello::fuzz {

inline void require(bool promise_kept)
{
    if (!promise_kept) {
        std::abort();
    }
}

}  // namespace hello::fuzz
