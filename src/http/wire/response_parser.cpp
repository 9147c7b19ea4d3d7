#include "http/wire/response_parser.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "http/wire/errors.hpp"

namespace hello::http {

ResponseParser::ResponseParser(Method method, ParserLimits limits)
    : method_(method), limits_(limits), line_("header line", limits.max_line)
{
}

std::size_t ResponseParser::feed(std::string_view input, const BodySink& body)
{
    anything_received_ = anything_received_ || !input.empty();
    std::size_t used = 0;
    if (state_ == State::head) {
        while (used < input.size() && state_ == State::head) {
            used += take_head_line(input.substr(used));
        }
        return used;  // pause: the caller looks at the head before the body flows
    }
    if (state_ == State::body) {
        used += take_body(input, body);
    }
    return used;
}

std::size_t ResponseParser::take_head_line(std::string_view input)
{
    const auto used = line_.take(input);
    head_bytes_ += used;
    if (head_bytes_ > limits_.max_head) {
        throw MalformedResponse(
            fmt::format("the response head is longer than {} bytes", limits_.max_head));
    }
    if (!line_.complete()) {
        return used;
    }
    const auto line = line_.line();
    if (!status_seen_) {
        head_.status = parse_status_line(line);
        status_seen_ = true;
    } else if (!line.empty()) {
        if (head_.fields.size() == limits_.max_fields) {
            throw MalformedResponse(fmt::format("more than {} header fields", limits_.max_fields));
        }
        head_.fields.push_back(parse_header_field(line));
    } else {
        end_head();
    }
    line_.clear();
    return used;
}

void ResponseParser::end_head()
{
    const int code = head_.status.code;
    if (code == 101) {
        throw MalformedResponse("the server switched protocols, which we never asked for");
    }
    if (code < 200) {
        // An interim response (100 Continue, 103 Early Hints): the real one follows.
        if (++interim_responses_ > limits_.max_interim) {
            throw MalformedResponse(
                fmt::format("more than {} interim (1xx) responses", limits_.max_interim));
        }
        if (on_interim_) {
            on_interim_(head_);
        }
        head_ = ResponseHead{};
        status_seen_ = false;
        head_bytes_ = 0;
        return;
    }
    framing_ = body_framing(method_, head_);
    if (framing_.kind == BodyFraming::Kind::chunked) {
        chunked_.emplace(limits_.max_line, limits_.max_head);
    }
    const bool empty = framing_.kind == BodyFraming::Kind::none ||
                       (framing_.kind == BodyFraming::Kind::length && framing_.length == 0);
    state_ = empty ? State::done : State::body;
}

std::size_t ResponseParser::take_body(std::string_view input, const BodySink& body)
{
    const auto counted = [this, &body](std::string_view bytes) {
        body_bytes_ += bytes.size();
        if (!bytes.empty()) {
            body(bytes);
        }
    };
    std::size_t used = input.size();
    switch (framing_.kind) {
    case BodyFraming::Kind::length:
        used = static_cast<std::size_t>(
            std::min<std::uint64_t>(framing_.length - body_bytes_, input.size()));
        counted(input.substr(0, used));
        if (body_bytes_ == framing_.length) {
            state_ = State::done;
        }
        break;
    case BodyFraming::Kind::chunked:
        used = chunked_->decode(input, counted);
        if (chunked_->complete()) {
            state_ = State::done;
        }
        break;
    case BodyFraming::Kind::until_close: counted(input); break;
    case BodyFraming::Kind::none: break;
    }
    return used;
}

std::string_view ResponseParser::trailers() const
{
    if (chunked_) {
        return chunked_->trailers();
    }
    return {};
}

void ResponseParser::close()
{
    switch (state_) {
    case State::done: return;
    case State::head:
        if (!anything_received_) {
            throw EmptyReply("the server closed the connection without a response");
        }
        throw IncompleteResponse(
            "the server closed the connection in the middle of the response head");
    case State::body: break;
    }
    switch (framing_.kind) {
    case BodyFraming::Kind::length:
        throw IncompleteResponse(
            fmt::format("the body ended after {} of {} bytes", body_bytes_, framing_.length));
    case BodyFraming::Kind::chunked:
        throw IncompleteResponse(fmt::format(
            "the chunked body ended after {} bytes, before its last chunk", body_bytes_));
    case BodyFraming::Kind::until_close:
    case BodyFraming::Kind::none: state_ = State::done; return;
    }
}

}  // namespace hello::http
