#include "server/session_list.hpp"

namespace hello::server {

SessionList::Entry::Entry(SessionList& list, net::tcp::socket& socket, asio::steady_timer* pause)
    : list_(list), socket_(socket), pause_(pause), last_progress_(Clock::now())
{
    ++list_.size_;
    link_at_back();
}

SessionList::Entry::~Entry()
{
    if (linked()) {
        unlink();
    }
    if (--list_.size_ == 0 && list_.on_empty_) {
        list_.on_empty_();
    }
}

void SessionList::Entry::made_progress()
{
    last_progress_ = Clock::now();
    if (list_.back_ != this && linked()) {
        unlink();
        link_at_back();
    }
}

void SessionList::Entry::link_at_back()
{
    previous_ = list_.back_;
    next_ = nullptr;
    (previous_ != nullptr ? previous_->next_ : list_.front_) = this;
    list_.back_ = this;
}

void SessionList::Entry::unlink()
{
    (previous_ != nullptr ? previous_->next_ : list_.front_) = next_;
    (next_ != nullptr ? next_->previous_ : list_.back_) = previous_;
    previous_ = next_ = nullptr;
}

void SessionList::Entry::close(CloseReason why)
{
    if (linked()) {
        unlink();  // a closed session is done with the list; it leaves on its own
    }
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
        front_->close(CloseReason::idle);
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
        front_->close(CloseReason::shutdown);
    }
}

}  // namespace hello::server
