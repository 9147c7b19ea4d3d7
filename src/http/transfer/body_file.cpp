#include "http/transfer/body_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "http/rules/failures.hpp"
#include "http/rules/get_options.hpp"

namespace hello::http {
namespace {

namespace fs = std::filesystem;

constexpr const char* validator_attribute = "user.http_get.validator";
constexpr const char* length_attribute = "user.http_get.length";
constexpr const char* partial_attribute = "user.http_get.partial";

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

// The pieces come as large as the transfer's reads: each goes out
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

std::optional<std::string> attribute(const std::string& path, const char* name)
{
    std::array<char, 1024> value{};
    const auto size = ::getxattr(path.c_str(), name, value.data(), value.size());
    if (size < 0) {
        return std::nullopt;
    }
    return std::string(value.data(), static_cast<std::size_t>(size));
}

// The mark of the regular file with bytes at `path`, or nullopt.
std::optional<FileMark> mark_of(const std::string& path)
{
    struct stat existing {};
    if (::stat(path.c_str(), &existing) != 0 || !S_ISREG(existing.st_mode) ||
        existing.st_size <= 0) {
        return std::nullopt;
    }
    FileMark mark;
    mark.size = static_cast<std::uint64_t>(existing.st_size);
    mark.validator = attribute(path, validator_attribute);
    if (const auto length = attribute(path, length_attribute)) {
        std::uint64_t value = 0;
        const auto end = length->data() + length->size();
        if (const auto [stop, error] = std::from_chars(length->data(), end, value);
            error == std::errc{} && stop == end) {
            mark.length = value;
        }
    }
    mark.partial = attribute(path, partial_attribute).has_value();
    return mark;
}

bool set_attribute(int descriptor, const char* name, std::string_view value)
{
    return ::fsetxattr(descriptor, name, value.data(), value.size(), 0) == 0;
}

}  // namespace

std::optional<ResumeCandidate> resume_candidate(const std::string& path)
{
    const auto target = follow_links(path);
    const auto at_target = mark_of(target);
    if (at_target && at_target->partial) {
        return ResumeCandidate{target, *at_target};
    }
    const auto beside = kept_partial_path(target);
    if (const auto kept = mark_of(beside); kept && kept->validator) {
        return ResumeCandidate{beside, *kept};
    }
    if (at_target) {
        return ResumeCandidate{target, *at_target};
    }
    return std::nullopt;
}

std::optional<ResumeCandidate> regular_file_at(const std::string& path)
{
    const auto target = follow_links(path);
    struct stat existing {};
    if (::stat(target.c_str(), &existing) != 0 || !S_ISREG(existing.st_mode)) {
        return std::nullopt;
    }
    return ResumeCandidate{target, mark_of(target).value_or(FileMark{})};
}

BodyFile::BodyFile(std::string path, Mode mode, std::string continued)
    : path_(std::move(path)), continued_(std::move(continued))
{
    if (path_ == standard_output) {
        file_ = stdout;
        return;
    }
    destination_ = follow_links(path_);
    if (mode == Mode::append) {
        if (continued_.empty()) {
            continued_ = destination_;
        }
        file_ = std::fopen(continued_.c_str(), "ab");
        if (file_ == nullptr) {
            fail("open", path_, errno);
        }
        write_unbuffered(file_);
        return;
    }
    struct stat existing {};
    const bool exists = ::stat(destination_.c_str(), &existing) == 0;
    const auto mark = exists ? mark_of(destination_) : std::nullopt;
    target_is_ours_ = !exists || (mark && mark->partial);
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
    if (keep_partial_ && size_ > 0) {
        const auto beside = kept_partial_path(destination_);
        const auto& kept = target_is_ours_ ? destination_ : beside;
        if (::rename(temporary_.c_str(), kept.c_str()) == 0) {
            if (target_is_ours_) {
                ::unlink(beside.c_str());  // an older partial: this one is newer
            }
            return;
        }
    }
    ::unlink(temporary_.c_str());
}

void BodyFile::mark(const BodyOrigin& origin)
{
    if (file_ == nullptr || file_ == stdout || (temporary_.empty() && continued_.empty())) {
        return;  // not a file of ours: a device, a FIFO, standard output
    }
    const int descriptor = ::fileno(file_);
    if (origin.length) {
        set_attribute(descriptor, length_attribute, std::to_string(*origin.length));
    }
    if (!continued_.empty()) {
        marked_ = true;  // a partial already: its validator is the one it was asked for with
        return;
    }
    // Without a validator the bytes cannot be checked against the resource
    // later; without attributes they could not be told from another file.
    if (!origin.validator || !set_attribute(descriptor, validator_attribute, *origin.validator) ||
        !set_attribute(descriptor, partial_attribute, "1")) {
        return;
    }
    marked_ = true;
    keep_partial_ = true;
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
    if (marked_) {
        ::fremovexattr(::fileno(file_), partial_attribute);  // whole now
    }
    const bool closed = std::fclose(file_) == 0;
    const int error = errno;
    file_ = nullptr;
    if (!closed) {
        fail("close", path_, error);
    }
    if (!continued_.empty() && continued_ != destination_ &&
        ::rename(continued_.c_str(), destination_.c_str()) != 0) {
        fail("replace", path_, errno);
    }
    if (temporary_.empty()) {
        return;
    }
    if (::rename(temporary_.c_str(), destination_.c_str()) != 0) {
        fail("replace", path_, errno);
    }
    temporary_.clear();
    ::unlink(kept_partial_path(destination_).c_str());  // superseded by the whole resource
}

}  // namespace hello::http
