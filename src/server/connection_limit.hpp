#pragma once
// --max-connections and --max-connections-per-ip, exact with any number of
// threads. A connection is served only with a slot reserved by one atomic
// compare-and-swap, so two threads can never both take the last one; with a
// per-address limit, the slot then also claims a place among its client
// address's connections, counted under a lock (only then: off by default).

#include <atomic>
#include <cstddef>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

#include "net/asio_compat.hpp"
#include "net/endpoint.hpp"

namespace hello::server {

class ConnectionLimit;

// One reserved place among --max-connections (and, once claimed, among its
// address's); given back when destroyed.
class ConnectionSlot {
public:
    ConnectionSlot(ConnectionSlot&& other) noexcept
        : limit_(std::exchange(other.limit_, nullptr)),
          address_(std::exchange(other.address_, nullptr))
    {
    }
    ConnectionSlot& operator=(ConnectionSlot&&) = delete;
    ~ConnectionSlot();

private:
    friend class ConnectionLimit;
    explicit ConnectionSlot(ConnectionLimit& limit) : limit_(&limit) {}
    ConnectionLimit* limit_;
    std::pair<const asio::ip::address, std::size_t>* address_ = nullptr;  // and its count
};

class ConnectionLimit {
public:
    // `max_per_address` 0: no limit per address.
    explicit ConnectionLimit(std::size_t max, std::size_t max_per_address = 0)
        : max_(max), max_per_address_(max_per_address)
    {
    }

    // A slot, or nothing when `max` connections hold one already.
    std::optional<ConnectionSlot> try_reserve()
    {
        auto taken = taken_.load(std::memory_order_relaxed);
        do {
            if (taken >= max_) {
                return std::nullopt;
            }
        } while (!taken_.compare_exchange_weak(taken, taken + 1, std::memory_order_relaxed));
        return ConnectionSlot(*this);
    }

    // Counts `slot` among the connections from `address` (an IPv4 client of
    // an IPv6 listener as itself); false when `max_per_address` of them hold
    // a slot already. Always true without a per-address limit.
    bool try_claim(ConnectionSlot& slot, const asio::ip::address& address)
    {
        if (max_per_address_ == 0) {
            return true;
        }
        const std::lock_guard lock(per_address_mutex_);
        auto& counted = *per_address_.try_emplace(net::unmapped(address), 0).first;
        if (counted.second >= max_per_address_) {
            return false;
        }
        ++counted.second;
        slot.address_ = &counted;
        return true;
    }

    std::size_t taken() const { return taken_.load(std::memory_order_relaxed); }
    std::size_t max() const { return max_; }
    std::size_t max_per_address() const { return max_per_address_; }

private:
    friend class ConnectionSlot;
    void release(std::pair<const asio::ip::address, std::size_t>* address)
    {
        if (address != nullptr) {
            const std::lock_guard lock(per_address_mutex_);
            if (--address->second == 0) {
                per_address_.erase(address->first);
            }
        }
        taken_.fetch_sub(1, std::memory_order_relaxed);
    }

    const std::size_t max_;
    const std::size_t max_per_address_;
    std::atomic<std::size_t> taken_{0};
    std::mutex per_address_mutex_;
    // Node-based: a slot's pointer to its address's count stays valid.
    std::unordered_map<asio::ip::address, std::size_t> per_address_;
};

inline ConnectionSlot::~ConnectionSlot()
{
    if (limit_ != nullptr) {
        limit_->release(address_);
    }
}

}  // namespace hello::server
