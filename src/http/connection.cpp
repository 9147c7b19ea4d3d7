#include "http/connection.hpp"

#include <string>

#include "net/connect.hpp"

namespace hello::http {

net::awaitable<Connection> Connection::open(const Url& url, asio::ssl::context& tls, bool verify,
                                            const Deadline& deadline)
{
    auto socket =
        co_await net::connect_to(url.host, std::to_string(url.port), deadline.remaining());
    if (url.scheme == Scheme::http) {
        co_return Connection(std::move(socket));
    }
    TlsStream stream(std::move(socket), tls);
    co_await handshake(stream, url.host, verify, deadline);
    co_return Connection(std::move(stream));
}

net::awaitable<std::tuple<asio::error_code, std::size_t>> Connection::read_some(
    asio::mutable_buffer buffer)
{
    auto [error, size] = co_await std::visit(
        [buffer](auto& stream) {
            return stream.async_read_some(buffer, net::use_nothrow_awaitable);
        },
        stream_);
    if (error == asio::ssl::error::stream_truncated) {
        error = asio::error::eof;
    }
    co_return std::tuple{error, size};
}

net::awaitable<std::tuple<asio::error_code, std::size_t>> Connection::write(
    asio::const_buffer bytes)
{
    return std::visit(
        [bytes](auto& stream) {
            return asio::async_write(stream, bytes, net::use_nothrow_awaitable);
        },
        stream_);
}

}  // namespace hello::http
