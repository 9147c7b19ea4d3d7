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
#include "http/errors.hpp"
#include "http/progress_meter.hpp"
#include "http/redirect.hpp"
#include "http/request.hpp"
#include "http/response_parser.hpp"
#include "http/route.hpp"
#include "http/time_limits.hpp"
#include "http/trace.hpp"
#include "net/log.hpp"
#include "net/timeout.hpp"
#include "protocol/printable.hpp"

namespace hello::http {
namespace {

// Enough to keep a fast link busy; the only body memory we ever hold.
constexpr std::size_t read_buffer_size = 64 * 1024;

// What one download needs besides its options: the limits' clock, TLS, and
// where the reports go.
struct Transfer {
    const GetOptions& options;
    TransferClock clock;
    asio::ssl::context tls;

    // Reports on stderr ("Saved ...", "Following ..."), unless -s.
    template <typename... Args>
    void report(fmt::format_string<Args...> format, Args&&... args) const
    {
        if (!options.silent) {
            net::log(format, std::forward<Args>(args)...);
        }
    }

    // -v's lines, prefixed.
    void trace(std::string_view text, std::string_view prefix) const
    {
        if (options.verbose) {
            fmt::print(stderr, "{}", prefixed_lines(text, prefix));
            std::fflush(stderr);
        }
    }
};

net::awaitable<void> send(Connection& connection, std::string_view request,
                          const TransferClock& clock)
{
    const auto doing = "sending the request";
    const auto limit = clock.for_transfer();
    check_time_left(limit, doing);
    auto [error, written] =
        co_await net::within(limit.left, connection.write(asio::buffer(request)));
    if (error == asio::error::timed_out) {
        throw_timed_out(limit, doing);
    }
    if (error) {
        throw IncompleteResponse(
            fmt::format("the connection broke while sending the request: {}", error.message()));
    }
}

// The next bytes from the server, or nothing at the end of the stream. The
// limits are checked before the read, not only raced against it: a server
// that never pauses would win every race.
net::awaitable<std::string_view> receive(Connection& connection, std::span<char> buffer,
                                         const TransferClock& clock, std::string_view doing)
{
    const auto limit = clock.for_transfer();
    check_time_left(limit, doing);
    auto [error, size] = co_await net::within(
        limit.left, connection.read_some(asio::buffer(buffer.data(), buffer.size())));
    if (error == asio::error::eof) {
        co_return std::string_view{};
    }
    if (error == asio::error::timed_out) {
        throw_timed_out(limit, doing);
    }
    if (error) {
        throw IncompleteResponse(fmt::format("the connection broke: {}", error.message()));
    }
    co_return std::string_view(buffer.data(), size);
}

// Reads until the parser has the head; returns the bytes read past it (the body's start).
net::awaitable<std::string> read_head(Connection& connection, ResponseParser& parser,
                                      const TransferClock& clock)
{
    std::array<char, 16 * 1024> buffer;
    const auto no_body_yet = [](std::string_view) {};
    for (;;) {
        const auto bytes = co_await receive(connection, buffer, clock, "waiting for the response");
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
                               const TransferClock& clock)
{
    parser.feed(start, body);
    std::vector<char> buffer(read_buffer_size);
    while (!parser.complete()) {
        const auto bytes = co_await receive(connection, buffer, clock, "reading the body");
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

bool to_stdout(const GetOptions& options)
{
    return options.output == standard_output;
}

net::awaitable<void> save_body(Connection& connection, ResponseParser& parser,
                               std::string_view start, const Transfer& transfer)
{
    const auto& path = transfer.options.output;
    BodyFile file(path);
    // Without -s, a progress bar (on a terminal); never over a body on the same terminal.
    std::optional<ProgressMeter> progress;
    if (!transfer.options.silent && !to_stdout(transfer.options)) {
        progress.emplace(announced_length(parser.framing()));
    }
    const auto write = [&file, &progress](std::string_view bytes) {
        file.write(bytes);
        if (progress) {
            progress->update(file.size());
        }
    };
    co_await read_body(connection, parser, start, write, transfer.clock);
    file.finish();
    if (progress) {
        progress->finish(file.size());
    }
    if (to_stdout(transfer.options)) {
        transfer.report("Wrote {} bytes to standard output", file.size());
    } else {
        transfer.report("Saved {} bytes to {}", file.size(), path);
    }
}

// The head goes to stdout, or to stderr when stdout carries the body (and
// not twice there: -v shows it already).
void print_head(const ResponseHead& head, const Transfer& transfer)
{
    const auto text = head.to_string();
    transfer.trace(text + "\n", "< ");
    if (!to_stdout(transfer.options)) {
        fmt::print("{}\n", text);
        std::fflush(stdout);  // before any progress on stderr, and before an error
    } else if (!transfer.options.verbose) {
        fmt::print(stderr, "{}\n", text);
    }
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
// is a redirect that -L follows; otherwise saves the body (unless --head).
net::awaitable<std::optional<Url>> exchange(const Url& url, Transfer& transfer)
{
    const auto& options = transfer.options;
    const auto method = options.header_only ? Method::head : Method::get;
    const auto route = route_for(url, options.proxies, options.resolve_overrides);
    const auto trace_step = [&transfer](std::string_view line) { transfer.trace(line, "* "); };
    auto connection =
        co_await Connection::open(url, route, transfer.tls, !options.insecure,
                                  options.request.user_agent, transfer.clock, trace_step);
    auto request_options = options.request;
    request_options.absolute_form = route.proxy.has_value() && !route.tunnel();
    const auto request = build_request(method, url, request_options);
    transfer.trace(request, "> ");
    co_await send(connection, request, transfer.clock);
    ResponseParser parser(method);
    const auto body_start = co_await read_head(connection, parser, transfer.clock);
    const auto& head = parser.head();
    print_head(head, transfer);

    const auto location = head.value("Location");
    const bool redirect = is_redirect(head.status.code) && location;
    if (redirect && options.follow_redirects) {
        co_return redirect_target(url, *location);
    }
    if (redirect) {
        // A 3xx page saved as the result would be a surprise: say so.
        transfer.report("The server redirects to {} (-L follows redirects)",
                        protocol::printable(*location, 200));
    }
    if (options.fail_on_error && (head.status.code < 200 || head.status.code > 299)) {
        throw ErrorStatus(fmt::format("the server answered {} {} (--fail: nothing saved)",
                                      head.status.code,
                                      protocol::printable(head.status.reason, 100)));
    }
    if (!options.header_only) {
        co_await save_body(connection, parser, body_start, transfer);
    }
    co_return std::nullopt;
}

}  // namespace

net::awaitable<void> get(const GetOptions& options)
{
    Transfer transfer{options, TransferClock(options.limits), make_tls_context(options.ca_file)};
    auto url = options.url;
    int redirects = 0;
    while (auto next = co_await exchange(url, transfer)) {
        if (++redirects > max_redirects) {
            throw TooManyRedirects(fmt::format("more than {} redirects (the last to {})",
                                               max_redirects, next->to_string()));
        }
        url = std::move(*next);
        transfer.report("Following the redirect to {}", url.to_string());
    }
}

}  // namespace hello::http
