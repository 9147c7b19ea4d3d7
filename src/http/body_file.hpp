#pragma once
// Where the body goes: a file written as the bytes arrive, so memory stays
// bounded whatever the size, and a file that is never clobbered: the bytes go
// to a temporary file in the target's directory, which finish() renames over
// the target. A transfer that fails removes the temporary file and leaves
// whatever was at the target untouched. A symbolic link at the target is
// followed, so the file it points to is replaced and the link stays.
//
// Two targets are written directly instead: "-" (standard output), and a
// target that exists but is no regular file (/dev/null, a FIFO), which
// cannot be renamed over.
//
// -C - (resume) changes two things: the rest of a partial file is appended
// to it directly (it is a partial file already), and a transfer that fails
// where there was no file keeps what arrived at the target, with the
// response's validator in the extended attribute user.http_get.validator,
// for the next -C - to send as If-Range.

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace hello::http {

// A file that -C - can continue: a regular file with some bytes.
struct PartialFile {
    std::uint64_t size = 0;
    std::optional<std::string> validator;  // as stored by keep_partial()
};
std::optional<PartialFile> partial_file(const std::string& path);

class BodyFile {
public:
    enum class Mode { replace, append };

    // Throws FileError.
    explicit BodyFile(std::string path, Mode mode = Mode::replace);
    // Unless finish() succeeded: closes and removes the temporary file.
    ~BodyFile();
    BodyFile(const BodyFile&) = delete;
    BodyFile& operator=(const BodyFile&) = delete;

    // Throws FileError (disk full, ...).
    void write(std::string_view bytes);
    // Flushes, closes and renames into place; throws FileError if the data
    // did not make it (the target is then left as it was).
    void finish();

    // -C -: should this transfer fail, what arrived stays at the target if
    // nothing was there, with `validator` for the next try's If-Range.
    void keep_partial(const std::optional<std::string>& validator);
    // Takes that back: this failure leaves nothing.
    void discard_partial() { keep_partial_ = false; }

    std::uint64_t size() const { return size_; }
    // As the user named it, for messages.
    const std::string& path() const { return path_; }

private:
    std::string path_;         // as given
    std::string destination_;  // path_ with symbolic links followed
    std::string temporary_;    // "" when writing directly
    std::FILE* file_ = nullptr;
    std::uint64_t size_ = 0;
    bool target_existed_ = false;
    bool keep_partial_ = false;
};

}  // namespace hello::http
