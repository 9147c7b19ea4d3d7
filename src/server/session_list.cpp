#include "server/session_list.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstddef>

#include <algorithm>

namespace hello::server {
namespace {

// The kernel's struct tcp_info as far as tcpi_snd_wnd. glibc's covers only
// its first fields, and <linux/tcp.h> cannot be included next to glibc's
// <netinet/tcp.h>, which Asio includes; the kernel only ever appends to it.
struct KernelTcpInfo {
    ::tcp_info glibc_part;  // up to tcpi_total_retrans
    std::uint64_t pacing_rate, max_pacing_rate, bytes_acked, bytes_received;
    std::uint32_t segs_out, segs_in, notsent_bytes, min_rtt, data_segs_in, data_segs_out;
    std::uint64_t delivery_rate, busy_time, rwnd_limited, sndbuf_limited;
    std::uint32_t delivered, delivered_ce;
    std::uint64_t bytes_sent, bytes_retrans;
    std::uint32_t dsack_dups, reord_seen, rcv_ooopack, snd_wnd;
};
static_assert(offsetof(KernelTcpInfo, bytes_acked) == 120);
static_assert(offsetof(KernelTcpInfo, notsent_bytes) == 144);
static_assert(offsetof(KernelTcpInfo, snd_wnd) == 228);

constexpr std::uint32_t acknowledged_mask = (1U << 30) - 1;

ClientWindow look_at(net::tcp::socket& socket)
{
    KernelTcpInfo info{};
    socklen_t size = sizeof info;
    if (::getsockopt(socket.native_handle(), IPPROTO_TCP, TCP_INFO, &info, &size) != 0 ||
        size < offsetof(KernelTcpInfo, min_rtt)) {
        return {};  // nothing to go by: the session is as idle as it looks
    }
    // A kernel older than tcpi_snd_wnd (Linux 5.4) leaves it zero: then only
    // acknowledged bytes count.
    return {static_cast<std::uint32_t>(info.bytes_acked) & acknowledged_mask, info.snd_wnd > 0,
            info.notsent_bytes > 0 || info.glibc_part.tcpi_unacked > 0};
}

}  // namespace

bool took_replies(const ClientWindow* before, const ClientWindow& now)
{
    if (before == nullptr) {
        // Written without a wait since its last progress: if some still
        // wait, look again a timeout later; if none do, it is as idle as a
        // client that says nothing.
        return now.replies_wait;
    }
    // Its last replies count too: a client whose kernel has just taken them
    // has a timeout from then to read them and speak again.
    return ((now.acknowledged - before->acknowledged) & acknowledged_mask) != 0 ||
           (now.replies_wait && now.open && !before->open);
}

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
    if (--size_ == 0 && stopped_) {
        stopped_();
    }
}

void SessionList::made_progress(Entry& entry)
{
    entry.last_progress_ = Clock::now();
    if (entry.waiting_ != 0) {
        entry.note(look_at(entry.socket_));
        entry.waiting_ = 0;
    } else {
        entry.looked_ = false;
    }
    if (queue_of(entry).back != &entry && entry.linked_) {
        unlink(entry);
        link_at_back(entry);
    }
}

void SessionList::waiting_to_write(Entry& entry)
{
    entry.reading_ = false;
    entry.note(look_at(entry.socket_));
    entry.waiting_ = 1;
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

void SessionList::Entry::stop_now()
{
    asio::error_code ignored;
    socket_.close(ignored);
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
        entry.stop_now();
    }
}

std::size_t SessionList::close_idle(Clock::time_point now)
{
    close_quiet_lingerers(now);
    std::size_t closed = 0;
    while (serving_.front != nullptr && serving_.front->last_progress_ + idle_timeout_ <= now) {
        auto& entry = *serving_.front;
        unlink(entry);
        const auto window = look_at(entry.socket_);
        const auto before = entry.last_look();
        if (took_replies(entry.looked_ ? &before : nullptr, window)) {
            entry.note(window);
            entry.last_progress_ = now;
            link_at_back(entry);
            continue;
        }
        entry.stop(CloseReason::idle);  // it has left the list until it lingers
        ++closed;
    }
    return closed;
}

void SessionList::stop_all(std::function<void()> stopped)
{
    stopped_ = std::move(stopped);
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

void SessionList::stop_all_now()
{
    for (auto* queue : {&serving_, &lingering_}) {
        while (queue->front != nullptr) {
            auto& left = *queue->front;
            unlink(left);
            if (!left.ended_by_server_) {
                left.ended_by_server_ = CloseReason::shutdown;
            }
            left.stop_now();
        }
    }
}

}  // namespace hello::server
