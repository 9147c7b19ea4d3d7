#pragma once
// Where the client's names come from: the command line, or standard input
// read without blocking the io_context (so a slow typist stalls nothing).

#include <optional>
#include <string>
#include <vector>

#include "net/asio_compat.hpp"

namespace hello::client {

class NameSource {
public:
    virtual ~NameSource() = default;
    // The next name, or nullopt at the end.
    virtual net::awaitable<std::optional<std::string>> next() = 0;
};

class ListedNames final : public NameSource {
public:
    explicit ListedNames(std::vector<std::string> names);
    net::awaitable<std::optional<std::string>> next() override;

private:
    std::vector<std::string> names_;
    std::size_t next_ = 0;
};

// Lines of standard input (a terminal, a pipe or a file). Asio needs the
// descriptor non-blocking, and that flag is shared with whoever else holds
// the terminal, so it is put back as it was when done.
class StdinLines final : public NameSource {
public:
    explicit StdinLines(const asio::any_io_executor& executor);
    ~StdinLines() override;
    StdinLines(const StdinLines&) = delete;
    StdinLines& operator=(const StdinLines&) = delete;

    net::awaitable<std::optional<std::string>> next() override;

private:
    int original_flags_;
    asio::posix::stream_descriptor input_;
    std::string buffer_;
};

}  // namespace hello::client
