#include "loadgen/pacing.hpp"

namespace hello::loadgen {

Pacing::Pacing(std::size_t first, std::size_t step, std::size_t count,
               std::size_t total_connections, std::uint64_t rate)
    : first_(first), step_(step), count_(count), total_connections_(total_connections), rate_(rate)
{
}

void Pacing::start(Clock::time_point start, Clock::time_point deadline)
{
    start_ = start;
    deadline_ = deadline;
    round_ = 0;
    position_ = 0;
    next_due_ = count_ > 0 ? due_time(first_, 0) : Clock::time_point::max();
    over_ = false;
}

}  // namespace hello::loadgen
