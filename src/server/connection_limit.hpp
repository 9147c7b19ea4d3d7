#pragma once
// --max-connections, exact with any number of threads: a connection is
// served only with a slot reserved by one atomic compare-and-swap, so two
// threads can never both take the last one.

#include <atomic>
#include <cstddef>
#include <optional>
#include <utility>

namespace hello::server {

class ConnectionLimit;

// One reserved place among --max-connections; given back when destroyed.
class ConnectionSlot {
public:
    ConnectionSlot(ConnectionSlot&& other) noexcept : limit_(std::exchange(other.limit_, nullptr))
    {
    }
    ConnectionSlot& operator=(ConnectionSlot&&) = delete;
    ~ConnectionSlot();

private:
    friend class ConnectionLimit;
    explicit ConnectionSlot(ConnectionLimit& limit) : limit_(&limit) {}
    ConnectionLimit* limit_;
};

class ConnectionLimit {
public:
    explicit ConnectionLimit(std::size_t max) : max_(max) {}

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

    std::size_t taken() const { return taken_.load(std::memory_order_relaxed); }
    std::size_t max() const { return max_; }

private:
    friend class ConnectionSlot;
    void release() { taken_.fetch_sub(1, std::memory_order_relaxed); }

    const std::size_t max_;
    std::atomic<std::size_t> taken_{0};
};

inline ConnectionSlot::~ConnectionSlot()
{
    if (limit_ != nullptr) {
        limit_->release();
    }
}

}  // namespace hello::server
