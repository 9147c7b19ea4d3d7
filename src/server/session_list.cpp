#include "server/session_list.hpp"

#include <linux/sockios.h>
#include <sys/ioctl.h>

#include <algorithm>

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
    if (queue_of(entry).back != &entry && entry.linked_) {
        unlink(entry);
        link_at_back(entry);
    }
}

void SessionList::waiting_to_write(Entry& entry)
{
    entry.reading_ = false;
    entry.unacknowledged_ = unacknowledged_bytes(entry.socket_);
    entry.looked_ = true;
}

void SessionList::lingering(Entry& entry)
{
    if (entry.linked_) {
        unlink(entry);
    }
    entry.lingering_ = true;
    entry.last_progress_ = Clock::now();
    link_at_back(entry);
}

void SessionList::link_at_back(Entry& entry)
{
    auto& queue = queue_of(entry);
    entry.previous_ = queue.back;
    entry.next_ = nullptr;
    (queue.back != nullptr ? queue.back->next_ : queue.front) = &entry;
    queue.back = &entry;
    entry.linked_ = true;
}

void SessionList::unlink(Entry& entry)
{
    auto& queue = queue_of(entry);
    (entry.previous_ != nullptr ? entry.previous_->next_ : queue.front) = entry.next_;
    (entry.next_ != nullptr ? entry.next_->previous_ : queue.back) = entry.previous_;
    entry.previous_ = entry.next_ = nullptr;
    entry.linked_ = false;
}

void SessionList::Entry::stop(CloseReason why)
{
    ended_by_server_ = why;
    asio::error_code ignored;
    socket_.cancel(ignored);  // its pending read or write fails at once
    if (pause_ != nullptr) {
        pause_->cancel();
    }
}

SessionList::Clock::time_point SessionList::next_deadline() const
{
    auto deadline = Clock::time_point::max();
    if (serving_.front != nullptr) {
        deadline = serving_.front->last_progress_ + idle_timeout_;
    }
    if (lingering_.front != nullptr) {
        deadline = std::min(deadline, lingering_.front->last_progress_ + linger_quiet);
    }
    return deadline;
}

void SessionList::close_quiet_lingerers(Clock::time_point now)
{
    while (lingering_.front != nullptr && lingering_.front->last_progress_ + linger_quiet <= now) {
        auto& entry = *lingering_.front;
        unlink(entry);
        asio::error_code ignored;
        entry.socket_.close(ignored);  // its discarding read fails at once
    }
}

std::size_t SessionList::close_idle(Clock::time_point now)
{
    close_quiet_lingerers(now);
    std::size_t closed = 0;
    while (serving_.front != nullptr && serving_.front->last_progress_ + idle_timeout_ <= now) {
        auto& entry = *serving_.front;
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
        entry.stop(CloseReason::idle);  // it has left the list until it lingers
        ++closed;
    }
    return closed;
}

void SessionList::request_stop_all()
{
    for (auto* entry = serving_.front; entry != nullptr; entry = entry->next_) {
        entry->ended_by_server_ = CloseReason::shutdown;
        // A session waiting for its client ends at once; one writing a reply
        // is not disturbed and ends once it is out. (Not by shutting the
        // receiving side: input arriving after that and our FIN would make
        // the kernel reset the connection.)
        if (entry->reading_) {
            asio::error_code ignored;
            entry->socket_.cancel(ignored);
        }
    }
}

void SessionList::close_all()
{
    for (auto* queue : {&serving_, &lingering_}) {
        while (queue->front != nullptr) {
            auto& left = *queue->front;
            unlink(left);
            if (!left.ended_by_server_) {
                left.ended_by_server_ = CloseReason::shutdown;
            }
            asio::error_code ignored;
            left.socket_.close(ignored);  // its pending operations fail at once
            if (left.pause_ != nullptr) {
                left.pause_->cancel();
            }
        }
    }
}

}  // namespace hello::server
