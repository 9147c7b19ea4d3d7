#include "client/name_source.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <stdexcept>

namespace hello::client {

ListedNames::ListedNames(std::vector<std::string> names) : names_(std::move(names)) {}

net::awaitable<std::optional<std::string>> ListedNames::next()
{
    if (next_ == names_.size()) {
        co_return std::nullopt;
    }
    co_return names_[next_++];
}

StdinLines::StdinLines(const asio::any_io_executor& executor)
    : original_flags_(::fcntl(STDIN_FILENO, F_GETFL)), input_(executor, ::dup(STDIN_FILENO))
{
}

StdinLines::~StdinLines()
{
    if (original_flags_ != -1) {
        ::fcntl(STDIN_FILENO, F_SETFL, original_flags_);
    }
}

net::awaitable<std::optional<std::string>> StdinLines::next()
{
    // A name is at most this long: input is a name per line, not a stream.
    constexpr std::size_t max_line = 64 * 1024;
    auto [error, line_end] = co_await asio::async_read_until(
        input_, asio::dynamic_buffer(buffer_, max_line), '\n', net::use_nothrow_awaitable);
    if (error == asio::error::not_found) {
        throw std::runtime_error("a line of standard input is longer than 64 KiB");
    }
    if (error && error != asio::error::eof) {
        throw std::runtime_error(fmt::format("cannot read standard input: {}", error.message()));
    }
    if (error == asio::error::eof) {
        if (buffer_.empty()) {
            co_return std::nullopt;
        }
        line_end = buffer_.size();  // a last line without its '\n'
    }
    std::string line = buffer_.substr(0, line_end);
    buffer_.erase(0, line_end);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
        line.pop_back();
    }
    co_return line;
}

}  // namespace hello::client
