#pragma once
// The tutorial's do_tcp.py, as a coroutine that works on today's web:
// connect, send a GET, print the head, save the body, follow redirects.

#include "http/rules/get_options.hpp"
#include "http/rules/write_out.hpp"
#include "net/asio_compat.hpp"

namespace hello::http {

// Prints each response head to stdout and saves the final body to
// options.output, noting in `facts` what -w reports. Throws one of the errors
// of http/errors.hpp or net/connect.hpp; main turns each into its exit status.
net::awaitable<void> get(const GetOptions& options, TransferFacts& facts);

}  // namespace hello::http
