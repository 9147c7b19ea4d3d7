#include "http/progress_meter.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <cstdio>

#include "http/progress.hpp"

namespace hello::http {

ProgressMeter::ProgressMeter(std::optional<std::uint64_t> total)
    : enabled_(::isatty(STDERR_FILENO) == 1), total_(total)
{
}

ProgressMeter::~ProgressMeter()
{
    if (line_open_) {
        std::fputc('\n', stderr);
    }
}

void ProgressMeter::update(std::uint64_t bytes)
{
    const auto now = clock::now();
    if (enabled_ && now - last_draw_ >= std::chrono::milliseconds(100)) {
        draw(bytes, now);
    }
}

void ProgressMeter::finish(std::uint64_t bytes)
{
    if (enabled_) {
        draw(bytes, clock::now());
        std::fputc('\n', stderr);
        line_open_ = false;
    }
}

void ProgressMeter::draw(std::uint64_t bytes, clock::time_point now)
{
    const std::chrono::duration<double> elapsed = now - start_;
    const double rate = elapsed.count() > 0 ? static_cast<double>(bytes) / elapsed.count() : 0.0;
    const auto line = progress_line(bytes, rate, total_);
    // Spaces over whatever a longer previous line left behind.
    fmt::print(stderr, "\r{:<{}}", line, last_width_);
    std::fflush(stderr);
    last_width_ = line.size();
    last_draw_ = now;
    line_open_ = true;
}

}  // namespace hello::http
