#pragma once
// An HTTP/1.x response, parsed incrementally from whatever the socket hands
// over: the head is gathered (bounded) and parsed line by line, then body
// bytes pass straight through to a sink, decoded from chunks if need be, so a
// response of any size needs only a read buffer of memory.
//
// feed() pauses when the head is complete, so that the caller can look at
// the status and headers (a redirect? where to save?) before any body byte.

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "http/wire/body_framing.hpp"
#include "http/wire/chunked_decoder.hpp"
#include "http/wire/line_buffer.hpp"
#include "http/wire/request.hpp"
#include "http/wire/response_head.hpp"

namespace hello::http {

struct ParserLimits {
    std::size_t max_line = 8 * 1024;   // one status, header, chunk-size or trailer line
    std::size_t max_head = 64 * 1024;  // the whole head, and the whole trailer section
    std::size_t max_fields = 100;      // header fields in one head
    // 1xx heads before the real one: a server that sends them forever would
    // otherwise keep us waiting without ever stalling.
    std::size_t max_interim = 100;
};

class ResponseParser {
public:
    // The method matters: the response to HEAD has no body, whatever it says.
    explicit ResponseParser(Method method, ParserLimits limits = {});

    // Consumes input and returns how much it took: less than all of it when
    // the head completes (call again with the rest) or the response ends
    // (anything after it is not ours). Body bytes go to `body`.
    // Throws MalformedResponse.
    std::size_t feed(std::string_view input, const BodySink& body);

    // The server closed the connection: that ends a body read until close;
    // anywhere else it throws IncompleteResponse.
    void close();

    bool head_complete() const { return state_ != State::head; }
    bool complete() const { return state_ == State::done; }
    const ResponseHead& head() const { return head_; }
    BodyFraming framing() const { return framing_; }
    // A chunked body's trailer fields (chunked_decoder.hpp), once complete.
    std::string_view trailers() const;

    // Called with each interim (1xx) head as it ends, before the real one.
    void on_interim(std::function<void(const ResponseHead&)> handler)
    {
        on_interim_ = std::move(handler);
    }

private:
    enum class State { head, body, done };

    std::size_t take_head_line(std::string_view input);
    void end_head();
    std::size_t take_body(std::string_view input, const BodySink& body);

    Method method_;
    ParserLimits limits_;
    State state_ = State::head;
    LineBuffer line_;
    std::size_t head_bytes_ = 0;
    bool status_seen_ = false;
    ResponseHead head_;
    BodyFraming framing_;
    std::optional<ChunkedDecoder> chunked_;
    std::uint64_t body_bytes_ = 0;
    std::size_t interim_responses_ = 0;
    bool anything_received_ = false;  // tells "no response" from "cut short"
    std::function<void(const ResponseHead&)> on_interim_;
};

}  // namespace hello::http
