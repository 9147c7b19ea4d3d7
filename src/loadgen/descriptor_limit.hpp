#pragma once
// Every connection is a file descriptor, and the default soft limit (often
// 1024) is far below what a benchmark of thousands of connections needs. A
// process may raise its own soft limit up to the hard one without privileges.

#include <cstddef>

namespace hello::loadgen {

// Raises the soft RLIMIT_NOFILE to the hard limit; returns the soft limit in
// force afterwards (unchanged if raising failed).
std::size_t raise_descriptor_limit();

}  // namespace hello::loadgen
