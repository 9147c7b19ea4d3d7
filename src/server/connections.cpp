#include "server/connections.hpp"

namespace hello::server {

void Connection::request_stop()
{
    stop_requested_ = true;
    if (waiting_for_client_) {
        asio::error_code ignored;
        socket_.cancel(ignored);
    }
}

void Connection::close()
{
    asio::error_code ignored;
    socket_.close(ignored);
    if (pause_ != nullptr) {
        pause_->cancel();
    }
}

void ConnectionRegistry::add(Connection& connection)
{
    connections_.insert(&connection);
    server_total_.fetch_add(1, std::memory_order_relaxed);
}

void ConnectionRegistry::remove(Connection& connection)
{
    connections_.erase(&connection);
    server_total_.fetch_sub(1, std::memory_order_relaxed);
    if (connections_.empty() && on_empty_) {
        on_empty_();
    }
}

void ConnectionRegistry::request_stop_all()
{
    for (auto* connection : connections_) {
        connection->request_stop();
    }
}

void ConnectionRegistry::close_all()
{
    for (auto* connection : connections_) {
        connection->close();
    }
}

}  // namespace hello::server
