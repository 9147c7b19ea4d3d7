"""hello_bench against a real hello_server: it works and finds no errors.

No timing is asserted (machines are noisy); benchmarks are run by hand or by
bench/compare, and their numbers go to docs/BENCHMARKS.md.
"""

import json
import os
import re
import socket
import subprocess
import threading

from harness import BUILD_DIR, Server

BENCH = os.path.join(BUILD_DIR, "hello_bench")


def run_bench(*args, timeout=60):
    return subprocess.run([BENCH, *args], stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=timeout)


def bench_json(server, *args):
    result = run_bench("--port", str(server.port), "--json", *args)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def assert_clean(report, connections, replies):
    assert report["connections"] == {"wanted": connections, "made": connections}, report
    assert report["errors"]["total"] == 0, report
    assert report["replies"] == replies, report
    assert report["replies_per_s"] > 0, report
    latency = report["latency_us"]
    assert 0 < latency["p50"] <= latency["p90"] <= latency["p99"] <= latency["max"], latency


def test_smoke():
    with Server("--quiet") as server:
        assert_clean(bench_json(server, "-c", "50", "-n", "20"), 50, 1000)


def test_line_framing_two_threads():
    with Server("--quiet") as server:
        report = bench_json(server, "-c", "20", "-n", "10", "--framing", "line", "--threads", "2")
        assert_clean(report, 20, 200)
        assert report["framing"] == "line" and report["threads"] == 2, report


def test_duration_table():
    with Server("--quiet") as server:
        result = run_bench("--port", str(server.port), "-c", "4", "-d", "300ms")
        assert result.returncode == 0, result.stderr.decode()
        table = result.stdout.decode()
        assert "connections      4 of 4 (raw framing, 1 thread)" in table, table
        assert "errors           0 (" in table, table
        assert result.stderr == b"", result.stderr  # no progress line when stderr is not a terminal


def test_wrong_replies_are_errors():
    # Past --max-connections the server answers "error: server busy" instead
    # of "Welcome!": hello_bench must count those and exit non-zero.
    with Server("--quiet", "--max-connections", "2") as server:
        holders = [server.connect(), server.connect()]
        try:
            for sock in holders:
                sock.recv(8)
            result = run_bench("--port", str(server.port), "--json", "-c", "3", "-n", "1")
        finally:
            for sock in holders:
                sock.close()
    assert result.returncode == 1, (result.returncode, result.stderr)
    report = json.loads(result.stdout)
    assert report["errors"]["connect"] == 3, report
    assert report["connections"]["made"] == 0, report
    assert b"server busy" in result.stderr, result.stderr


def test_unreachable_server():
    with Server("--quiet") as server:
        port = server.port
    result = run_bench("--port", str(port), "-n", "1")
    assert result.returncode == 1, result
    assert result.stderr.decode().startswith("hello_bench: cannot connect to 127.0.0.1 port"), result.stderr
    assert result.stdout == b""


def test_bad_options():
    for args in (["-c", "0"], ["-d", "1s", "-n", "1"], ["--framing", "xml"], ["--nope"]):
        result = run_bench(*args)
        assert result.returncode == 2, (args, result)
        assert result.stderr.decode().startswith("hello_bench: "), result.stderr
    result = run_bench("--help")
    assert result.returncode == 0 and b"Usage: hello_bench" in result.stdout


def test_proxy_v1():
    # hello_server --proxy-protocol closes a connection that does not start
    # with a PROXY header: every greeting and reply then proves the header
    # went first and whole.
    with Server("--quiet", "--proxy-protocol", "--proxy-header-timeout", "500ms") as server:
        assert_clean(bench_json(server, "-c", "20", "-n", "10", "--proxy-v1"), 20, 200)
        report = bench_json(server, "-c", "5", "-n", "10", "--proxy-v1", "--framing", "line")
        assert_clean(report, 5, 50)
        without = run_bench("--port", str(server.port), "--json", "-c", "2", "-n", "1")
        assert without.returncode == 1, without
        assert json.loads(without.stdout)["errors"]["connect"] == 2


class ScriptedServer:
    """A fake server on 127.0.0.1: greets, then answers the first `good`
    messages of each connection rightly and then does `then`: "wrong" (a
    reply with one byte changed), "extra" (one byte too many) or "close"."""

    def __init__(self, good, then):
        self.good = good
        self.then = then
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.threads = []

    def __enter__(self):
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.listener.close()
        for thread in self.threads:
            thread.join(timeout=10)

    def _accept(self):
        while True:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return  # closed by __exit__
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _serve(self, sock):
        with sock:
            sock.settimeout(10)
            sock.sendall(b"Welcome!")
            for answered in range(self.good + 1):
                name = sock.recv(1024)  # lockstep, raw framing: one read is one message
                if not name or name == b"exit":
                    return
                reply = b"Hello, " + name + b"!"
                if answered == self.good:
                    if self.then == "close":
                        return
                    reply = reply[:-1] + b"?" if self.then == "wrong" else reply + b"!"
                sock.sendall(reply)
            sock.recv(1024)  # hello_bench closes its failed connection


def test_bad_replies_mid_conversation():
    # Every way a reply can go wrong after a good start is counted, by kind,
    # with a sample on stderr, and the right replies before it still count.
    for then, kind, sample in (("wrong", "mismatch", r'expected "Hello, bench(\d)!", got "Hello, bench\1\?"'),
                               ("extra", "mismatch", r'expected "Hello, bench(\d)!", got "Hello, bench\1!!"'),
                               ("close", "closed", "the server closed the connection")):
        with ScriptedServer(good=3, then=then) as server:
            result = run_bench("--port", str(server.port), "--json", "-c", "4", "-n", "10")
        assert result.returncode == 1, (then, result)
        report = json.loads(result.stdout)
        assert report["connections"]["made"] == 4, report
        assert report["replies"] == 12, (then, report)
        assert report["errors"][kind] == 4 and report["errors"]["total"] == 4, (then, report)
        assert re.search(sample, result.stderr.decode()), (then, result.stderr)


class ComparisonServer:
    """A server from bench/ (epoll_server, threaded_server, naive_asio_server)
    on an OS-chosen port."""

    def __init__(self, name):
        self.command = [os.path.join(BUILD_DIR, "bench", name), "--port", "0"]

    def __enter__(self):
        self.process = subprocess.Popen(self.command, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        line = self.process.stderr.readline().decode()  # blocks at most until it listens or dies
        assert line.startswith("Listening on 127.0.0.1:"), line
        self.port = int(line.rsplit(":", 1)[1])
        return self

    def __exit__(self, *exc):
        self.process.kill()
        self.process.wait(timeout=10)
        self.process.stderr.close()


def assert_speaks_the_protocol(name):
    with ComparisonServer(name) as server:
        for framing in ("raw", "line"):
            report = bench_json(server, "-c", "20", "-n", "10", "--framing", framing)
            assert_clean(report, 20, 200)


def test_epoll_server_speaks_the_protocol():
    assert_speaks_the_protocol("epoll_server")


def test_threaded_server_speaks_the_protocol():
    assert_speaks_the_protocol("threaded_server")


def test_naive_asio_server_speaks_the_protocol():
    assert_speaks_the_protocol("naive_asio_server")
