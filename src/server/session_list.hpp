#pragma once
// One worker's live sessions, as the worker sees them from outside: enough to
// close the idle ones and to stop them all when the server stops.
//
// The sessions form an intrusive list ordered by their last progress (a byte
// read or written): a session that makes progress moves to the back, so the
// ones whose --idle-timeout has run out are always at the front. One timer
// per worker sweeps them (Worker::sweep); no session has a timer of its own,
// and the list costs no allocation: its nodes live inside the sessions.
//
// A client that reads its replies slowly makes progress the session cannot
// see: the kernel wakes a blocked writer only once a third of its buffer is
// free. What the server's kernel can see of such a client is only its
// receive window: it stays shut until the client has read most of its
// receive buffer, then reopens, and the bytes sent into it are acknowledged
// (docs/HARDENING.md, slow readers). So before closing a session whose
// replies wait in the kernel, the sweep looks at the connection (TCP_INFO)
// and keeps the session if the client's kernel acknowledged bytes, or its
// window reopened, since the last look (took_replies). A client whose window
// stays shut for a timeout is closed: one or two timeouts after it last
// reopened.
//
// A session that has ended its side lingers (server/linger.hpp): it moves to
// a second list, ordered the same way, from which the sweep closes those that
// heard nothing from their client for linger_quiet. Both lists share the
// sweep's one timer.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>

#include "net/asio_compat.hpp"
#include "protocol/close_reason.hpp"

namespace hello::server {

// What one look at a session's connection shows of its client.
struct ClientWindow {
    // Bytes the client's kernel has acknowledged, modulo 2^30: between two
    // looks it can acknowledge no more than our send buffer holds.
    std::uint32_t acknowledged = 0;
    bool open = false;          // its last advertised receive window was not zero
    bool replies_wait = false;  // bytes wait in our kernel, unsent or unacknowledged
};

// Whether the client took some of its replies since the look `before` (none
// since the session's last progress: nullptr). A window that reopened counts
// before the bytes sent into it are acknowledged, a round trip later; one
// that stays open while nothing is acknowledged does not (a client that has
// vanished leaves it so).
bool took_replies(const ClientWindow* before, const ClientWindow& now);

class SessionList {
public:
    using Clock = std::chrono::steady_clock;
    using CloseReason = protocol::CloseReason;

    // How long a lingering session waits for its client's next byte.
    static constexpr Clock::duration linger_quiet = std::chrono::seconds(1);

    // A session's place in the list. It lives in the session's frame and is
    // in the list from join() to leave(): no allocation, no back pointer.
    class Entry {
    public:
        // `pause`, if any, is the timer a session waits on before a delayed
        // reply: ending the session cancels it.
        explicit Entry(net::tcp::socket& socket, asio::steady_timer* pause = nullptr)
            : socket_(socket), pause_(pause)
        {
        }
        Entry(const Entry&) = delete;
        Entry& operator=(const Entry&) = delete;

        // Idle or shutdown once the worker has stopped (or begun to stop)
        // the session; nothing while the session is its own master.
        std::optional<CloseReason> ended_by_server() const { return ended_by_server_; }
        // The connection this entry stands for.
        net::tcp::socket& socket() const { return socket_; }

    private:
        friend class SessionList;
        // Ends the session: its pending operations fail at once, and it
        // closes the way every session does.
        void stop(CloseReason why);
        // Closes its socket now, lingering or not: its pending operations
        // fail at once, and what it owes is no longer waited for.
        void stop_now();
        void note(const ClientWindow& window)
        {
            acknowledged_ = window.acknowledged;
            window_open_ = window.open ? 1 : 0;
            looked_ = true;
        }
        ClientWindow last_look() const { return {acknowledged_, window_open_ != 0, true}; }

        net::tcp::socket& socket_;
        asio::steady_timer* pause_;
        Entry* previous_ = nullptr;
        Entry* next_ = nullptr;
        Clock::time_point last_progress_;
        std::optional<CloseReason> ended_by_server_;
        bool linked_ : 1 = false;     // closed sessions have left already
        bool looked_ : 1 = false;     // the two below are from the last progress or after
        bool reading_ : 1 = false;    // waits for the client, owing it nothing
        bool lingering_ : 1 = false;  // in the second list, which the sweep closes sooner
        // ClientWindow's acknowledged and open, and whether the session waits
        // to write, in the word the fields above leave free, so that an entry
        // is no bigger than six pointers.
        std::uint32_t acknowledged_ : 30 = 0;
        std::uint32_t window_open_ : 1 = 0;
        std::uint32_t waiting_ : 1 = 0;
    };

    // A new session: its idle clock starts now.
    void join(Entry& entry);
    // The session has ended (every joined entry leaves, exactly once).
    void leave(Entry& entry);
    // Bytes moved, one way or the other: the entry's idle clock restarts.
    // When the session was waiting to write, the kernel took some of its
    // replies: what the client has acknowledged by now is noted too, for the
    // sweep to tell whether it takes the rest.
    void made_progress(Entry& entry);
    // The session waits for the kernel to take more of its replies: notes
    // what the client has acknowledged so far, for the sweep.
    void waiting_to_write(Entry& entry);
    // The session waits for its client to say something, owing it nothing:
    // stop_all() may end that wait at once.
    void waiting_to_read(Entry& entry) { entry.reading_ = true; }
    // The session has ended its side and discards what the client still
    // sends: from now on it is closed after linger_quiet without a byte.
    void lingering(Entry& entry);

    explicit SessionList(Clock::duration idle_timeout) : idle_timeout_(idle_timeout) {}
    SessionList(const SessionList&) = delete;
    SessionList& operator=(const SessionList&) = delete;

    // Live sessions, including those being closed.
    std::size_t size() const { return size_; }

    // When the oldest session's idle timeout runs out (time_point::max() if
    // there is none).
    Clock::time_point next_deadline() const;

    // Ends every session that made no progress for the idle timeout, and
    // closes every lingering one that heard nothing for linger_quiet.
    // Returns how many sessions it ended.
    std::size_t close_idle(Clock::time_point now);

    // Stopping, step 1: sessions waiting for their client end at once;
    // sessions writing a reply end once it is out; both linger. From now on
    // `stopped` is called each time the last session leaves.
    void stop_all(std::function<void()> stopped);
    // Stopping, step 2: whatever is left, lingering or not, is closed now.
    void stop_all_now();

private:
    // Sessions in the order of their last progress, the least recent first.
    struct Queue {
        Entry* front = nullptr;
        Entry* back = nullptr;
    };
    Queue& queue_of(const Entry& entry) { return entry.lingering_ ? lingering_ : serving_; }
    void link_at_back(Entry& entry);
    void unlink(Entry& entry);
    void close_quiet_lingerers(Clock::time_point now);

    Clock::duration idle_timeout_;
    Queue serving_;    // closed after idle_timeout_ without progress
    Queue lingering_;  // closed after linger_quiet without a byte from the client
    std::size_t size_ = 0;
    std::function<void()> stopped_;
};

// An entry that is in `list` for as long as it lives: a connection that is
// not yet, or no longer, a session (a PROXY header awaited, a refusal
// lingering), so that the sweep and a stop reach it too.
class ListedConnection {
public:
    ListedConnection(SessionList& list, net::tcp::socket& socket) : list_(list), entry_(socket)
    {
        list_.join(entry_);
    }
    ~ListedConnection() { list_.leave(entry_); }
    ListedConnection(const ListedConnection&) = delete;
    ListedConnection& operator=(const ListedConnection&) = delete;

    SessionList::Entry& entry() { return entry_; }

private:
    SessionList& list_;
    SessionList::Entry entry_;
};

}  // namespace hello::server
