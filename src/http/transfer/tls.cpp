#include "http/transfer/tls.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <new>

#include "http/rules/failures.hpp"
#include "net/timeout.hpp"

namespace hello::http {
namespace {

bool is_ip_address(const std::string& host)
{
    asio::error_code error;
    asio::ip::make_address(host, error);
    return !error;
}

// OpenSSL's queued error as an error_code, or `fallback` when it queued none.
asio::error_code ssl_error(asio::error_code fallback = asio::error::connection_reset)
{
    const auto code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) {
        return fallback;
    }
    return {static_cast<int>(code), asio::error::get_ssl_category()};
}

// A refused certificate and a failed handshake have different exit statuses.
[[noreturn]] void throw_failure(SSL* ssl, const std::string& host, const asio::error_code& error)
{
    const auto verify_result = SSL_get_verify_result(ssl);
    if (verify_result != X509_V_OK) {
        throw CertificateRefused(fmt::format("the certificate of {} was refused: {}", host,
                                             X509_verify_cert_error_string(verify_result)));
    }
    throw TlsError(fmt::format("TLS handshake with {} failed: {}", host, error.message()));
}

}  // namespace

asio::ssl::context make_tls_context(const std::optional<std::string>& ca_file)
{
    asio::ssl::context context(asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
    // One recv() per record and a bit, instead of two (header, then body). A
    // larger read-ahead buffer saves syscalls but costs as much again in
    // OpenSSL's memmove of the records left over (measured: docs/BENCHMARKS.md,
    // "http_get against curl").
    SSL_CTX_set_read_ahead(context.native_handle(), 1);
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
    // A close without close_notify is an end of stream, as it was for Asio's
    // stream (stream_truncated) and is for curl: HTTP's framing decides.
    SSL_CTX_set_options(context.native_handle(), SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
    asio::error_code error;
    if (ca_file) {
        context.load_verify_file(*ca_file, error);
    } else {
        context.set_default_verify_paths(error);
    }
    if (error) {
        throw CaFileError(fmt::format("cannot load CA certificates from {}: {}",
                                      ca_file ? *ca_file : "the system store", error.message()));
    }
    return context;
}

TlsSocket::TlsSocket(net::tcp::socket socket, asio::ssl::context& context)
    : socket_(std::move(socket)), ssl_(SSL_new(context.native_handle()))
{
    if (!ssl_) {
        throw std::bad_alloc();
    }
    socket_.non_blocking(true);
    SSL_set_fd(ssl_.get(), socket_.native_handle());
}

net::awaitable<std::optional<asio::error_code>> TlsSocket::wait_for(int result)
{
    switch (SSL_get_error(ssl_.get(), result)) {
    case SSL_ERROR_WANT_READ: {
        auto [error] =
            co_await socket_.async_wait(net::tcp::socket::wait_read, net::use_nothrow_awaitable);
        co_return error ? std::optional(error) : std::nullopt;
    }
    case SSL_ERROR_WANT_WRITE: {
        auto [error] =
            co_await socket_.async_wait(net::tcp::socket::wait_write, net::use_nothrow_awaitable);
        co_return error ? std::optional(error) : std::nullopt;
    }
    case SSL_ERROR_ZERO_RETURN: co_return asio::error::eof;
    case SSL_ERROR_SYSCALL:
        if (ERR_peek_error() == 0) {
            // errno says why; 0 is a close without close_notify (OpenSSL 1.1).
            const int error = errno;
            co_return error == 0 ? asio::error::eof
                                 : asio::error_code(error, asio::error::get_system_category());
        }
        co_return ssl_error();
    default: co_return ssl_error();
    }
}

net::awaitable<void> TlsSocket::handshake(const std::string& host, bool verify,
                                          const StepLimit& limit)
{
    SSL* ssl = ssl_.get();
    // SNI names the site we want on a shared address; RFC 6066 forbids it for literal addresses.
    const bool address = is_ip_address(host);
    if (!address && SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
        throw TlsError(fmt::format("cannot set the TLS server name '{}'", host));
    }
    if (verify) {
        SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
        auto* parameters = SSL_get0_param(ssl);
        X509_VERIFY_PARAM_set_hostflags(parameters, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        const int named = address ? X509_VERIFY_PARAM_set1_ip_asc(parameters, host.c_str())
                                  : X509_VERIFY_PARAM_set1_host(parameters, host.c_str(), 0);
        if (named != 1) {
            throw TlsError(fmt::format("cannot check certificates for '{}'", host));
        }
    } else {
        SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
    }
    const auto shake = [this, ssl]() -> net::awaitable<std::tuple<asio::error_code>> {
        for (;;) {
            ERR_clear_error();
            const int result = SSL_connect(ssl);
            if (result == 1) {
                co_return std::tuple{asio::error_code{}};
            }
            if (const auto error = co_await wait_for(result)) {
                co_return std::tuple{*error};
            }
        }
    };
    auto [error] = co_await net::within(limit.left, shake());
    if (error == asio::error::timed_out) {
        throw_timed_out(limit, fmt::format("in the TLS handshake with {}", host));
    }
    if (error) {
        throw_failure(ssl, host, error);
    }
}

net::awaitable<std::tuple<asio::error_code, std::size_t>> TlsSocket::read_some(
    asio::mutable_buffer buffer)
{
    auto* data = static_cast<char*>(buffer.data());
    std::size_t filled = 0;
    for (;;) {
        ERR_clear_error();
        const int result =
            SSL_read(ssl_.get(), data + filled, static_cast<int>(buffer.size() - filled));
        if (result > 0) {
            // Take what the socket holds already, up to the whole buffer: one
            // wait (and one timer) per buffer, not per 16 KiB record.
            filled += static_cast<std::size_t>(result);
            if (filled < buffer.size()) {
                continue;
            }
            co_return std::tuple{asio::error_code{}, filled};
        }
        if (filled > 0) {
            co_return std::tuple{asio::error_code{}, filled};  // the error, if any, comes next time
        }
        if (const auto error = co_await wait_for(result)) {
            co_return std::tuple{*error, std::size_t{0}};
        }
    }
}

net::awaitable<std::tuple<asio::error_code, std::size_t>> TlsSocket::write(asio::const_buffer bytes)
{
    const auto* data = static_cast<const char*>(bytes.data());
    std::size_t written = 0;
    while (written < bytes.size()) {
        ERR_clear_error();
        const int result =
            SSL_write(ssl_.get(), data + written, static_cast<int>(bytes.size() - written));
        if (result > 0) {
            written += static_cast<std::size_t>(result);
        } else if (const auto error = co_await wait_for(result)) {
            co_return std::tuple{*error, written};
        }
    }
    co_return std::tuple{asio::error_code{}, written};
}

std::string TlsSocket::description() const
{
    return fmt::format("{} with {}", SSL_get_version(ssl_.get()), SSL_get_cipher_name(ssl_.get()));
}

}  // namespace hello::http
