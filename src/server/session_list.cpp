#include "server/session_list.hpp"

#include <linux/sockios.h>
#include <sys/ioctl.h>

namespace hello::server {
namespace {

// Bytes written to the socket that its peer has not acknowledged yet.
std::uint32_t unacknowledged_bytes(net::tcp::socket& socket)
{
    int bytes = 0;
    if (::ioctl(socket.native_handle(), SIOCOUTQ, &bytes) != 0 || bytes < 0) {
        return 0;
    }
    return static_cast<std::uint32_t>(bytes);
}

}  // namespace

void SessionList::join(Entry& entry)
{
    ++size_;
    entry.last_progress_ = Clock::now();
    link_at_back(entry);
}

void SessionList::leave(Entry& entry)
{
    if (entry.linked_) {
        unlink(entry);
    }
    if (--size_ == 0 && on_empty_) {
        on_empty_();
    }
}

void SessionList::made_progress(Entry& entry)
{
    entry.last_progress_ = Clock::now();
    entry.looked_ = false;
    if (back_ != &entry && entry.linked_) {
        unlink(entry);
        link_at_back(entry);
    }
}

void SessionList::waiting_to_write(Entry& entry)
{
    entry.unacknowledged_ = unacknowledged_bytes(entry.socket_);
    entry.looked_ = true;
}

void SessionList::link_at_back(Entry& entry)
{
    entry.previous_ = back_;
    entry.next_ = nullptr;
    (back_ != nullptr ? back_->next_ : front_) = &entry;
    back_ = &entry;
    entry.linked_ = true;
}

void SessionList::unlink(Entry& entry)
{
    (entry.previous_ != nullptr ? entry.previous_->next_ : front_) = entry.next_;
    (entry.next_ != nullptr ? entry.next_->previous_ : back_) = entry.previous_;
    entry.previous_ = entry.next_ = nullptr;
    entry.linked_ = false;
}

void SessionList::Entry::close(CloseReason why)
{
    ended_by_server_ = why;
    asio::error_code ignored;
    socket_.close(ignored);  // its pending read or write fails at once
    if (pause_ != nullptr) {
        pause_->cancel();
    }
}

SessionList::Clock::time_point SessionList::next_deadline() const
{
    return front_ != nullptr ? front_->last_progress_ + idle_timeout_ : Clock::time_point::max();
}

std::size_t SessionList::close_idle(Clock::time_point now)
{
    std::size_t closed = 0;
    while (front_ != nullptr && front_->last_progress_ + idle_timeout_ <= now) {
        auto& entry = *front_;
        unlink(entry);
        const auto unacknowledged = unacknowledged_bytes(entry.socket_);
        if (unacknowledged > 0 && (!entry.looked_ || unacknowledged < entry.unacknowledged_)) {
            // Replies wait in the kernel, and the client took some since the
            // last look (or there was none since its last progress).
            entry.unacknowledged_ = unacknowledged;
            entry.looked_ = true;
            entry.last_progress_ = now;
            link_at_back(entry);
            continue;
        }
        entry.close(CloseReason::idle);  // it has left the list: it ends on its own
        ++closed;
    }
    return closed;
}

void SessionList::request_stop_all()
{
    for (auto* entry = front_; entry != nullptr; entry = entry->next_) {
        entry->ended_by_server_ = CloseReason::shutdown;
        // A session waiting for its client wakes up to an end of stream; one
        // writing a reply is not disturbed and ends once it is out.
        asio::error_code ignored;
        entry->socket_.shutdown(net::tcp::socket::shutdown_receive, ignored);
    }
}

void SessionList::close_all()
{
    while (front_ != nullptr) {
        auto& left = *front_;
        unlink(left);
        left.close(CloseReason::shutdown);
    }
}

}  // namespace hello::server
