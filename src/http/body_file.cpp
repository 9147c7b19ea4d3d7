#include "http/body_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "http/errors.hpp"

namespace hello::http {
namespace {

[[noreturn]] void fail(std::string_view doing, const std::string& path, int error)
{
    throw FileError(fmt::format("cannot {} {}: {}", doing, path, std::strerror(error)));
}

// Only files we made: -o /dev/null must stay where it is.
void remove_if_regular_file(const std::string& path)
{
    std::error_code ignored;
    if (std::filesystem::is_regular_file(path, ignored)) {
        std::filesystem::remove(path, ignored);
    }
}

}  // namespace

BodyFile::BodyFile(std::string path)
    : path_(std::move(path)), file_(std::fopen(path_.c_str(), "wb"))
{
    if (file_ == nullptr) {
        fail("create", path_, errno);
    }
}

BodyFile::~BodyFile()
{
    if (file_ != nullptr) {
        std::fclose(file_);
        remove_if_regular_file(path_);
    }
}

void BodyFile::write(std::string_view bytes)
{
    if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
        fail("write to", path_, errno);
    }
    size_ += bytes.size();
}

void BodyFile::finish()
{
    if (std::fflush(file_) != 0) {
        fail("write to", path_, errno);  // the destructor closes and removes it
    }
    const bool closed = std::fclose(file_) == 0;
    const int error = errno;
    file_ = nullptr;
    if (!closed) {
        remove_if_regular_file(path_);
        fail("close", path_, error);
    }
}

}  // namespace hello::http
