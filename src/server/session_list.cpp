#include "server/session_list.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstddef>

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
    if (--size_ == 0 && on_empty_) {
        on_empty_();
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
    if (back_ != &entry && entry.linked_) {
        unlink(entry);
        link_at_back(entry);
    }
}

void SessionList::waiting_to_write(Entry& entry)
{
    entry.note(look_at(entry.socket_));
    entry.waiting_ = 1;
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
        const auto window = look_at(entry.socket_);
        const auto before = entry.last_look();
        if (took_replies(entry.looked_ ? &before : nullptr, window)) {
            entry.note(window);
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
