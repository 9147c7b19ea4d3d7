"""hello_bench against a real hello_server: it works and finds no errors.

No timing is asserted (machines are noisy); benchmarks are run by hand or by
bench/compare, and their numbers go to docs/BENCHMARKS.md.
"""

import json
import os
import pty
import re
import socket
import subprocess
import tempfile
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
    reply with one byte changed), "extra" (one byte too many) or "close";
    "bye" answers `exit` with "Bye!" before it closes."""

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
        try:
            self._converse(sock)
        except ConnectionResetError:
            pass  # hello_bench's probe closes without reading "Welcome!": a reset

    def _converse(self, sock):
        with sock:
            sock.settimeout(10)
            sock.sendall(b"Welcome!")
            for answered in range(self.good + 1):
                name = sock.recv(1024)  # lockstep, raw framing: one read is one message
                if not name or name == b"exit":
                    if name == b"exit" and self.then == "bye":
                        sock.sendall(b"Bye!")
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


def p99_ms(report):
    return report["latency_us"]["p99"] / 1000


def test_open_loop_counts_what_a_slow_server_delays():
    # Coordinated omission, shown: 4 connections to a server that takes
    # 100 ms per reply carry 40 replies/s; asked for 80/s, an open-loop run
    # falls further behind every second, and its p99 (counted from when
    # each message was due) grows with the run's length. The lockstep
    # generator waits for each reply before it sends again, so it sees
    # 100 ms however long it runs. The runs overlap to save time (the load
    # is a few messages per second); only large ratios are asserted (the
    # measured ones: 2.8x, 5.5x and 15x).
    with Server("--quiet", "--delay", "100ms") as server:
        runs = {}
        for name, args in (("lockstep_short", ["-d", "1s"]), ("lockstep_long", ["-d", "3s"]),
                           ("open_short", ["-d", "1s", "--rate", "80"]),
                           ("open_long", ["-d", "3s", "--rate", "80"])):
            runs[name] = subprocess.Popen(
                [BENCH, "--port", str(server.port), "--json", "-c", "4", *args],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        reports = {}
        for name, process in runs.items():
            out, err = process.communicate(timeout=60)
            assert process.returncode == 0, (name, err)
            reports[name] = json.loads(out)
    for report in reports.values():
        assert report["errors"]["total"] == 0, report
        assert report["latency_us"]["p50"] >= 100_000, report  # never faster than the delay
    lockstep_short, lockstep_long = p99_ms(reports["lockstep_short"]), p99_ms(reports["lockstep_long"])
    open_short, open_long = p99_ms(reports["open_short"]), p99_ms(reports["open_long"])
    # Lockstep: about 100 ms, whatever the length (a stall of the machine can
    # add tens of ms to a p99 of 40 or 120 replies: 2x is far from growth).
    assert lockstep_long < 2 * lockstep_short, (lockstep_short, lockstep_long)
    # Open loop: about 100 + 50 * (replies per connection) ms, so ~0.6 s
    # after 1 s and ~1.6 s after 3 s.
    assert open_long > 1.8 * open_short, (open_short, open_long)
    assert open_short > 2.5 * lockstep_short, (open_short, lockstep_short)
    assert open_long > 5 * lockstep_long, (open_long, lockstep_long)
    # The messages the server had no time for are counted, not hidden.
    assert reports["open_long"]["mode"] == "open" and reports["open_long"]["rate"] == 80
    assert reports["open_long"]["unsent"] > 50, reports["open_long"]
    assert reports["lockstep_long"]["mode"] == "closed" and reports["lockstep_long"]["unsent"] == 0


def test_open_loop_keeps_its_rate():
    # 2000/s for 1 s: messages 0-1999 fall due, each sent and answered or
    # counted as unsent (a reply late at the very end leaves its
    # connection's next message unsent), none lost from the figures.
    with Server("--quiet") as server:
        report = bench_json(server, "-c", "10", "-d", "1s", "--rate", "2000")
    assert report["errors"]["total"] == 0, report
    assert report["replies"] + report["unsent"] == 2000, report
    assert report["replies"] >= 1800, report
    assert report["latency_us"]["count"] == report["replies"], report


def test_threads_split_rate_and_connections_exactly():
    # 3 threads, 10 connections, 3000/s: 4+3+3 connections at 1200+900+900/s;
    # the merged histogram holds every thread's latencies.
    with Server("--quiet") as server:
        report = bench_json(server, "-c", "10", "--threads", "3", "-d", "500ms", "--rate", "3000")
        closed = bench_json(server, "-c", "7", "--threads", "2", "-n", "50")
    assert report["errors"]["total"] == 0, report
    shares = report["per_thread"]
    assert [share["connections"] for share in shares] == [4, 3, 3], shares
    assert [share["rate"] for share in shares] == [1200, 900, 900], shares
    assert sum(share["replies"] for share in shares) == report["latency_us"]["count"] == report["replies"]
    assert report["replies"] + report["unsent"] == 1500, report  # every message due in 500 ms at 3000/s
    assert [share["replies"] for share in closed["per_thread"]] == [200, 150], closed
    assert closed["latency_us"]["count"] == closed["replies"] == 350, closed


def test_pipelining():
    # 8 names in flight per connection: the replies come back in order, often
    # several to a read, and each is checked and timed.
    with Server("--quiet") as server:
        report = bench_json(server, "-c", "5", "-n", "200", "-P", "8", "--framing", "line")
        assert_clean(report, 5, 1000)
        assert report["pipeline"] == 8, report
        report = bench_json(server, "-c", "4", "-d", "500ms", "-P", "4", "--framing", "line",
                            "--rate", "4000")
        assert report["errors"]["total"] == 0 and report["replies"] > 0, report
    for name in ("epoll_server", "naive_asio_server"):
        with ComparisonServer(name) as server:
            assert_clean(bench_json(server, "-c", "3", "-n", "100", "-P", "16", "--framing", "line"),
                         3, 300)


def assert_sessions(report, sessions, names=3):
    assert report["errors"]["total"] == 0, report
    reconnect = report["reconnect"]
    assert reconnect["names"] == names and reconnect["sessions"] == sessions, report
    assert reconnect["sessions_per_s"] > 0, report
    assert report["replies"] == names * sessions, report
    assert report["connections"]["made"] == sessions, report  # each session was greeted
    assert report["latency_us"]["count"] == reconnect["connect_us"]["count"] == sessions, report
    connect, session = reconnect["connect_us"], report["latency_us"]
    assert 0 < connect["p50"] <= connect["p99"] <= connect["max"], connect
    assert 0 < session["p50"] <= session["p99"] <= session["max"], session
    # A session begins with its connect and ends after it.
    assert session["p50"] > connect["p50"], report


def test_reconnect_plays_the_tutorial_client():
    # Every session: connect, Welcome!, Michael, Tracy, Sarah, exit, the
    # server's end of stream; 20 sessions on each of 10 connections.
    with Server("--quiet") as server:
        assert_sessions(bench_json(server, "--reconnect", "-c", "10", "-n", "20"), 200)
        report = bench_json(server, "--reconnect", "-c", "6", "-n", "5", "--names", "4",
                            "--framing", "line", "--threads", "2")
        assert_sessions(report, 30, names=4)
        assert report["threads"] == 2 and report["framing"] == "line", report
        bare = bench_json(server, "--reconnect", "-c", "2", "-n", "3", "--names", "0")
        assert bare["reconnect"]["sessions"] == 6 and bare["replies"] == 0, bare
        timed = bench_json(server, "--reconnect", "-c", "4", "-d", "300ms")
        assert timed["errors"]["total"] == 0 and timed["reconnect"]["sessions"] > 4, timed
        assert timed["replies"] == 3 * timed["reconnect"]["sessions"], timed


def test_reconnect_open_loop_counts_every_session_due():
    # 400 sessions/s for 1 s over 4 connections: sessions 0-399 fall due,
    # each begun and ended or counted as unsent.
    with Server("--quiet") as server:
        report = bench_json(server, "--reconnect", "-c", "4", "-d", "1s", "--rate", "400")
    assert report["mode"] == "open" and report["errors"]["total"] == 0, report
    assert report["reconnect"]["sessions"] + report["unsent"] == 400, report
    assert report["reconnect"]["sessions"] >= 300, report


def test_reconnect_table():
    with Server() as server:  # logging every connection, as by default
        result = run_bench("--port", str(server.port), "--reconnect", "-c", "3", "-n", "4")
    assert result.returncode == 0, result.stderr.decode()
    table = result.stdout.decode()
    assert "connections      3 at a time, reconnecting; 12 greeted (raw framing, 1 thread)" in table, table
    assert "load             closed loop, 3 names per session\n" in table, table
    assert re.search(r"sessions         12 in \d+\.\d{3}s\n", table), table
    assert re.search(r"connect          mean [\d.]+(?:us|ms|s)  p50 [\d.]+(?:us|ms|s)", table), table
    assert re.search(r"session          mean [\d.]+(?:us|ms|s)  p50 [\d.]+(?:us|ms|s)", table), table
    assert "errors           0 (" in table, table


def test_reconnect_checks_every_byte():
    # A wrong reply mid-session, a reply cut short by a close, and bytes
    # after exit where only the end of stream may come: each is counted by
    # kind and ends its connection; what was right before it still counts.
    for good, then, kind, sample in (
            (1, "wrong", "mismatch", r'session 1: expected "Hello, Tracy!", got "Hello, Tracy\?"'),
            (2, "close", "closed", "session 1: the server closed the connection"),
            (3, "bye", "mismatch", r'session 1: expected the end of stream, got "Bye!"')):
        with ScriptedServer(good=good, then=then) as server:
            result = run_bench("--port", str(server.port), "--json", "--reconnect", "-c", "3",
                               "-n", "5")
        assert result.returncode == 1, (then, result)
        report = json.loads(result.stdout)
        assert report["errors"][kind] == 3 and report["errors"]["total"] == 3, (then, report)
        assert report["reconnect"]["sessions"] == 0, (then, report)
        assert report["replies"] == 3 * good, (then, report)
        assert re.search(sample, result.stderr.decode()), (then, result.stderr)


def test_reconnect_against_the_comparison_servers():
    # bench/compare's churn rows: every baseline closes cleanly after exit.
    for name in ("epoll_server", "threaded_server", "naive_asio_server", "minimal_asio_server"):
        with ComparisonServer(name) as server:
            assert_sessions(bench_json(server, "--reconnect", "-c", "5", "-n", "10"), 50)


def test_latency_out_is_hdrhistogram_text():
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "latency.txt")
        with Server("--quiet") as server:
            report = bench_json(server, "-c", "4", "-n", "500", "--latency-out", path)
        with open(path) as text:
            lines = text.read().splitlines()
    assert lines[0].split() == ["Value", "Percentile", "TotalCount", "1/(1-Percentile)"], lines[0]
    rows = [line.split() for line in lines[2:] if not line.startswith("#")]
    assert rows[0][1] == "0.000000000000" and rows[-1][1] == "1.000000000000", rows
    assert int(rows[-1][2]) == report["latency_us"]["count"] == 2000
    # The last row is the top of the maximum's counter: within 1% of it.
    assert report["latency_us"]["max"] <= float(rows[-1][0]) <= report["latency_us"]["max"] * 1.01
    assert lines[-1].startswith("#[Buckets =") and "Total count    =         2000]" in lines[-2]


def test_latency_out_unwritable():
    result = run_bench("-n", "1", "--latency-out", "/nonexistent/dir/h.txt")
    assert result.returncode == 1, result
    assert result.stderr.decode().startswith("hello_bench: cannot write /nonexistent/dir/h.txt"), result.stderr


def test_bad_combinations_are_usage_errors():
    for args, says in ((["--rate", "100", "-n", "5"], "--rate and -n exclude each other"),
                       (["-P", "4"], "raw replies have no delimiter"),
                       (["-P", "4", "--framing", "raw"], "raw replies have no delimiter"),
                       (["--rate", "0"], "--rate 0 would send nothing"),
                       (["--names", "2"], "--names needs --reconnect"),
                       (["--reconnect", "--proxy-v1"], "reconnecting sessions send no PROXY header")):
        result = run_bench(*args)
        assert result.returncode == 2, (args, result)
        assert says in result.stderr.decode(), (args, result.stderr)


def test_progress_line_on_a_terminal():
    # stderr on a pseudo-terminal: a line every second with the achieved and
    # the asked rate and the recent p99, erased at the end.
    with Server("--quiet") as server:
        leader, follower = pty.openpty()
        try:
            process = subprocess.Popen(
                [BENCH, "--port", str(server.port), "-c", "2", "-d", "2500ms", "--rate", "500"],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower)
            os.close(follower)
            out, _ = process.communicate(timeout=30)
            shown = b""
            while True:
                try:
                    chunk = os.read(leader, 4096)
                except OSError:
                    break  # EIO: the terminal's other end is closed
                if not chunk:
                    break
                shown += chunk
        finally:
            os.close(leader)
    assert process.returncode == 0, shown
    assert b"replies" in out
    progress = shown.decode()
    line = r"\r\x1b\[K(\d+\.\d)s  \d+ replies  (\d+)/s \(asked 500/s\)  p99 [\d.]+(?:us|ms|s)  0 errors"
    shown_lines = re.findall(line, progress)
    assert shown_lines, progress
    # Each line is the second that has just ended: the first already a whole one, its rate measured.
    first_elapsed, first_rate = shown_lines[0]
    assert float(first_elapsed) >= 0.9 and int(first_rate) > 0, progress
    assert progress.endswith("\r\x1b[K"), progress
