#include "loadgen/load_thread.hpp"

#include "loadgen/connect_phase.hpp"

namespace hello::loadgen {

LoadThread::LoadThread(const LoadPlan& plan, std::size_t thread_index)
    : plan_(plan), messages_(plan, thread_index)
{
}

// The connect phase's io_context and sockets are gone once it has handed
// the descriptors over: the measured window has nothing of Asio's left.
void LoadThread::connect_all()
{
    const auto indices = messages_.indices();
    ConnectPhase connecting(plan_, indices, messages_.tally());
    messages_.take(connecting.connect_all());
}

}  // namespace hello::loadgen
