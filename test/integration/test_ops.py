"""Operating hello_server: /metrics, systemd readiness, log
formats and signals, seen from outside as an operator or a tool sees them.
"""

import calendar
import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request

from harness import SERVER, Server, Skip, assert_transcript, connect, expect, recv_until_closed


def metrics_address(server):
    """(host, port) of the server's /metrics, from its log."""
    line = server.wait_for_log(r"Serving metrics at http://(.*)/metrics$")
    url = urllib.parse.urlsplit(re.search(r"(http://\S+)$", line).group(1))
    return url.hostname, url.port


def http_request(address, method="GET", path="/metrics"):
    """(status, headers, body) of one request over a connection of its own."""
    connection = http.client.HTTPConnection(*address, timeout=10)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


def scrape(server):
    status, headers, body = http_request(metrics_address(server))
    assert status == 200, (status, body)
    assert headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8", headers
    return body


def sample(text, name):
    """The value of the sample `name` (with its labels, if any) in a scrape."""
    match = re.search(r"^" + re.escape(name) + r" (\S+)$", text, re.M)
    assert match, f"no sample {name} in:\n{text}"
    return float(match.group(1))


def test_metrics_endpoint():
    """GET /metrics answers the exposition format; the gauge follows the
    clients; other paths and methods get 404 and 405."""
    with Server("--metrics", "127.0.0.1:0") as server:
        text = scrape(server)
        assert sample(text, "hello_connections") == 0
        assert sample(text, 'hello_connections_rejected_total{reason="busy"}') == 0
        assert sample(text, 'hello_connections_closed_total{reason="idle"}') == 0
        assert sample(text, "process_open_fds") >= 4  # stdio, epoll, listeners
        assert sample(text, "process_resident_memory_bytes") > 0
        assert abs(sample(text, "process_start_time_seconds") - time.time()) < 60
        with connect(server.port) as first, connect(server.port) as second:
            expect(first, b"Welcome!")
            expect(second, b"Welcome!")
            assert sample(scrape(server), "hello_connections") == 2
        server.wait_for_log(r"Connection from .* closed", count=2)
        assert sample(scrape(server), "hello_connections") == 0

        address = metrics_address(server)
        status, _, body = http_request(address, path="/")
        assert status == 404 and "/metrics" in body, (status, body)
        status, headers, _ = http_request(address, method="POST")
        assert status == 405 and headers["Allow"] == "GET", (status, headers)


def test_metrics_hostile_requests():
    """A scraper that sends junk, too much, or nothing is answered or
    dropped in bounded time, and the clients are served all along."""
    with Server("--metrics", "127.0.0.1:0") as server:
        address = metrics_address(server)
        with socket.create_connection(address, timeout=10) as junk:
            junk.sendall(b"HELLO\r\n\r\n")
            assert recv_until_closed(junk).startswith(b"HTTP/1.1 400 Bad Request\r\n")
        with socket.create_connection(address, timeout=10) as flood:
            try:
                flood.sendall(b"GET /metrics HTTP/1.1\r\nX: " + b"a" * 20000)
            except (BrokenPipeError, ConnectionResetError):
                pass
            try:
                assert recv_until_closed(flood).startswith(b"HTTP/1.1 431 ")
            except ConnectionResetError:
                pass  # it hung up with our excess bytes unread: also a refusal
        silent = socket.create_connection(address, timeout=10)
        assert_transcript(server)  # while a scraper sits silent
        started = time.monotonic()
        assert recv_until_closed(silent) == b""  # dropped after the 5 s limit
        assert time.monotonic() - started < 8
        silent.close()
        assert sample(scrape(server), "hello_connections") == 0


def _scrapes_answered(address, count, interval):
    """How many of `count` scrapes, one every `interval` s, were answered
    with a 200 within 2 s each."""
    answered = 0
    for _ in range(count):
        started = time.monotonic()
        connection = http.client.HTTPConnection(*address, timeout=2)
        try:
            connection.request("GET", "/metrics")
            answered += connection.getresponse().status == 200
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(max(0.0, interval - (time.monotonic() - started)))
    return answered


def _open_descriptors(server):
    return len(os.listdir(f"/proc/{server.process.pid}/fd"))


def _allow_descriptors(count):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < count:
        if hard != resource.RLIM_INFINITY and hard < count:
            raise Skip(f"needs {count} open files; the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (count, hard))


def test_metrics_idle_connections_cannot_lock_scrapers_out():
    """1,000 connections to the metrics port that never send a request:
    every scrape is still answered, the server's descriptors stay bounded
    and the clients are served meanwhile."""
    _allow_descriptors(1200)
    with Server("--metrics", "127.0.0.1:0") as server:
        address = metrics_address(server)
        before = _open_descriptors(server)
        idle = [socket.create_connection(address, timeout=10) for _ in range(1000)]
        try:
            assert _scrapes_answered(address, 20, 0.25) == 20
            assert _open_descriptors(server) <= before + 64 + 2  # at most the endpoint's places
            assert_transcript(server)
        finally:
            for sock in idle:
                sock.close()


def test_metrics_slowloris_cannot_lock_scrapers_out():
    """16 connections that drip a request one byte a second, each reopened
    every 2 s: every scrape is still answered."""
    with Server("--metrics", "127.0.0.1:0") as server:
        address = metrics_address(server)
        stop = threading.Event()

        def drip():
            while not stop.is_set():
                with socket.create_connection(address, timeout=10) as sock:
                    for byte in b"GET /metrics HTTP/1.1\r\n"[:2]:
                        if stop.wait(1):
                            break
                        try:
                            sock.send(bytes([byte]))
                        except OSError:
                            break

        drippers = [threading.Thread(target=drip) for _ in range(16)]
        for dripper in drippers:
            dripper.start()
        try:
            time.sleep(0.5)
            assert _scrapes_answered(address, 20, 0.25) == 20
            assert_transcript(server)
        finally:
            stop.set()
            for dripper in drippers:
                dripper.join(timeout=10)


def test_metrics_do_not_count_as_clients():
    """With --max-connections 1 taken by a client, a scrape still succeeds
    and says so; the next client is turned away."""
    with Server("--metrics", "127.0.0.1:0", "--max-connections", "1") as server:
        with connect(server.port) as client:
            expect(client, b"Welcome!")
            text = scrape(server)
            assert sample(text, "hello_connections") == 1
            with connect(server.port) as turned_away:
                assert recv_until_closed(turned_away) == b"error: server busy, try again later\n"


def test_metrics_promtool():
    """One real scrape passes promtool's linter (Prometheus' own checker)."""
    promtool = shutil.which("promtool")
    if not promtool:
        raise Skip("promtool (Debian package prometheus) is not installed")
    with Server("--metrics", "127.0.0.1:0") as server:
        assert_transcript(server)
        text = scrape(server)
    result = subprocess.run([promtool, "check", "metrics"], input=text.encode(), capture_output=True, timeout=30)
    assert result.returncode == 0, (result.stdout + result.stderr).decode()


def test_metrics_bad_address():
    result = subprocess.run([SERVER, "--port", "0", "--metrics", "nowhere"], capture_output=True, timeout=10)
    assert result.returncode == 2, result
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([SERVER, "--port", "0", "--metrics", f"127.0.0.1:{port}"],
                                capture_output=True, timeout=10)
    assert result.returncode == 1, result
    assert result.stderr.decode().splitlines()[-1] == \
        f"hello_server: cannot serve metrics on 127.0.0.1:{port}: Address already in use", result.stderr


class NotifySocket:
    """A datagram socket standing in for systemd's: `path` for NOTIFY_SOCKET."""

    def __init__(self, abstract=False):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        if abstract:
            name = f"hello-test-notify-{os.getpid()}-{time.monotonic_ns()}"
            self.sock.bind("\0" + name)
            self.path = "@" + name
        else:
            self.directory = tempfile.TemporaryDirectory()
            self.path = os.path.join(self.directory.name, "notify")
            self.sock.bind(self.path)
        self.sock.settimeout(10)

    def receive(self):
        return self.sock.recv(4096).decode()

    def wait_for(self, prefix, timeout=10):
        """The next datagram holding a line that starts with `prefix`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                message = self.receive()
            except socket.timeout:
                break
            if any(line.startswith(prefix) for line in message.split("\n")):
                return message
        raise AssertionError(f"no {prefix!r} from the server within {timeout}s")

    def close(self):
        self.sock.close()


def with_environment(**variables):
    """Popen's preexec_fn that sets environment variables in the child only."""
    def set_them():
        for name, value in variables.items():
            os.environ[name] = value
    return set_them


def check_readiness(abstract):
    notify = NotifySocket(abstract=abstract)
    try:
        with Server(preexec_fn=with_environment(NOTIFY_SOCKET=notify.path)) as server:
            ready = notify.wait_for("READY=1")
            assert ready == ("READY=1\n"
                             "STATUS=0 connections open; 0 accepted, 0 turned away; 0 messages; 0 B in, 0 B out"), ready
            with connect(server.port) as client:
                expect(client, b"Welcome!")
                status = notify.wait_for("STATUS=1 connection open", timeout=8)  # every 5 s
                assert "\n" not in status, status
            assert server.stop() == 0
        assert notify.wait_for("STOPPING=1") == "STOPPING=1\nSTATUS=Shutting down"
    finally:
        notify.close()


def test_systemd_ready_path():
    """NOTIFY_SOCKET as a path: READY=1 once listening, STATUS= with the
    connection count every few seconds, STOPPING=1 when shutdown begins."""
    check_readiness(abstract=False)


def test_systemd_ready_abstract():
    """NOTIFY_SOCKET as an @name in the abstract namespace (systemd's own form)."""
    check_readiness(abstract=True)


def test_systemd_notify_socket_bad():
    """A NOTIFY_SOCKET that names no socket stops the start; none at all
    (not under systemd) sends nothing and changes nothing."""
    environment = dict(os.environ, NOTIFY_SOCKET="relative/path")
    result = subprocess.run([SERVER, "--port", "0"], capture_output=True, timeout=10, env=environment)
    assert result.returncode == 1, result
    assert result.stderr.decode() == \
        "hello_server: systemd notification: NOTIFY_SOCKET 'relative/path' is neither a path nor an @abstract name\n", \
        result.stderr


def test_sighup_is_logged_and_ignored():
    with Server() as server:
        server.process.send_signal(signal.SIGHUP)
        server.wait_for_log(r"Received SIGHUP; there is no configuration to reload, carrying on\.$")
        assert_transcript(server)
        server.process.send_signal(signal.SIGHUP)
        server.wait_for_log(r"Received SIGHUP", count=2)
        assert server.process.poll() is None


def test_sigusr1_logs_status():
    """SIGUSR1 logs one status line; the open connections are counted live."""
    with Server() as server:
        with connect(server.port) as client:
            expect(client, b"Welcome!")
            server.process.send_signal(signal.SIGUSR1)
            line = server.wait_for_log(r"Status: ")
            assert re.search(r"Status: 1 connection open; \d+ accepted, 0 turned away; \d+ messages?; "
                             r"\S+ \S*B in, \S+ \S*B out\.$", line), line
        assert_transcript(server)
        server.process.send_signal(signal.SIGUSR1)
        line = server.wait_for_log(r"Status: ", count=2)
        assert "Status: 0 connections open;" in line, line


# --- log formats -------------------------------------------------------------------

TIMESTAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"


def test_log_format_text_timestamps():
    """Text lines start with a UTC timestamp, close to now; under the journal
    (JOURNAL_STREAM set) they do not, since journald stamps its own."""
    with Server() as server:
        assert_transcript(server)
        server.wait_for_log(r"Connection from .* closed")
        lines = server.log_text().splitlines()
    assert lines and all(re.match(TIMESTAMP + " ", line) for line in lines), lines
    stamp = time.strptime(lines[0][:19], "%Y-%m-%dT%H:%M:%S")
    assert abs(calendar.timegm(stamp) - time.time()) < 60, lines[0]
    assert any(line.endswith(" Waiting for connection...") for line in lines), lines

    with Server(preexec_fn=with_environment(JOURNAL_STREAM="8:12345")) as server:
        assert_transcript(server)
        server.wait_for_log(r"Connection from .* closed")
        lines = server.log_text().splitlines()
    assert "Waiting for connection..." in lines, lines
    assert not any(re.match(TIMESTAMP, line) for line in lines), lines


def test_log_format_json():
    """--log-format json: every line one JSON object with ts, level, event
    and msg; the server's own events carry their fields."""
    with Server("--log-format", "json") as server:
        assert_transcript(server)
        server.wait_for_log(r"closed")
        server.process.send_signal(signal.SIGUSR1)
        server.wait_for_log(r'"event":"status"')
        server.process.send_signal(signal.SIGHUP)
        server.wait_for_log(r'"signal":"SIGHUP"')
        assert server.stop() == 0
        time.sleep(0.2)  # the last lines
        records = [json.loads(line) for line in server.log_text().splitlines()]
    for record in records:
        assert re.fullmatch(TIMESTAMP, record["ts"]), record
        assert record["level"] in ("info", "warning", "error"), record
        assert record["event"] and record["msg"], record
    by_event = {}
    for record in records:
        by_event.setdefault(record["event"], []).append(record)
    listening = by_event["listening"][0]
    assert listening["msg"] == f"Listening on 127.0.0.1:{server.port}", listening
    assert listening["address"] == f"127.0.0.1:{server.port}", listening
    status = by_event["status"][0]
    assert status["connections"] == 0 and status["msg"].startswith("Status: 0 connections open;"), status
    assert {"accepted", "rejected_busy", "messages", "bytes_in", "bytes_out"} <= status.keys(), status
    signals = [record["signal"] for record in by_event["signal"]]
    assert signals == ["SIGHUP", "SIGTERM"], signals
    # The session's lines are JSON too, with the client's words in "msg".
    assert any(re.fullmatch(r"Accept new connection from 127\.0\.0\.1:\d+\.\.\.", record["msg"])
               for record in records), records


def test_log_format_bad():
    result = subprocess.run([SERVER, "--log-format", "xml"], capture_output=True, timeout=10)
    assert result.returncode == 2, result
    assert result.stderr.decode().splitlines()[0] == "hello_server: invalid log format 'xml' (expected text or json)", \
        result.stderr


# --- Prometheus for real -----------------------------------------------------------

PROMETHEUS = "/usr/bin/prometheus"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Prometheus:
    """Debian's Prometheus scraping `target` every second, on loopback, with
    its storage in a temporary directory."""

    def __init__(self, target):
        self.directory = tempfile.TemporaryDirectory()
        config = os.path.join(self.directory.name, "prometheus.yml")
        with open(config, "w") as file:
            file.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                       "scrape_configs:\n  - job_name: hello_server\n"
                       f"    static_configs:\n      - targets: ['{target[0]}:{target[1]}']\n")
        self.port = free_port()
        self.log = open(os.path.join(self.directory.name, "log"), "w+b")
        self.command = [PROMETHEUS, f"--config.file={config}",
                        f"--storage.tsdb.path={os.path.join(self.directory.name, 'data')}",
                        f"--web.listen-address=127.0.0.1:{self.port}"]

    def __enter__(self):
        self.process = subprocess.Popen(self.command, stdin=subprocess.DEVNULL, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/ready", timeout=2) as ready:
                    if ready.status == 200:
                        return self
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"prometheus did not start: {self.output()}")
            time.sleep(0.2)

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()
        self.directory.cleanup()

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-3000:]

    def query(self, expression):
        """The value of an instant query with one result, or None when it has none."""
        url = f"http://127.0.0.1:{self.port}/api/v1/query?" + urllib.parse.urlencode({"query": expression})
        with urllib.request.urlopen(url, timeout=5) as response:
            answer = json.load(response)
        assert answer["status"] == "success", answer
        results = answer["data"]["result"]
        assert len(results) <= 1, results
        return float(results[0]["value"][1]) if results else None

    def wait_for(self, expression, wanted, timeout=20):
        deadline = time.monotonic() + timeout
        while True:
            value = self.query(expression)
            if value == wanted:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{expression} is {value}, not {wanted}, after {timeout}s")
            time.sleep(0.25)


def test_prometheus():
    """Prometheus scrapes a server that clients talk to: `up` is 1, the
    gauge saw the client that stayed, and hello_messages_total counts every
    message the clients sent."""
    if not os.path.exists(PROMETHEUS):
        raise Skip("prometheus is not installed (on Debian: apt-get install prometheus)")
    with Server("--metrics", "127.0.0.1:0") as server, Prometheus(metrics_address(server)) as prometheus:
        prometheus.wait_for('up{job="hello_server"}', 1)
        with connect(server.port) as lingering:  # stays for two scrapes or more
            expect(lingering, b"Welcome!")
            prometheus.wait_for("hello_connections", 1)
            for _ in range(3):
                assert_transcript(server)  # 3 messages each
            lingering.sendall(b"one\ntwo\n")
            expect(lingering, b"\nHello, one!\nHello, two!\n")
        prometheus.wait_for("hello_connections", 0)
        # Counted by the acceptor and the sessions in their WorkerCounters
        # (server/counters.hpp); Server::counters_snapshot() sums them.
        prometheus.wait_for("hello_messages_total", 3 * 3 + 2)
        prometheus.wait_for("hello_connections_accepted_total", 4)
        prometheus.wait_for('hello_connections_closed_total{reason="exit"}', 3)
        prometheus.wait_for('hello_connections_closed_total{reason="eof"}', 1)


def test_log_close_fields():
    """Every close line carries the session's duration, messages and bytes:
    as words in text, as fields in JSON."""
    with Server() as server:
        assert_transcript(server)
        line = server.wait_for_log(r"Connection from .* closed")
    # hello_client sends bare messages: "Michael", "Tracy", "Sarah", "exit" (21 bytes) in;
    # "Welcome!" and three bare replies (8 + 15 + 13 + 13 bytes) out.
    assert re.search(r"Connection from 127\.0\.0\.1:\d+ closed after \d+\.\d{3}s: 3 messages, 21 bytes in, "
                     r"49 bytes out\.$", line), line
    with Server("--log-format", "json") as server:
        with connect(server.port) as client:
            expect(client, b"Welcome!")
            client.sendall(b"Michael\n" + b"x" * 5000)  # then too long
            expect(client, b"\nHello, Michael!\n")
        line = server.wait_for_log(r'"event":"close"')
    record = json.loads(line)
    assert record["reason"] == "too_long" and record["messages"] == 1, record
    assert record["bytes_in"] >= 8 and record["bytes_out"] > len("Welcome!\nHello, Michael!\n"), record
    assert 0 <= record["duration_s"] < 10 and record["peer"].startswith("127.0.0.1:"), record
    assert record["msg"].startswith(f"Connection from {record['peer']} closed (message too long) after "), record
