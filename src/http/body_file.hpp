#pragma once
// Where the body goes: a file written as the bytes arrive, so memory stays
// bounded whatever the size. A transfer that fails removes what it wrote: a
// short file must never lie around looking like the page.

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace hello::http {

class BodyFile {
public:
    // Creates or truncates `path`. Throws FileError.
    explicit BodyFile(std::string path);
    // Unless finish() succeeded: closes and removes the file (if a regular file).
    ~BodyFile();
    BodyFile(const BodyFile&) = delete;
    BodyFile& operator=(const BodyFile&) = delete;

    // Throws FileError (disk full, ...).
    void write(std::string_view bytes);
    // Flushes and closes; throws FileError if the data did not make it.
    void finish();

    std::uint64_t size() const { return size_; }
    const std::string& path() const { return path_; }

private:
    std::string path_;
    std::FILE* file_;
    std::uint64_t size_ = 0;
};

}  // namespace hello::http
