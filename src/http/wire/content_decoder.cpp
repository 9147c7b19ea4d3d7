#include "http/wire/content_decoder.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <array>
#include <cstdint>
#include <new>
#include <string>

#include "http/wire/errors.hpp"
#include "http/wire/text.hpp"
#include "protocol/printable.hpp"

#ifdef HELLO_HAVE_BROTLI
#include <brotli/decode.h>
#endif
#ifdef HELLO_HAVE_ZSTD
#include <zstd.h>
#endif

namespace hello::http {

struct ContentDecoder::Coding {
    virtual ~Coding() = default;
    virtual void decode(std::string_view input, const BodySink& output) = 0;
    virtual bool ended() const = 0;
};

namespace {

using Piece = std::array<char, decoded_piece_size>;

[[noreturn]] void corrupt(std::string_view coding, std::string_view why)
{
    throw BadContentEncoding(fmt::format("the {} body is corrupt: {}", coding, why));
}

[[noreturn]] void trailing_bytes(std::string_view coding)
{
    throw BadContentEncoding(fmt::format("bytes after the end of the {} body", coding));
}

// gzip and deflate. RFC 9110's "deflate" is the zlib format, but some servers
// send raw deflate: the first bytes tell which (as curl and browsers do it).
class Zlib final : public ContentDecoder::Coding {
public:
    explicit Zlib(bool gzip) : name_(gzip ? "gzip" : "deflate"), gzip_(gzip) {}
    ~Zlib() override
    {
        if (started_) {
            inflateEnd(&stream_);
        }
    }

    void decode(std::string_view input, const BodySink& output) override
    {
        if (ended_) {
            trailing_bytes(name_);
        }
        if (!started_) {
            // The first two bytes tell zlib's format from raw deflate.
            if (!gzip_ && first_bytes_.size() + input.size() < 2) {
                first_bytes_ += input;
                return;
            }
            if (!first_bytes_.empty()) {
                auto joined = first_bytes_ + std::string(input);
                first_bytes_.clear();
                start(joined);
                decode(joined, output);
                return;
            }
            start(input);
        }
        stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
        stream_.avail_in = static_cast<uInt>(input.size());
        for (;;) {
            Piece piece;
            stream_.next_out = reinterpret_cast<Bytef*>(piece.data());
            stream_.avail_out = static_cast<uInt>(piece.size());
            const int result = inflate(&stream_, Z_NO_FLUSH);
            if (result == Z_STREAM_END) {
                ended_ = true;
            } else if (result != Z_OK && result != Z_BUF_ERROR) {
                corrupt(name_, stream_.msg != nullptr ? stream_.msg : "inflate failed");
            }
            const auto produced = piece.size() - stream_.avail_out;
            if (produced > 0) {
                output(std::string_view(piece.data(), produced));
            }
            if (ended_) {
                if (stream_.avail_in > 0) {
                    trailing_bytes(name_);
                }
                return;
            }
            // A full piece may have more output behind it; otherwise stop
            // when the input is used up (or zlib wants more of it).
            if (stream_.avail_out > 0 && (stream_.avail_in == 0 || result == Z_BUF_ERROR)) {
                return;
            }
        }
    }

    bool ended() const override { return ended_; }

private:
    void start(std::string_view first)
    {
        // 15 + 16: gzip only. For deflate: the zlib wrapper when its header
        // checksum holds, raw deflate (-15) otherwise.
        int window_bits = gzip_ ? 15 + 16 : 15;
        if (!gzip_ && first.size() >= 2) {
            const auto cmf = static_cast<unsigned char>(first[0]);
            const auto flg = static_cast<unsigned char>(first[1]);
            if ((cmf & 0x0f) != 8 || (cmf * 256 + flg) % 31 != 0) {
                window_bits = -15;
            }
        }
        if (inflateInit2(&stream_, window_bits) != Z_OK) {
            throw std::bad_alloc();
        }
        started_ = true;
    }

    std::string_view name_;
    bool gzip_;
    z_stream stream_{};
    bool started_ = false;
    bool ended_ = false;
    std::string first_bytes_;  // deflate: fewer than two so far
};

#ifdef HELLO_HAVE_BROTLI
class Brotli final : public ContentDecoder::Coding {
public:
    Brotli() : state_(BrotliDecoderCreateInstance(nullptr, nullptr, nullptr))
    {
        if (state_ == nullptr) {
            throw std::bad_alloc();
        }
    }
    ~Brotli() override { BrotliDecoderDestroyInstance(state_); }

    void decode(std::string_view input, const BodySink& output) override
    {
        auto next_in = reinterpret_cast<const std::uint8_t*>(input.data());
        std::size_t available_in = input.size();
        while (available_in > 0 || BrotliDecoderHasMoreOutput(state_)) {
            if (ended_) {
                trailing_bytes("br");
            }
            Piece piece;
            auto next_out = reinterpret_cast<std::uint8_t*>(piece.data());
            std::size_t available_out = piece.size();
            const auto result = BrotliDecoderDecompressStream(state_, &available_in, &next_in,
                                                              &available_out, &next_out, nullptr);
            if (result == BROTLI_DECODER_RESULT_ERROR) {
                corrupt("br", BrotliDecoderErrorString(BrotliDecoderGetErrorCode(state_)));
            }
            ended_ = result == BROTLI_DECODER_RESULT_SUCCESS;
            const auto produced = piece.size() - available_out;
            if (produced > 0) {
                output(std::string_view(piece.data(), produced));
            }
            if (result == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) {
                break;
            }
        }
    }

    bool ended() const override { return ended_; }

private:
    BrotliDecoderState* state_;
    bool ended_ = false;
};
#endif

#ifdef HELLO_HAVE_ZSTD
class Zstd final : public ContentDecoder::Coding {
public:
    Zstd() : stream_(ZSTD_createDStream())
    {
        if (stream_ == nullptr) {
            throw std::bad_alloc();
        }
        // Windows up to 8 MiB, as RFC 8878 asks of HTTP clients: a server
        // cannot make us allocate more.
        ZSTD_DCtx_setParameter(stream_, ZSTD_d_windowLogMax, 23);
    }
    ~Zstd() override { ZSTD_freeDStream(stream_); }

    void decode(std::string_view input, const BodySink& output) override
    {
        ZSTD_inBuffer in{input.data(), input.size(), 0};
        bool flushed = false;
        while (in.pos < in.size || !flushed) {
            Piece piece;
            ZSTD_outBuffer out{piece.data(), piece.size(), 0};
            const auto result = ZSTD_decompressStream(stream_, &out, &in);
            if (ZSTD_isError(result)) {
                corrupt("zstd", ZSTD_getErrorName(result));
            }
            frame_ended_ = result == 0;
            if (out.pos > 0) {
                output(std::string_view(piece.data(), out.pos));
            }
            flushed = out.pos < out.size;  // a full piece may have more behind it
        }
    }

    // Another frame may follow a finished one; the body ends between frames.
    bool ended() const override { return frame_ended_; }

private:
    ZSTD_DStream* stream_;
    bool frame_ended_ = false;
};
#endif

std::unique_ptr<ContentDecoder::Coding> coding_for(std::string_view name)
{
    if (name.empty() || iequals(name, "identity")) {
        return nullptr;
    }
    if (iequals(name, "gzip") || iequals(name, "x-gzip")) {
        return std::make_unique<Zlib>(true);
    }
    if (iequals(name, "deflate")) {
        return std::make_unique<Zlib>(false);
    }
#ifdef HELLO_HAVE_BROTLI
    if (iequals(name, "br")) {
        return std::make_unique<Brotli>();
    }
#endif
#ifdef HELLO_HAVE_ZSTD
    if (iequals(name, "zstd")) {
        return std::make_unique<Zstd>();
    }
#endif
    throw BadContentEncoding(fmt::format("unsupported Content-Encoding '{}' (we asked for {})",
                                         protocol::printable(name, 100), accepted_encodings()));
}

}  // namespace

std::string accepted_encodings()
{
    std::string list = "gzip, deflate";
#ifdef HELLO_HAVE_BROTLI
    list += ", br";
#endif
#ifdef HELLO_HAVE_ZSTD
    list += ", zstd";
#endif
    return list;
}

ContentDecoder::ContentDecoder(std::string_view coding)
{
    const auto name = trim(coding);
    if (name.find(',') != std::string_view::npos) {
        throw BadContentEncoding(fmt::format("unsupported Content-Encoding '{}' (several codings)",
                                             protocol::printable(name, 100)));
    }
    coding_ = coding_for(name);
}

ContentDecoder::~ContentDecoder() = default;

void ContentDecoder::decode(std::string_view input, const BodySink& output)
{
    if (!coding_) {
        if (!input.empty()) {
            output(input);
        }
        return;
    }
    if (!input.empty()) {
        coding_->decode(input, output);
    }
}

void ContentDecoder::finish()
{
    if (coding_ && !coding_->ended()) {
        throw IncompleteResponse("the compressed body ended before its end");
    }
}

}  // namespace hello::http
