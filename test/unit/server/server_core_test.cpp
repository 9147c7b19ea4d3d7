// The server's core in-process: a real Worker on its own thread, real
// loopback sockets, no child process. Checks the conversation, the idle
// sweep, the shutdown walk and the connection accounting.

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "net/asio_compat.hpp"
#include "server/connection_limit.hpp"
#include "server/options.hpp"
#include "server/server_state.hpp"
#include "server/session_list.hpp"
#include "server/worker.hpp"

using namespace std::chrono_literals;
using hello::net::tcp;
using hello::server::ClientWindow;
using hello::server::ConnectionLimit;
using hello::server::ServerOptions;
using hello::server::ServerState;
using hello::server::took_replies;
using hello::server::Worker;
using Clock = std::chrono::steady_clock;

namespace {

ServerOptions quiet_options()
{
    ServerOptions options;
    options.quiet = std::getenv("HELLO_TEST_LOGS") == nullptr;
    return options;
}

// A Worker serving 127.0.0.1 on a port of the OS's choosing, on its own thread.
class RunningWorker {
public:
    explicit RunningWorker(const ServerOptions& options)
        : state_(options), worker_(state_, counters_)
    {
        tcp::acceptor acceptor(worker_.io(), tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        endpoint_ = acceptor.local_endpoint();
        worker_.listen_with(std::move(acceptor));
        thread_ = std::thread([this] {
            worker_.run();
            finished_ = true;
        });
    }
    ~RunningWorker() { stop(); }

    // Stops the worker and waits for run() to return.
    void stop()
    {
        if (thread_.joinable()) {
            worker_.stop();
            thread_.join();
        }
    }

    tcp::endpoint endpoint() const { return endpoint_; }
    ConnectionLimit& limit() { return state_.connections; }
    const hello::ops::WorkerCounters& counters() const { return counters_; }
    bool finished() const { return finished_; }

private:
    ServerState state_;
    hello::ops::WorkerCounters counters_;
    Worker worker_;
    tcp::endpoint endpoint_;
    std::atomic<bool> finished_{false};
    std::thread thread_;
};

// A blocking client with a receive timeout, so a broken server fails the
// test instead of hanging it.
class Client {
public:
    explicit Client(tcp::endpoint server) : socket_(io_)
    {
        socket_.connect(server);
        timeval limit{5, 0};
        ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    }

    // Reads until `expected.size()` bytes have come, the peer closes or 5 s pass.
    std::string receive(std::size_t size)
    {
        std::string got;
        char buffer[256];
        while (got.size() < size) {
            asio::error_code error;
            const auto n = socket_.read_some(
                asio::buffer(buffer, std::min(sizeof buffer, size - got.size())), error);
            if (error) {
                break;
            }
            got.append(buffer, n);
        }
        return got;
    }
    void send(std::string_view bytes) { asio::write(socket_, asio::buffer(bytes)); }

    // True if the server closed the connection (end of stream or reset) within 5 s.
    bool closed_by_server()
    {
        char byte;
        asio::error_code error;
        socket_.read_some(asio::buffer(&byte, 1), error);
        return error == asio::error::eof || error == asio::error::connection_reset;
    }

private:
    asio::io_context io_;
    tcp::socket socket_;
};

}  // namespace

TEST_SUITE("server_core")
{
    TEST_CASE("connection limit: never more slots than the limit, even from racing threads")
    {
        ConnectionLimit limit(3);
        {
            auto a = limit.try_reserve();
            auto b = limit.try_reserve();
            auto c = limit.try_reserve();
            CHECK((a && b && c));
            CHECK_FALSE(limit.try_reserve());
            CHECK(limit.taken() == 3);
        }
        CHECK(limit.taken() == 0);  // given back when the slots went

        std::atomic<std::size_t> held{0};
        std::atomic<std::size_t> most{0};
        std::vector<std::thread> racers;
        for (int t = 0; t < 4; ++t) {
            racers.emplace_back([&] {
                for (int i = 0; i < 20'000; ++i) {
                    if (auto slot = limit.try_reserve()) {
                        const auto now = ++held;
                        auto seen = most.load();
                        while (now > seen && !most.compare_exchange_weak(seen, now)) {
                        }
                        --held;
                    }
                }
            });
        }
        for (auto& racer : racers) {
            racer.join();
        }
        CHECK(most.load() <= 3);
        CHECK(limit.taken() == 0);
    }

    TEST_CASE("a conversation: greeting, replies to raw and line messages, exit")
    {
        RunningWorker worker(quiet_options());
        Client client(worker.endpoint());
        CHECK(client.receive(8) == "Welcome!");
        client.send("Michael");
        CHECK(client.receive(15) == "Hello, Michael!");
        client.send("Tracy\nSarah\n");
        const std::string lines = "\nHello, Tracy!\nHello, Sarah!\n";
        CHECK(client.receive(lines.size()) == lines);
        client.send("exit\n");
        CHECK(client.closed_by_server());
        worker.stop();  // so that the counters are final
        CHECK(worker.counters().accepted.read() == 1);
        CHECK(worker.counters().messages.read() == 3);
        CHECK(worker.counters().received_bytes.read() == 7 + 12 + 5);
        CHECK(worker.counters().sent_bytes.read() == 8 + 15 + lines.size());
        CHECK(worker.counters()
                  .closed[static_cast<std::size_t>(hello::protocol::CloseReason::exit)]
                  .read() == 1);
    }

    TEST_CASE("a long message arrives whole though the first read takes only a few bytes")
    {
        RunningWorker worker(quiet_options());
        Client client(worker.endpoint());
        CHECK(client.receive(8) == "Welcome!");
        const std::string name(1000, 'x');
        client.send(name);
        const auto reply = "Hello, " + name + "!";
        CHECK(client.receive(reply.size()) == reply);
    }

    TEST_CASE("the idle sweep closes a silent client after --idle-timeout, not before")
    {
        auto options = quiet_options();
        options.idle_timeout = 300ms;
        RunningWorker worker(options);
        Client silent(worker.endpoint());
        Client talker(worker.endpoint());
        CHECK(silent.receive(8) == "Welcome!");
        CHECK(talker.receive(8) == "Welcome!");
        const auto start = Clock::now();
        for (int i = 0; i < 4; ++i) {  // 400 ms of progress: the talker outlives its timeout
            std::this_thread::sleep_for(100ms);
            talker.send("Bob");
            CHECK(talker.receive(11) == "Hello, Bob!");
        }
        CHECK(silent.closed_by_server());
        const auto waited = Clock::now() - start;
        CHECK(waited >= 300ms);
        CHECK(waited < 3s);
        talker.send("Bob");
        CHECK(talker.receive(11) == "Hello, Bob!");
        CHECK(talker.closed_by_server());  // and then it goes silent too
    }

    TEST_CASE("slow readers: a client took replies when its kernel acknowledged more of them")
    {
        const ClientWindow before{1000, false, true};
        CHECK(took_replies(&before, {1001, false, true}));
        CHECK_FALSE(took_replies(&before, {1000, false, true}));
        // Compared modulo 2^30: one byte past the top is still one byte more.
        const ClientWindow top{(1U << 30) - 1, false, true};
        CHECK(took_replies(&top, {0, false, true}));
        CHECK_FALSE(took_replies(&top, {(1U << 30) - 1, false, true}));
    }

    TEST_CASE("slow readers: a window that reopened counts before its bytes are acknowledged")
    {
        const ClientWindow shut{1000, false, true};
        CHECK(took_replies(&shut, {1000, true, true}));
        // Open at both looks and nothing acknowledged: a client that vanished
        // with its window open, while our kernel retransmits to it.
        const ClientWindow open{1000, true, true};
        CHECK_FALSE(took_replies(&open, {1000, true, true}));
        CHECK_FALSE(took_replies(&open, {1000, false, true}));
    }

    TEST_CASE("slow readers: taking the last replies counts; having them all and no more does not")
    {
        const ClientWindow before{1000, false, true};
        // Its kernel took the last of them since the last look: progress,
        // though nothing waits any more.
        CHECK(took_replies(&before, {5000, true, false}));
        // Nothing taken since: idle, like any client that says nothing.
        const ClientWindow has_all{5000, true, false};
        CHECK_FALSE(took_replies(&has_all, {5000, true, false}));
        CHECK_FALSE(took_replies(nullptr, {5000, true, false}));
        // Replies written without a wait since its last progress: the first
        // look only notes what it sees.
        CHECK(took_replies(nullptr, {1000, false, true}));
    }

    TEST_CASE("shutdown ends waiting sessions at once and run() returns")
    {
        RunningWorker worker(quiet_options());
        std::vector<std::unique_ptr<Client>> clients;
        for (int i = 0; i < 5; ++i) {
            clients.push_back(std::make_unique<Client>(worker.endpoint()));
            CHECK(clients.back()->receive(8) == "Welcome!");
        }
        const auto start = Clock::now();
        worker.stop();
        CHECK(worker.finished());
        CHECK(Clock::now() - start < 2s);  // well inside --shutdown-timeout (5 s)
        for (auto& client : clients) {
            CHECK(client->closed_by_server());
        }
        CHECK(worker.limit().taken() == 0);
    }

    TEST_CASE("--max-connections: one over the limit is turned away; a freed slot is used again")
    {
        auto options = quiet_options();
        options.max_connections = 2;
        RunningWorker worker(options);
        auto first = std::make_unique<Client>(worker.endpoint());
        Client second(worker.endpoint());
        CHECK(first->receive(8) == "Welcome!");
        CHECK(second.receive(8) == "Welcome!");
        Client third(worker.endpoint());
        const std::string busy = "error: server busy, try again later\n";
        CHECK(third.receive(busy.size()) == busy);
        CHECK(third.closed_by_server());
        first->send("exit");
        CHECK(first->closed_by_server());
        first.reset();
        for (int i = 0; i < 50 && worker.limit().taken() != 1; ++i) {
            std::this_thread::sleep_for(10ms);
        }
        CHECK(worker.limit().taken() == 1);
        Client fourth(worker.endpoint());
        CHECK(fourth.receive(8) == "Welcome!");
    }
}
