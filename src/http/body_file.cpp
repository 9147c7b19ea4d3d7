#include "http/body_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "http/errors.hpp"
#include "http/options.hpp"

namespace hello::http {
namespace {

namespace fs = std::filesystem;

constexpr const char* validator_attribute = "user.http_get.validator";

[[noreturn]] void fail(std::string_view doing, const std::string& path, int error)
{
    throw FileError(fmt::format("cannot {} {}: {}", doing, path, std::strerror(error)));
}

// The file a chain of symbolic links at `path` ends at (as the kernel would
// follow it, up to its own limit of 40 links).
std::string follow_links(const std::string& path)
{
    fs::path current(path);
    for (int links = 0; links < 40; ++links) {
        std::error_code error;
        if (!fs::is_symlink(current, error)) {
            return current.string();
        }
        const auto target = fs::read_symlink(current, error);
        if (error) {
            return current.string();
        }
        current = target.is_absolute() ? target : current.parent_path() / target;
    }
    fail("follow the links at", path, ELOOP);
}

// The pieces come as large as the transfer's reads (up to 256 KiB): each goes out
// in one write(2). Through stdio's buffer each was split in two (the buffer's
// remainder, then the rest), with a copy of part of it.
void write_unbuffered(std::FILE* file)
{
    std::setvbuf(file, nullptr, _IONBF, 0);
}

// What a new file gets from open(2): 0666 less the umask.
mode_t new_file_mode()
{
    const mode_t mask = ::umask(0);
    ::umask(mask);
    return 0666 & ~mask;
}

}  // namespace

std::optional<PartialFile> partial_file(const std::string& path)
{
    struct stat existing {};
    if (::stat(path.c_str(), &existing) != 0 || !S_ISREG(existing.st_mode) ||
        existing.st_size <= 0) {
        return std::nullopt;
    }
    PartialFile partial{static_cast<std::uint64_t>(existing.st_size), std::nullopt};
    std::array<char, 1024> value{};
    const auto size = ::getxattr(path.c_str(), validator_attribute, value.data(), value.size());
    if (size > 0) {
        partial.validator = std::string(value.data(), static_cast<std::size_t>(size));
    }
    return partial;
}

BodyFile::BodyFile(std::string path, Mode mode) : path_(std::move(path))
{
    if (path_ == standard_output) {
        file_ = stdout;
        return;
    }
    destination_ = follow_links(path_);
    if (mode == Mode::append) {
        file_ = std::fopen(destination_.c_str(), "ab");
        if (file_ == nullptr) {
            fail("open", path_, errno);
        }
        write_unbuffered(file_);
        return;
    }
    struct stat existing {};
    const bool exists = ::stat(destination_.c_str(), &existing) == 0;
    target_existed_ = exists;
    if (exists && !S_ISREG(existing.st_mode)) {
        file_ = std::fopen(destination_.c_str(), "wb");  // /dev/null, a FIFO: no rename
        if (file_ == nullptr) {
            fail("open", path_, errno);
        }
        write_unbuffered(file_);
        return;
    }
    const auto target = fs::path(destination_);
    const auto directory = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    auto pattern =
        (directory / fmt::format(".{}.http_get-XXXXXX", target.filename().string())).string();
    const int descriptor = ::mkstemp(pattern.data());
    if (descriptor < 0) {
        fail("create a temporary file for", path_, errno);
    }
    temporary_ = pattern;
    // The replacement keeps an existing file's permissions; a new one gets the usual.
    ::fchmod(descriptor, exists ? (existing.st_mode & 07777) : new_file_mode());
    file_ = ::fdopen(descriptor, "wb");
    if (file_ == nullptr) {
        const int error = errno;
        ::close(descriptor);
        ::unlink(temporary_.c_str());
        fail("open", temporary_, error);
    }
    write_unbuffered(file_);
}

BodyFile::~BodyFile()
{
    if (file_ != nullptr && file_ != stdout) {
        std::fclose(file_);
    }
    if (temporary_.empty()) {
        return;
    }
    if (keep_partial_ && !target_existed_ && size_ > 0 &&
        ::rename(temporary_.c_str(), destination_.c_str()) == 0) {
        return;
    }
    ::unlink(temporary_.c_str());
}

void BodyFile::keep_partial(const std::optional<std::string>& validator)
{
    keep_partial_ = true;
    if (validator && file_ != nullptr && !temporary_.empty()) {
        // Best effort: without it, the next -C - resumes as curl does, unchecked.
        ::fsetxattr(::fileno(file_), validator_attribute, validator->data(), validator->size(), 0);
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
        fail("write to", path_, errno);  // the destructor removes the temporary file
    }
    if (file_ == stdout) {
        file_ = nullptr;
        return;
    }
    const bool closed = std::fclose(file_) == 0;
    const int error = errno;
    file_ = nullptr;
    if (!closed) {
        fail("close", path_, error);
    }
    if (temporary_.empty()) {
        return;
    }
    if (::rename(temporary_.c_str(), destination_.c_str()) != 0) {
        fail("replace", path_, errno);
    }
    temporary_.clear();
}

}  // namespace hello::http
