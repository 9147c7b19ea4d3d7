#pragma once
// What may go on standard output besides the body: one owner at a time, so
// that `code=$(http_get -s -o /dev/null -w '%{http_code}' URL)` captures the
// code and nothing else, as with curl.
//
//   -o - : stdout is the body, with the heads before it when -i asks.
//   -w, or -s with the body going to a file: the head is not printed (-i and
//   -D - still put it where they say, once).
//   -I : the head is what was asked for: on stdout.
//   Otherwise (the tutorial's `http_get URL`): the head on stdout, the body
//   in its file.
// Where stdout carries the body and nothing asked for the head there, it
// goes to stderr unless -s or -v (which shows it already).

namespace hello::http {

struct OutputChoices {
    bool body_to_stdout = false;  // -o -
    bool include_head = false;    // -i
    bool dump_to_stdout = false;  // -D -
    bool write_out = false;       // -w
    bool silent = false;          // -s
    bool verbose = false;         // -v
    bool header_only = false;     // -I
};

enum class HeadPlace {
    nowhere,          // only where -D and -v put it
    standard_output,  // on its own, before the body goes to its file
    standard_error,   // out of the way of a body on stdout
    output,           // -i: into the body's output, before the body
};

HeadPlace head_place(const OutputChoices& choices);

// Whether -D - writes the head: not when -i puts it on stdout already.
bool dump_writes_head(const OutputChoices& choices);

}  // namespace hello::http
