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
// What arrived of a resource that -C - could continue (the response named
// its validator) is not thrown away when the transfer fails: it is kept,
// marked with the validator, the resource's length and a "partial" flag in
// extended attributes, at the target when nothing was there (or only such a
// partial), else beside it (kept_partial_path()), never over a file that may
// be good. A file saved whole carries the validator and length too, so that
// -C - knows it is complete. -C - appends the rest directly to the partial
// and puts it in place once it is whole (resume_rule.hpp says which files it
// continues). Where extended attributes cannot be set nothing is kept.

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "http/rules/resume_rule.hpp"

namespace hello::http {

// What a body is of, for the marks its file gets.
struct BodyOrigin {
    std::optional<std::string> validator;  // as for If-Range
    std::optional<std::uint64_t> length;   // the whole resource's
};

// The file -C - would continue for the target `path`: a partial kept at it,
// else one kept beside it, else whatever regular file with bytes is at it,
// marked or not (resume_offset() decides whether it is continued).
struct ResumeCandidate {
    std::string path;  // the file to append to, symbolic links followed
    FileMark mark;
};
std::optional<ResumeCandidate> resume_candidate(const std::string& path);
// The file -C OFFSET would continue: the regular file at `path` (empty or
// not, marked or not), never a partial kept beside it.
std::optional<ResumeCandidate> regular_file_at(const std::string& path);

class BodyFile {
public:
    enum class Mode { replace, append };

    // Throws FileError. Mode::append appends to `continued` (the target or
    // the partial kept beside it), which finish() puts in place at `path`.
    explicit BodyFile(std::string path, Mode mode = Mode::replace, std::string continued = {});
    // Unless finish() succeeded: closes and removes the temporary file.
    ~BodyFile();
    BodyFile(const BodyFile&) = delete;
    BodyFile& operator=(const BodyFile&) = delete;

    // Throws FileError (disk full, ...).
    void write(std::string_view bytes);
    // Flushes, closes and renames into place; throws FileError if the data
    // did not make it (the target is then left as it was).
    void finish();

    // The body is the resource `origin` names (with a validator; else this
    // does nothing): the file is marked with it, and should the transfer
    // fail, what arrived is kept for -C -.
    void mark(const BodyOrigin& origin);
    // Takes that back: this failure leaves nothing.
    void discard_partial() { keep_partial_ = false; }

    std::uint64_t size() const { return size_; }
    // As the user named it, for messages.
    const std::string& path() const { return path_; }

private:
    std::string path_;         // as given
    std::string destination_;  // path_ with symbolic links followed
    std::string temporary_;    // "" when writing directly
    std::string continued_;    // Mode::append: the file appended to
    std::FILE* file_ = nullptr;
    std::uint64_t size_ = 0;
    bool target_is_ours_ = false;  // nothing, or a partial we kept, is at the target
    bool marked_ = false;
    bool keep_partial_ = false;
};

}  // namespace hello::http
