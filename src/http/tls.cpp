#include "http/tls.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "http/errors.hpp"
#include "net/timeout.hpp"

namespace hello::http {
namespace {

bool is_ip_address(const std::string& host)
{
    asio::error_code error;
    asio::ip::make_address(host, error);
    return !error;
}

// Asio's host-name check, plus the reason OpenSSL should report when it
// fails: without it the handshake fails with "certificate verify failed" and
// no hint that the certificate was fine, only for another name.
class HostNameCheck {
public:
    explicit HostNameCheck(const std::string& host) : check_(host), is_address_(is_ip_address(host))
    {
    }

    bool operator()(bool preverified, asio::ssl::verify_context& context) const
    {
        const bool matches = check_(preverified, context);
        if (preverified && !matches) {
            X509_STORE_CTX_set_error(context.native_handle(), is_address_
                                                                  ? X509_V_ERR_IP_ADDRESS_MISMATCH
                                                                  : X509_V_ERR_HOSTNAME_MISMATCH);
        }
        return matches;
    }

private:
    asio::ssl::host_name_verification check_;
    bool is_address_;
};

std::string describe_failure(TlsStream& stream, const std::string& host,
                             const asio::error_code& error)
{
    const auto verify_result = SSL_get_verify_result(stream.native_handle());
    if (verify_result != X509_V_OK) {
        return fmt::format("the certificate of {} was refused: {}", host,
                           X509_verify_cert_error_string(verify_result));
    }
    return fmt::format("TLS handshake with {} failed: {}", host, error.message());
}

}  // namespace

asio::ssl::context make_tls_context(const std::optional<std::string>& ca_file)
{
    asio::ssl::context context(asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
    asio::error_code error;
    if (ca_file) {
        context.load_verify_file(*ca_file, error);
    } else {
        context.set_default_verify_paths(error);
    }
    if (error) {
        throw FileError(fmt::format("cannot load CA certificates from {}: {}",
                                    ca_file ? *ca_file : "the system store", error.message()));
    }
    return context;
}

net::awaitable<void> handshake(TlsStream& stream, const std::string& host, bool verify,
                               const StepLimit& limit)
{
    // SNI names the site we want on a shared address; RFC 6066 forbids it for literal addresses.
    if (!is_ip_address(host) &&
        SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()) != 1) {
        throw TlsError(fmt::format("cannot set the TLS server name '{}'", host));
    }
    if (verify) {
        stream.set_verify_mode(asio::ssl::verify_peer);
        stream.set_verify_callback(HostNameCheck(host));
    } else {
        stream.set_verify_mode(asio::ssl::verify_none);
    }
    auto [error] =
        co_await net::within(limit.left, stream.async_handshake(asio::ssl::stream_base::client,
                                                                net::use_nothrow_awaitable));
    if (error == asio::error::timed_out) {
        throw_timed_out(limit, fmt::format("in the TLS handshake with {}", host));
    }
    if (error) {
        throw TlsError(describe_failure(stream, host, error));
    }
}

}  // namespace hello::http
