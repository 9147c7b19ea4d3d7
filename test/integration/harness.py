"""Starting the real programs on loopback for integration tests.

Every server listens on a port the OS picks (--port 0) and is stopped when
its `with` block ends; every wait has a time limit, so a broken program fails
its test instead of hanging it.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import pytest

BUILD_DIR = os.environ.get("HELLO_BUILD_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
SERVER = os.path.join(BUILD_DIR, "hello_server")
CLIENT = os.path.join(BUILD_DIR, "hello_client")

# A host name no resolver can look up without asking anyone: its first label is
# longer than DNS allows (63 bytes), so getaddrinfo() fails on this machine and
# no query leaves it (tests send traffic to loopback only).
UNRESOLVABLE = "x" * 64 + ".test"


# `raise Skip("what is missing (how to install it)")`: the same as pytest.skip().
Skip = pytest.skip.Exception


TRANSCRIPT = "Welcome!\nHello, Michael!\nHello, Tracy!\nHello, Sarah!\n"

# hello_server's text log lines start with a UTC timestamp (unless stderr is
# the journal): a pattern anchored at a line's start allows for it.
LINE_START = r"^(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z )?"
# A close line ends with the session's totals once the session supplies
# them (access_log.hpp): "... closed (idle timeout) after 5.002s: 3
# messages, 21 bytes in, 60 bytes out."
CLOSED_END = r"(?: after \d+\.\d{3}s: \d+ messages?, \d+ bytes in, \d+ bytes out)?\.$"


class Server:
    """hello_server on 127.0.0.1 (or `host`), port chosen by the OS."""

    def __init__(self, *args, host="127.0.0.1", program=SERVER, preexec_fn=None, pass_fds=()):
        self.command = [program, "--host", host, "--port", "0", *args]
        self.preexec_fn = preexec_fn
        self.pass_fds = pass_fds
        self.lines = []
        self._log_ended = False
        self._lines_changed = threading.Condition()
        self.process = None
        self.host = host
        self.port = None
        # Every test ends by stopping the server with SIGTERM and expecting a
        # clean exit: under the sanitizers that also means no leak, no error.
        self.expected_exit = 0

    def __enter__(self):
        self.process = subprocess.Popen(
            self.command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, preexec_fn=self.preexec_fn, pass_fds=self.pass_fds)
        threading.Thread(target=self._read_log, daemon=True).start()
        # A text line ends with the address; a JSON one (--log-format json) with "}.
        line = self.wait_for_log(r"Listening on \S*:\d+(?:$|\"\})", timeout=10)
        self.port = int(re.search(r"Listening on \S*:(\d+)", line).group(1))
        return self

    def __exit__(self, exc_type, *exc):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
                raise AssertionError("the server did not stop within 15s of SIGTERM")
        status = self.process.returncode
        if exc_type is None and status != self.expected_exit:
            time.sleep(0.2)  # let the log reader catch the last lines
            raise AssertionError(f"the server exited with status {status}, not {self.expected_exit}; "
                                 "log:\n" + "\n".join(self.lines[-30:]))

    def _read_log(self):
        for raw in self.process.stderr:
            with self._lines_changed:
                self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self._lines_changed.notify_all()
        with self._lines_changed:
            self._log_ended = True  # the server exited and every line is in
            self._lines_changed.notify_all()

    def wait_for_log(self, pattern, timeout=10, count=1):
        """The `count`-th log line matching `pattern`; fails after `timeout` s."""
        deadline = time.monotonic() + timeout
        with self._lines_changed:
            while True:
                matches = [l for l in self.lines if re.search(pattern, l)]
                if len(matches) >= count:
                    return matches[count - 1]
                left = deadline - time.monotonic()
                if left <= 0 or self._log_ended:
                    raise AssertionError(
                        f"no log line matching {pattern!r} (x{count}) within {timeout}s; log:\n"
                        + "\n".join(self.lines[-30:]))
                self._lines_changed.wait(min(left, 0.1))

    def log_text(self):
        with self._lines_changed:
            return "\n".join(self.lines)

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Sends `sig` and returns the exit status."""
        self.process.send_signal(sig)
        return self.process.wait(timeout=timeout)

    def connect(self, timeout=10, receive_buffer=None):
        return connect(self.port, self.host, timeout, receive_buffer)

    def rss_kib(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise AssertionError("no VmRSS")


def connect(port, host="127.0.0.1", timeout=10, receive_buffer=None):
    """A client socket; a small `receive_buffer` makes a client that does not
    read fill up quickly (set before connecting, so the window is small too)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    if receive_buffer:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.settimeout(timeout)
    sock.connect((host, port))
    return sock


def recv_exactly(sock, size):
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise AssertionError(f"connection closed after {data!r}, wanted {size} bytes")
        data += chunk
    return data


def recv_until_closed(sock, limit=1 << 24):
    data = b""
    while len(data) < limit:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    raise AssertionError("peer never closed")


def expect(sock, wanted):
    got = recv_exactly(sock, len(wanted))
    assert got == wanted, f"expected {wanted!r}, got {got!r}"


def run_client(port, *args, host="127.0.0.1", stdin_text=None, timeout=20):
    return subprocess.run(
        [CLIENT, "--host", host, "--port", str(port), *args],
        input=None if stdin_text is None else stdin_text.encode(),
        stdin=subprocess.DEVNULL if stdin_text is None else None,
        capture_output=True, timeout=timeout)


def assert_transcript(server):
    """A well-behaved client still gets its whole conversation."""
    result = run_client(server.port, "Michael", "Tracy", "Sarah")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == TRANSCRIPT, result.stdout


# Runs argv[2:] as its child and writes "STATUS PEAK_KIB" to the file argv[1].
_MEASURE = ("import resource, subprocess, sys; status = subprocess.call(sys.argv[2:]); "
            "open(sys.argv[1], 'w').write(f'{status} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}')")


def run_with_peak_rss(command, timeout=60, **run_args):
    """(subprocess.CompletedProcess, peak RSS in KiB) of one run of `command`,
    output captured. The program is started by a small Python process of its
    own: a child's peak RSS includes the memory of the process that started
    it, which for the test run itself grows with every test."""
    with tempfile.NamedTemporaryFile("r") as measured:
        result = subprocess.run([sys.executable, "-c", _MEASURE, measured.name, *command],
                                stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, **run_args)
        status, peak_kib = (int(field) for field in measured.read().split())
    return subprocess.CompletedProcess(command, status, result.stdout, result.stderr), peak_kib
