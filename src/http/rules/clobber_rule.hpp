#pragma once
// Whether a response's body may replace the file at the output's name.
//
// A name the user gave (-o FILE) is consent: the body goes there whatever
// its status, as with curl. The default name (the URL's last segment, or
// index.html) was never typed, so a file there is probably the user's own:
// only a 2xx body replaces it. An error page or a redirect's page is
// refused instead, with a message and exit status 100 (wget would save it
// as index.html.1; curl -O would replace the file without a word).

#include <functional>
#include <optional>
#include <string>

namespace hello::http {

bool may_replace(bool name_given, int status_code, bool file_exists);

// --no-clobber, as curl's: the name itself when nothing is there, else the
// first of NAME.1 ... NAME.100 that is free; nullopt when all are taken.
std::optional<std::string> unclobbered_name(const std::string& name,
                                            const std::function<bool(const std::string&)>& exists);

}  // namespace hello::http
