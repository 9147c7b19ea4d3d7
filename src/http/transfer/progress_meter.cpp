#include "http/transfer/progress_meter.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace hello::http {
namespace {

// Asked at every drawing, so that a resized window is followed.
std::size_t terminal_width()
{
    winsize size{};
    if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
        return size.ws_col;
    }
    if (const char* columns = std::getenv("COLUMNS")) {
        const std::string_view text(columns);
        std::size_t value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error == std::errc{} && end == text.data() + text.size() && value > 0) {
            return value;
        }
    }
    return 80;
}

}  // namespace

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
    if (!enabled_) {
        return;
    }
    const auto now = clock::now();
    if (last_draw_ && now - *last_draw_ < redraw_interval) {
        return;
    }
    window_.add(now, bytes);
    draw(bytes, window_.rate(), now);
}

void ProgressMeter::finish(std::uint64_t bytes)
{
    if (!enabled_) {
        return;
    }
    const auto now = clock::now();
    const std::chrono::duration<double> elapsed = now - start_;
    draw(bytes,
         elapsed.count() > 0 ? std::optional(static_cast<double>(bytes) / elapsed.count())
                             : std::nullopt,
         now);
    std::fputc('\n', stderr);
    line_open_ = false;
}

void ProgressMeter::draw(std::uint64_t bytes, std::optional<double> rate, clock::time_point now)
{
    const Progress progress{bytes, total_, rate,
                            std::chrono::duration_cast<std::chrono::milliseconds>(now - start_)};
    // One column short of the edge: writing the last one wraps on some terminals.
    const auto width = terminal_width();
    const auto line = progress_line(progress, width > 1 ? width - 1 : 1);
    // Spaces over whatever a longer previous line left behind.
    fmt::print(stderr, "\r{:<{}}", line, std::min(last_width_, width - 1));
    std::fflush(stderr);
    last_width_ = line.size();
    last_draw_ = now;
    line_open_ = true;
}

}  // namespace hello::http
