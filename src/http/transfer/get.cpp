#include "http/transfer/get.hpp"
#include "cli/values.hpp"

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <variant>
#include <vector>

#include "http/rules/clobber_rule.hpp"
#include "http/rules/failures.hpp"
#include "http/rules/retry.hpp"
#include "http/rules/route.hpp"
#include "http/rules/stdout_rule.hpp"
#include "http/rules/time_limits.hpp"
#include "http/rules/trace.hpp"
#include "http/transfer/body_file.hpp"
#include "http/transfer/connection.hpp"
#include "http/transfer/progress_meter.hpp"
#include "http/wire/content_decoder.hpp"
#include "http/wire/content_range.hpp"
#include "http/wire/redirect.hpp"
#include "http/wire/request.hpp"
#include "http/wire/response_parser.hpp"
#include "net/connect.hpp"
#include "net/log.hpp"
#include "net/timeout.hpp"
#include "protocol/printable.hpp"

namespace hello::http {
namespace {

// The only body memory we ever hold. Each read costs a wait, a timer and a
// coroutine frame or two besides the copy: a buffer as large as what the
// kernel has ready on a fast loopback link makes them few (docs/BENCHMARKS.md,
// "http_get against curl", has the counts).
constexpr std::size_t read_buffer_size = 256 * 1024;

using FilePointer = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

// -D FILE: written directly as the heads arrive, as curl does ("-": stdout).
FilePointer open_dump_file(const std::optional<std::string>& path)
{
    if (!path) {
        return {nullptr, std::fclose};
    }
    if (*path == standard_output) {
        return {stdout, [](std::FILE*) { return 0; }};
    }
    FilePointer file(std::fopen(path->c_str(), "wb"), std::fclose);
    if (!file) {
        throw FileError(fmt::format("cannot open {}: {}", *path, std::strerror(errno)));
    }
    return file;
}

OutputChoices output_choices(const GetOptions& options)
{
    return {
        .body_to_stdout = options.output == standard_output,
        .include_head = options.include_head,
        .dump_to_stdout = options.dump_header == standard_output,
        .write_out = !options.write_out.empty(),
        .silent = options.silent,
        .verbose = options.verbose,
        .header_only = options.header_only,
    };
}

// What one download needs besides its options: the limits' clock, TLS, where
// the reports go, and what -w will say about it.
struct Transfer {
    const GetOptions& options;
    TransferClock clock;
    std::optional<asio::ssl::context> tls;  // made for the first https URL
    TransferFacts& facts;
    FilePointer dump = open_dump_file(options.dump_header);
    TransferClock::clock::time_point started = TransferClock::clock::now();
    int retries_done = 0;
    std::optional<ResumeCandidate> partial = std::nullopt;  // -C: what this try continues
    OutputChoices choices = output_choices(options);
    std::string included_heads = {};  // -i into a file: every head of this try, for the file

    // Loading the system's CA store costs more CPU than a large plain
    // download (docs/BENCHMARKS.md, "http_get against curl"): only https pays it.
    asio::ssl::context& tls_context()
    {
        if (!tls) {
            tls.emplace(make_tls_context(options.ca_file));
        }
        return *tls;
    }

    double seconds_since_start(TransferClock::clock::time_point when) const
    {
        return std::chrono::duration<double>(when - started).count();
    }

    std::chrono::milliseconds since_first_try() const
    {
        return std::chrono::duration_cast<std::chrono::milliseconds>(TransferClock::clock::now() -
                                                                     started);
    }

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
        throw SendError(
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
        throw ReceiveError(fmt::format("the connection broke: {}", error.message()));
    }
    co_return std::string_view(buffer.data(), size);
}

// Reads until the parser has the head; returns the bytes read past it (the body's start).
net::awaitable<std::string> read_head(Connection& connection, ResponseParser& parser,
                                      Transfer& transfer)
{
    std::array<char, 16 * 1024> buffer;
    const auto no_body_yet = [](std::string_view) {};
    for (bool first = true;; first = false) {
        const auto bytes =
            co_await receive(connection, buffer, transfer.clock, "waiting for the response");
        if (first) {
            transfer.facts.time_starttransfer =
                transfer.seconds_since_start(TransferClock::clock::now());
        }
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

// The head as it came, lines ending in CRLF and an empty line after them
// (for -i and -D, which show what the server sent).
std::string wire_form(const ResponseHead& head)
{
    std::string text;
    for (const char c : head.to_string()) {
        if (c == '\n') {
            text += '\r';
        }
        text += c;
    }
    return text + "\r\n";
}

// A whole body that -C - could continue should it be cut short: the bytes
// as the server sends them (not decoded, no head before them) of a resource
// with a validator.
std::optional<BodyOrigin> resumable_origin(const ResponseHead& head, const GetOptions& options)
{
    const auto validator = if_range_validator(head);
    if (head.status.code != 200 || options.compressed || options.include_head || !validator) {
        return std::nullopt;
    }
    return BodyOrigin{validator, std::nullopt};
}

// Each head goes where stdout_rule.hpp says; -D and -v show it besides.
// Into a file (-i), every head of the try is written before the body (save_body).
void print_head(const ResponseHead& head, Transfer& transfer)
{
    const auto text = head.to_string();
    const auto wire = wire_form(head);
    transfer.trace(text + "\n", "< ");
    transfer.facts.size_header += wire.size();
    if (transfer.dump && dump_writes_head(transfer.choices)) {
        std::fwrite(wire.data(), 1, wire.size(), transfer.dump.get());
        std::fflush(transfer.dump.get());
    }
    switch (head_place(transfer.choices)) {
    case HeadPlace::nowhere: break;
    case HeadPlace::standard_output:
        // -I's head is the output itself: as sent, as curl prints it.
        fmt::print("{}", transfer.options.header_only ? wire : text + "\n");
        std::fflush(stdout);  // before any progress on stderr, and before an error
        break;
    case HeadPlace::standard_error: fmt::print(stderr, "{}\n", text); break;
    case HeadPlace::output:
        if (to_stdout(transfer.options)) {
            fmt::print("{}", wire);
            std::fflush(stdout);
        } else {
            transfer.included_heads += wire;
        }
        break;
    }
}

// --create-dirs: the output's missing directories, as curl makes them.
void create_directories_for(const std::string& path)
{
    const auto directory = std::filesystem::path(path).parent_path();
    std::error_code error;
    if (!directory.empty()) {
        std::filesystem::create_directories(directory, error);
    }
    if (error) {
        throw FileError(
            fmt::format("cannot create the directory {}: {}", directory.string(), error.message()));
    }
}

bool is_regular_file(const std::string& path)
{
    struct stat status {};
    return ::stat(path.c_str(), &status) == 0 && S_ISREG(status.st_mode);
}

// A chunked body's trailers, after it, where its head went, as curl shows them.
void write_trailers(std::string_view trailers, BodyFile& file, const Transfer& transfer)
{
    if (trailers.empty()) {
        return;
    }
    if (transfer.dump && dump_writes_head(transfer.choices)) {
        std::fwrite(trailers.data(), 1, trailers.size(), transfer.dump.get());
        std::fflush(transfer.dump.get());
    }
    if (head_place(transfer.choices) == HeadPlace::output) {
        file.write(trailers);
    }
}

// The body into the output. With `continued` (-C - and a 206), appended to
// that partial, a resource `length` bytes long when the server said.
net::awaitable<void> save_body(Connection& connection, ResponseParser& parser,
                               std::string_view start, Transfer& transfer,
                               const ResumeCandidate* continued = nullptr,
                               std::optional<std::uint64_t> length = std::nullopt)
{
    const auto mode = continued ? BodyFile::Mode::append : BodyFile::Mode::replace;
    const auto& options = transfer.options;
    const auto& path = options.output;
    // Before the file is opened, so that a refusal leaves everything as it was.
    std::optional<ContentDecoder> decoder;
    if (options.compressed) {
        decoder.emplace(parser.head().value("Content-Encoding").value_or(""));
    }
    const auto announced = announced_length(parser.framing());
    if (options.max_filesize && !options.compressed && announced &&
        *announced > *options.max_filesize) {
        throw FileTooLarge(fmt::format("the body is {} bytes, more than --max-filesize {} (nothing "
                                       "saved)",
                                       *announced, *options.max_filesize));
    }
    if (options.create_dirs && !to_stdout(options)) {
        create_directories_for(path);
    }
    BodyFile file(path, mode, continued ? continued->path : std::string{});
    if (continued) {
        file.mark({continued->mark.validator, length});
    } else if (auto origin = resumable_origin(parser.head(), options)) {
        origin->length = announced;
        file.mark(*origin);
    }
    if (options.include_head && !to_stdout(options) && mode == BodyFile::Mode::replace) {
        file.write(transfer.included_heads);
    }
    const auto head_size = file.size();
    // Without -s, a progress bar (on a terminal); never over a body on the same terminal.
    // Decoded bytes have no known total.
    std::optional<ProgressMeter> progress;
    if (!options.silent && !options.no_progress && !to_stdout(options)) {
        progress.emplace(options.compressed ? std::nullopt : announced);
    }
    const auto write = [&](std::string_view bytes) {
        if (options.max_filesize &&
            file.size() - head_size + bytes.size() > *options.max_filesize) {
            file.discard_partial();  // not a part of what the user wants, even with -C -
            throw FileTooLarge(
                fmt::format("the body is larger than --max-filesize {} (nothing saved)",
                            *options.max_filesize));
        }
        // A decompression bomb turns each read into much writing: the time
        // limit is checked here too, not only between reads.
        check_time_left(transfer.clock.for_transfer(), "saving the body");
        file.write(bytes);
        if (progress) {
            progress->update(file.size());
        }
    };
    if (decoder) {
        const auto decode = [&](std::string_view bytes) { decoder->decode(bytes, write); };
        co_await read_body(connection, parser, start, decode, transfer.clock);
        decoder->finish();
    } else {
        co_await read_body(connection, parser, start, write, transfer.clock);
    }
    transfer.facts.size_download = file.size() - head_size;
    write_trailers(parser.trailers(), file, transfer);
    file.finish();
    if (progress) {
        progress->finish(file.size());
    }
    if (to_stdout(transfer.options)) {
        transfer.report("Wrote {} bytes to standard output", file.size());
    } else if (mode == BodyFile::Mode::append) {
        transfer.report("Appended {} bytes to {}", file.size(), path);
    } else {
        transfer.report("Saved {} bytes to {}", file.size(), path);
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

// -C: what the answer to a Range request leaves to do.
enum class Resumed {
    done,           // the rest appended, or nothing was missing
    whole_body,     // the server sent the whole resource (it changed since the
                    // partial began, or ignores ranges), or no body (304): as any
    without_range,  // a 416 that proves nothing: ask for the whole resource
};

net::awaitable<Resumed> resumed(Connection& connection, ResponseParser& parser,
                                std::string_view body_start, Transfer& transfer)
{
    const auto& head = parser.head();
    const auto& path = transfer.options.output;
    const auto& partial = *transfer.partial;
    const auto offset = partial.mark.size;
    const auto range = head.value("Content-Range");
    const auto untouched = to_stdout(transfer.options) ? std::string("nothing written")
                                                       : fmt::format("{} left as it was", path);
    if (head.status.code == 416 && to_stdout(transfer.options)) {
        co_return Resumed::done;  // -C OFFSET -o -: nothing from OFFSET on, as curl says
    }
    if (head.status.code == 416) {
        std::optional<ContentRange> unsatisfied;
        if (range) {
            unsatisfied = parse_content_range(*range);
        }
        if (unsatisfied && unsatisfied->first) {
            unsatisfied.reset();  // a range that was satisfied, in a 416: no length to go by
        }
        if (unsatisfiable_means_complete(partial.mark, unsatisfied)) {
            transfer.report("{} is complete already ({} bytes): nothing to resume", path, offset);
            if (partial.mark.partial) {
                // A kept partial that is whole goes into place, a partial no more.
                BodyFile file(path, BodyFile::Mode::append, partial.path);
                file.mark({partial.mark.validator, offset});
                file.finish();
            }
            co_return Resumed::done;
        }
        transfer.report("The server cannot resume at byte {} and does not say {} is complete: "
                        "asking for the whole resource",
                        offset, path);
        co_return Resumed::without_range;
    }
    if (head.status.code == 206) {
        if (!range) {
            throw RangeError("a 206 response without Content-Range");
        }
        const auto resumed_range = parse_content_range(*range);
        if (resumed_range.first != offset) {
            throw RangeError(
                fmt::format("the server resumed at byte {}, not at {} where {} ends ({})",
                            resumed_range.first.value_or(0), offset, path, untouched));
        }
        co_await save_body(connection, parser, body_start, transfer, &partial,
                           resumed_range.complete_length);
        co_return Resumed::done;
    }
    if (head.status.code == 304) {
        co_return Resumed::whole_body;  // no body: the file stays as it is
    }
    if (head.status.code < 200 || head.status.code > 299) {
        const auto message =
            fmt::format("cannot resume: the server answered {} {} ({})", head.status.code,
                        protocol::printable(head.status.reason, 100), untouched);
        // curl's order: -f's verdict on the status before the range's.
        if (transfer.options.fail_on_error && head.status.code >= 400) {
            throw ErrorStatus(message);
        }
        throw RangeError(message);
    }
    if (!partial.mark.validator) {
        // A plain Range (-C OFFSET of a file without a mark): a 200 means the
        // server ignores ranges, and only a resource of OFFSET bytes is done.
        if (announced_length(parser.framing()) == offset) {
            transfer.report("{} is complete already ({} bytes): nothing to resume", path, offset);
            co_return Resumed::done;
        }
        throw RangeError(fmt::format(
            "the server ignores the range: it cannot resume at byte {} ({})", offset, untouched));
    }
    transfer.report("The server sent the whole resource (changed, or no ranges): starting over");
    co_return Resumed::whole_body;
}

// What an exchange leaves to do: nothing more, follow a redirect, try
// again after a wait (a status --retry retries), or ask again for the
// whole resource (a 416 that proved nothing).
struct Done {};
struct Redirect {
    Url to;
};
struct RetryAfter {
    std::chrono::milliseconds wait;
    std::string reason;  // for the report
};
struct AskWhole {};
using Verdict = std::variant<Done, Redirect, RetryAfter, AskWhole>;

// A response whose head has arrived, its body still to read.
struct Response {
    Connection connection;
    ResponseParser parser;
    std::string body_start;  // bytes read past the head
};

// Connects, sends the request and reads the response's head, noting for -w
// what each step found and printing the head where it goes.
net::awaitable<Response> ask(const Url& url, const RequestOptions& request_for_url,
                             Transfer& transfer)
{
    const auto& options = transfer.options;
    auto& facts = transfer.facts;
    const auto method = options.header_only ? Method::head : Method::get;
    const auto route = route_for(url, options.proxies, options.resolve_overrides);
    const auto trace_step = [&transfer](std::string_view line) { transfer.trace(line, "* "); };
    const ConnectionSettings settings{
        .tls = url.scheme == Scheme::https ? &transfer.tls_context() : nullptr,
        .verify = !options.insecure,
        .user_agent = options.request.user_agent,
        .family = options.ip_family,
    };
    // Before connecting: a script reads them after a failed connection too.
    facts.url_effective = url.to_string();
    facts.scheme = url.scheme == Scheme::https ? "HTTPS" : "HTTP";
    if (facts.num_redirects > 0) {
        facts.time_redirect = transfer.seconds_since_start(TransferClock::clock::now());
    }
    auto connection = co_await Connection::open(url, route, settings, transfer.clock, trace_step);
    ++facts.num_connects;
    facts.remote_ip = connection.remote_address();
    facts.time_namelookup = transfer.seconds_since_start(connection.resolved_at());
    facts.time_connect = transfer.seconds_since_start(connection.connected_at());
    if (const auto secured_at = connection.secured_at()) {
        facts.time_appconnect = transfer.seconds_since_start(*secured_at);
    }
    auto request_options = request_for_url;
    request_options.absolute_form = route.proxy.has_value() && !route.tunnel();
    const auto request = build_request(method, url, request_options);
    transfer.trace(request, "> ");
    facts.time_pretransfer = transfer.seconds_since_start(TransferClock::clock::now());
    co_await send(connection, request, transfer.clock);
    facts.size_request += request.size();
    ResponseParser parser(method);
    parser.on_interim([&transfer](const ResponseHead& interim) { print_head(interim, transfer); });
    auto body_start = co_await read_head(connection, parser, transfer);
    const auto& head = parser.head();
    facts.http_code = head.status.code;
    facts.http_version = head.status.minor_version == 0 ? "1" : "1.1";
    facts.content_type = std::string(head.value("Content-Type").value_or(""));
    print_head(head, transfer);
    co_return Response{std::move(connection), std::move(parser), std::move(body_start)};
}

// What the head alone decides: a redirect -L follows, or a status --retry
// tries again after; nullopt leaves it to the body. A redirect not followed
// is noted for -w and said on stderr.
std::optional<Verdict> verdict_of_head(const Url& url, const ResponseHead& head, Transfer& transfer)
{
    const auto& options = transfer.options;
    const auto location = head.value("Location");
    if (is_redirect(head.status.code) && location) {
        if (options.follow_redirects) {
            return Redirect{redirect_target(url, *location)};
        }
        try {
            transfer.facts.redirect_url = resolve_location(url, *location).to_string();
        } catch (const InvalidUrl&) {
            transfer.facts.redirect_url.clear();  // nothing a script could follow
        }
        // A 3xx page saved as the result would be a surprise: say so.
        transfer.report("The server redirects to {} (-L follows redirects)",
                        protocol::printable(*location, 200));
    }
    if (!is_transient_status(head.status.code)) {
        return std::nullopt;
    }
    const auto retry_after =
        parse_retry_after(head.value("Retry-After").value_or(""), std::chrono::system_clock::now());
    const auto wait = retry_wait(options.retry, true, transfer.retries_done,
                                 transfer.since_first_try(), retry_after);
    if (!wait) {
        return std::nullopt;  // no tries left: the answer stands
    }
    return RetryAfter{*wait, fmt::format("the server answered {} {}", head.status.code,
                                         protocol::printable(head.status.reason, 100))};
}

// The body of a final response: continued (-C), refused (-f, an error page
// over a file at the default name), left (--head, none sent) or saved.
net::awaitable<Verdict> take_body(Response& response, Transfer& transfer)
{
    const auto& options = transfer.options;
    auto& parser = response.parser;
    const auto& head = parser.head();
    const auto code = head.status.code;
    if (transfer.partial && !options.header_only) {
        const auto resumed_as =
            co_await resumed(response.connection, parser, response.body_start, transfer);
        if (resumed_as == Resumed::done) {
            co_return Done{};
        }
        if (resumed_as == Resumed::without_range) {
            co_return AskWhole{};
        }
    }
    const bool failed = options.fail_on_error && code >= 400;
    const auto failure = [&head](std::string_view what) {
        return ErrorStatus(fmt::format("the server answered {} {} ({})", head.status.code,
                                       protocol::printable(head.status.reason, 100), what));
    };
    if (failed && !options.fail_with_body) {
        throw failure("--fail: nothing saved");
    }
    const bool has_body = parser.framing().kind != BodyFraming::Kind::none;
    if (options.header_only || (!has_body && to_stdout(options))) {
        co_return Done{};
    }
    if (!has_body) {
        // A 304 says "what you have is current": an empty file would destroy it.
        transfer.report("No body to save ({} {}): {} left as it was", code,
                        protocol::printable(head.status.reason, 100), options.output);
        co_return Done{};
    }
    if (!to_stdout(options) &&
        !may_replace(options.output_named, code, is_regular_file(options.output))) {
        throw WouldClobber(fmt::format(
            "{} exists, and the server answered {} {}: not replacing it with that page (-o {} "
            "saves it there, -f fails quietly)",
            options.output, code, protocol::printable(head.status.reason, 100), options.output));
    }
    co_await save_body(response.connection, parser, response.body_start, transfer);
    if (failed) {
        throw failure("--fail-with-body: the page is saved");
    }
    co_return Done{};
}

// One request and its response.
net::awaitable<Verdict> exchange(const Url& url, const RequestOptions& request, Transfer& transfer)
{
    auto response = co_await ask(url, request, transfer);
    if (auto verdict = verdict_of_head(url, response.parser.head(), transfer)) {
        co_return std::move(*verdict);
    }
    co_return co_await take_body(response, transfer);
}

// The user's credentials go only where the user sent them: to the origin of
// the URL given on the command line, unless a redirect's URL names its own.
RequestOptions request_for(const Url& url, const GetOptions& options)
{
    auto request =
        same_origin(url, options.url) ? options.request : without_credentials(options.request);
    if (url.credentials) {
        request.credentials = url.credentials;
    }
    return request;
}

// How a try failed, for --retry.
FailureKind failure_kind(const std::exception_ptr& failure)
{
    try {
        std::rethrow_exception(failure);
    } catch (const net::ConnectError&) {
        return FailureKind::refused;
    } catch (const net::NetworkError&) {
        return FailureKind::transient;  // resolving, or its time limit
    } catch (const ProxyUnresolved&) {
        return FailureKind::transient;
    } catch (const TimedOut&) {
        return FailureKind::transient;
    } catch (...) {
        return FailureKind::other;
    }
}

// -C OFFSET: the file the bytes from OFFSET on are appended to (standard
// output: no file, just those bytes), or BadResume when it is not OFFSET bytes long.
ResumeCandidate continued_at(std::uint64_t offset, const std::string& output)
{
    if (output == standard_output) {
        FileMark nothing_yet;
        nothing_yet.size = offset;
        return {output, nothing_yet};
    }
    auto file = regular_file_at(output);
    if (auto refusal =
            offset_refusal(output, file ? std::optional(file->mark.size) : std::nullopt, offset)) {
        throw BadResume(*refusal);
    }
    return *file;
}

// One try: the request, and the redirects -L follows. Returns the wait
// before the next try when the answer is a status --retry retries.
net::awaitable<std::optional<RetryAfter>> fetch(Transfer& transfer)
{
    const auto& options = transfer.options;
    transfer.partial = options.resume ? resume_candidate(options.output) : std::nullopt;
    if (options.continue_at) {
        transfer.partial = continued_at(*options.continue_at, options.output);
    }
    transfer.included_heads.clear();
    if (options.resume && transfer.partial && !resume_offset(transfer.partial->mark)) {
        transfer.report("{} is no partial http_get kept of this resource: fetching it whole, "
                        "not appending to it",
                        options.output);
        transfer.partial.reset();
    }
    auto url = options.url;
    int redirects = 0;
    for (;;) {
        auto request = request_for(url, options);
        if (transfer.partial) {
            request.range_from = transfer.partial->mark.size;
            request.if_range = transfer.partial->mark.validator;
        }
        auto verdict = co_await exchange(url, request, transfer);
        if (std::holds_alternative<Done>(verdict)) {
            co_return std::nullopt;
        }
        if (auto* retry = std::get_if<RetryAfter>(&verdict)) {
            co_return std::move(*retry);
        }
        if (std::holds_alternative<AskWhole>(verdict)) {
            transfer.partial.reset();
            continue;
        }
        auto& next = std::get<Redirect>(verdict).to;
        if (options.max_redirects >= 0 && redirects == options.max_redirects) {
            throw TooManyRedirects(
                fmt::format("more than {} redirects (--max-redirs; the next to {})",
                            options.max_redirects, next.to_string()));
        }
        transfer.facts.num_redirects = ++redirects;
        url = std::move(next);
        transfer.report("Following the redirect to {}", url.to_string());
    }
}

// After a try that failed: the wait before the next one, or the failure
// again when it is not worth retrying or no tries are left.
RetryAfter retry_after_failure(const std::exception_ptr& failure, const Transfer& transfer)
{
    const auto& retry = transfer.options.retry;
    const bool transient = worth_retrying(retry, failure_kind(failure));
    const auto wait = retry_wait(retry, transient, transfer.retries_done,
                                 transfer.since_first_try(), std::nullopt);
    if (!wait) {
        std::rethrow_exception(failure);
    }
    return {*wait, message_of(failure)};
}

}  // namespace

net::awaitable<void> get(const GetOptions& options, TransferFacts& facts)
{
    Transfer transfer{options, TransferClock(options.limits), std::nullopt, facts};
    for (;; ++transfer.retries_done) {
        // Each try has the whole of each time limit, as with curl.
        transfer.clock = TransferClock(options.limits);
        std::optional<RetryAfter> retry;
        try {
            retry = co_await fetch(transfer);
        } catch (...) {
            retry = retry_after_failure(std::current_exception(), transfer);
        }
        if (!retry) {
            co_return;
        }
        transfer.report("Transient failure ({}): retrying in {} ({} of {} retries left)",
                        retry->reason, cli::format_duration(retry->wait),
                        options.retry.retries - transfer.retries_done, options.retry.retries);
        asio::steady_timer timer(co_await asio::this_coro::executor, retry->wait);
        co_await timer.async_wait(asio::use_awaitable);
    }
}

}  // namespace hello::http
