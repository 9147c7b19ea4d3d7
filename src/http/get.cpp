#include "http/get.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "http/body_file.hpp"
#include "http/connection.hpp"
#include "http/deadline.hpp"
#include "http/errors.hpp"
#include "http/progress_meter.hpp"
#include "http/redirect.hpp"
#include "http/request.hpp"
#include "http/response_parser.hpp"
#include "net/connect.hpp"
#include "net/log.hpp"
#include "net/timeout.hpp"
#include "protocol/printable.hpp"
#include "version.hpp"

namespace hello::http {
namespace {

// Enough to keep a fast link busy; the only body memory we ever hold.
constexpr std::size_t read_buffer_size = 64 * 1024;

net::awaitable<void> send(Connection& connection, std::string_view request,
                          const Deadline& deadline)
{
    auto [error, written] =
        co_await net::within(deadline.remaining(), connection.write(asio::buffer(request)));
    if (error == asio::error::timed_out) {
        throw net::TimeoutError(
            fmt::format("sending the request timed out (--max-time {})", deadline.describe()));
    }
    if (error) {
        throw IncompleteResponse(
            fmt::format("the connection broke while sending the request: {}", error.message()));
    }
}

// The next bytes from the server, or nothing at the end of the stream.
net::awaitable<std::string_view> receive(Connection& connection, std::span<char> buffer,
                                         const Deadline& deadline)
{
    auto [error, size] = co_await net::within(
        deadline.remaining(), connection.read_some(asio::buffer(buffer.data(), buffer.size())));
    if (error == asio::error::eof) {
        co_return std::string_view{};
    }
    if (error == asio::error::timed_out) {
        throw net::TimeoutError(
            fmt::format("the response did not arrive within --max-time {}", deadline.describe()));
    }
    if (error) {
        throw IncompleteResponse(fmt::format("the connection broke: {}", error.message()));
    }
    co_return std::string_view(buffer.data(), size);
}

// Reads until the parser has the head; returns the bytes read past it (the body's start).
net::awaitable<std::string> read_head(Connection& connection, ResponseParser& parser,
                                      const Deadline& deadline)
{
    std::array<char, 16 * 1024> buffer;
    const auto no_body_yet = [](std::string_view) {};
    for (;;) {
        const auto bytes = co_await receive(connection, buffer, deadline);
        if (bytes.empty()) {
            parser.close();  // throws: the head is not complete
        }
        const auto used = parser.feed(bytes, no_body_yet);
        if (parser.head_complete()) {
            co_return std::string(bytes.substr(used));
        }
    }
}

// Reads the rest of the body, starting with what came with the head.
net::awaitable<void> read_body(Connection& connection, ResponseParser& parser,
                               std::string_view start, const BodySink& body,
                               const Deadline& deadline)
{
    parser.feed(start, body);
    std::vector<char> buffer(read_buffer_size);
    while (!parser.complete()) {
        const auto bytes = co_await receive(connection, buffer, deadline);
        if (bytes.empty()) {
            parser.close();  // ends a body read until close, or throws: it was cut short
        } else {
            parser.feed(bytes, body);
        }
    }
}

std::optional<std::uint64_t> announced_length(const BodyFraming& framing)
{
    if (framing.kind == BodyFraming::Kind::length) {
        return framing.length;
    }
    return std::nullopt;
}

net::awaitable<void> save_body(Connection& connection, ResponseParser& parser,
                               std::string_view start, const std::string& path,
                               const Deadline& deadline)
{
    BodyFile file(path);
    ProgressMeter progress(announced_length(parser.framing()));
    const auto write = [&file, &progress](std::string_view bytes) {
        file.write(bytes);
        progress.update(file.size());
    };
    co_await read_body(connection, parser, start, write, deadline);
    file.finish();
    progress.finish(file.size());
    net::log("Saved {} bytes to {}", file.size(), path);
}

void print_head(const ResponseHead& head)
{
    fmt::print("{}\n", head.to_string());
    std::fflush(stdout);  // before any progress on stderr, and before an error
}

// A Location we cannot follow is the server's fault.
Url redirect_target(const Url& from, std::string_view location)
{
    try {
        return resolve_location(from, location);
    } catch (const InvalidUrl& error) {
        throw MalformedResponse(fmt::format("cannot follow the redirect: {}", error.what()));
    }
}

// One request and its response. Returns where to go next when the response
// is a redirect that -L follows; otherwise saves the body (unless --header-only).
net::awaitable<std::optional<Url>> exchange(const Url& url, const GetOptions& options,
                                            asio::ssl::context& tls, const Deadline& deadline)
{
    const auto method = options.header_only ? Method::head : Method::get;
    auto connection = co_await Connection::open(url, tls, !options.insecure, deadline);
    const auto request = build_request(method, url, fmt::format("hello-asio-http_get/{}", version));
    co_await send(connection, request, deadline);
    ResponseParser parser(method);
    const auto body_start = co_await read_head(connection, parser, deadline);
    print_head(parser.head());

    const auto location = parser.head().value("Location");
    if (is_redirect(parser.head().status.code) && location) {
        if (options.follow_redirects) {
            co_return redirect_target(url, *location);
        }
        net::log("The server redirects to {} (-L follows redirects)",
                 protocol::printable(*location, 200));
    }
    if (!options.header_only) {
        co_await save_body(connection, parser, body_start, options.output, deadline);
    }
    co_return std::nullopt;
}

}  // namespace

net::awaitable<void> get(const GetOptions& options)
{
    const Deadline deadline(options.max_time);
    auto tls = make_tls_context(options.ca_file);
    auto url = options.url;
    int redirects = 0;
    while (auto next = co_await exchange(url, options, tls, deadline)) {
        if (++redirects > max_redirects) {
            throw TooManyRedirects(fmt::format("more than {} redirects (the last to {})",
                                               max_redirects, next->to_string()));
        }
        url = std::move(*next);
        net::log("Following the redirect to {}", url.to_string());
    }
}

}  // namespace hello::http
