#pragma once
// What -C - and -C OFFSET may continue, and what a 416 to their Range
// means: a pure rule.
//
// -C - appends only to bytes known to be a prefix of the resource it asks
// for. Those are the bytes http_get itself saved or kept, marked with the
// resource's validator (sent back as If-Range, so that the server sends the
// whole resource instead of a splice when it changed) and, when it was known,
// the resource's length. A file without that mark is of unknown origin (an
// old version, curl's partial, something else by that name): it is fetched
// whole, never appended to. curl appends to any file; http_get is stricter.

#include <cstdint>
#include <optional>
#include <string>

#include "http/wire/content_range.hpp"

namespace hello::http {

// A file at (or kept for) the target, and what http_get marked it with.
struct FileMark {
    std::uint64_t size = 0;
    std::optional<std::string> validator;  // strong ETag or Last-Modified, as for If-Range
    std::optional<std::uint64_t> length;   // the whole resource's length
    bool partial = false;                  // kept by a transfer that did not finish
};

// The byte -C - asks for first ("Range: bytes=N-"), or nullopt when the file
// must be fetched whole: it has no validator, or it is longer than the
// resource it is marked with.
std::optional<std::uint64_t> resume_offset(const FileMark& mark);

// A 416 answers a Range whose If-Range matched: the file is complete when the
// server says the resource is as long as the file, or, when it says no
// length (Apache, lighttpd: RFC 9110 only says SHOULD), when the mark says
// the file is whole. Otherwise the 416 proves nothing and the resource is
// asked for again without Range.
bool unsatisfiable_means_complete(const FileMark& mark, const std::optional<ContentRange>& range);

// -C OFFSET appends the bytes from OFFSET on, as curl does, but only to a
// regular file of exactly OFFSET bytes: appended to a shorter or longer one
// they would make a file that is no version of the resource (curl appends
// wherever the file ends). Returns why a file of `size` bytes (nullopt: no
// regular file there) cannot be continued at `offset`, or nullopt when it can.
std::optional<std::string> offset_refusal(const std::string& path,
                                          std::optional<std::uint64_t> size, std::uint64_t offset);

// Where a transfer that fails keeps what arrived when the target holds a file
// it must not replace (an old version, a file of unknown origin): next to it,
// as ".NAME.http_get-partial", where the next -C - looks first.
std::string kept_partial_path(const std::string& target);

}  // namespace hello::http
