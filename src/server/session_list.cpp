#include "server/session_list.hpp"

namespace hello::server {

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
    if (back_ != &entry && entry.linked_) {
        unlink(entry);
        link_at_back(entry);
    }
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
        auto& idle = *front_;
        unlink(idle);  // a closed session is done with the list; it leaves on its own
        idle.close(CloseReason::idle);
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
