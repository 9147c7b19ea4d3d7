"""Slow readers, on both sides of the boundary the kernel sets, on loopback
and on a veth pair with a 1,500-byte MTU between two network namespaces the
test creates (skipped where it may not: not root, or `ip netns add` fails).

All the server can see of a client reading slowly is its receive window: it
stays shut until the client has read most of its receive buffer, then
reopens (docs/HARDENING.md, slow readers). These clients ask for a 4 KiB
SO_RCVBUF (the kernel makes it 8 KiB); measured, their window reopens each
time they have read 6,144 bytes on loopback and 5,792 on the veth pair, so
with --idle-timeout 2s the boundary is about 3 KB/s.
"""

import ctypes
import itertools
import os
import re
import socket
import subprocess
import threading
import time

import pytest

from harness import CLOSED_END, TRANSCRIPT, Skip

IDLE_TIMEOUT = 2.0
RECEIVE_BUFFER = 4096
NAMES = b"".join(b"reader-%05d\n" % index for index in range(2_500))
REPLIES = b"Welcome!\n" + b"".join(b"Hello, reader-%05d!\n" % index for index in range(2_500))
# 1,024 bytes every 0.2 s: a window every 1.2 s, well inside the 2 s timeout,
# while taking the whole 52,509 bytes takes five timeouts.
ABOVE = (1024, 0.2)
# 128 bytes a second: a window every 45 s or so (the first after 11 s at the
# soonest), twenty times too slow.
BELOW = (128, 1.0)

_libc = ctypes.CDLL("libc.so.6", use_errno=True)
_CLONE_NEWNET = 0x40000000
_unique = itertools.count()


def _enter_netns(name):
    fd = os.open(f"/var/run/netns/{name}", os.O_RDONLY)
    try:
        if _libc.setns(fd, _CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {name}")
    finally:
        os.close(fd)


class Loopback:
    name = "loopback"
    host = "127.0.0.1"

    def start(self, start_server, *args):
        return start_server(*args)

    def connect(self, server):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        sock.settimeout(30)
        sock.connect((self.host, server.port))
        return sock


class Veth(Loopback):
    """The server in one namespace, its clients in another, a veth pair between."""

    name = "veth"
    host = "10.213.0.1"

    def __init__(self):
        tag = f"{os.getpid() % 100000}x{next(_unique)}"
        self.server_ns, self.client_ns = f"hello-slow-{tag}-s", f"hello-slow-{tag}-c"
        self.namespaces = []
        try:
            for ns in (self.server_ns, self.client_ns):
                subprocess.run(["ip", "netns", "add", ns], check=True, capture_output=True, timeout=10)
                self.namespaces.append(ns)
            ends = (f"hs{tag}s", f"hs{tag}c")
            self._ip("link", "add", ends[0], "netns", self.server_ns, "type", "veth",
                     "peer", "name", ends[1], "netns", self.client_ns)
            for ns, end, address in ((self.server_ns, ends[0], self.host + "/24"),
                                     (self.client_ns, ends[1], "10.213.0.2/24")):
                self._ip("-n", ns, "link", "set", end, "mtu", "1500", "up")
                self._ip("-n", ns, "link", "set", "lo", "up")
                self._ip("-n", ns, "addr", "add", address, "dev", end)
        except (OSError, subprocess.SubprocessError) as failure:
            self.remove()
            raise Skip(f"cannot make a veth pair between network namespaces here: {failure}")

    @staticmethod
    def _ip(*args):
        subprocess.run(["ip", *args], check=True, capture_output=True, timeout=10)

    def remove(self):
        for ns in reversed(self.namespaces):  # the veth pair goes with them
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=10)
        self.namespaces = []

    def start(self, start_server, *args):
        return start_server(*args, host=self.host, preexec_fn=lambda: _enter_netns(self.server_ns))

    def connect(self, server):
        made = {}

        def in_client_namespace():  # setns moves this thread only
            try:
                _enter_netns(self.client_ns)
                made["sock"] = Loopback.connect(self, server)
            except OSError as failure:
                made["failure"] = failure

        thread = threading.Thread(target=in_client_namespace)
        thread.start()
        thread.join()
        if "failure" in made:
            raise made["failure"]
        return made["sock"]


@pytest.fixture(params=["loopback", "veth"])
def link(request):
    if request.param == "loopback":
        yield Loopback()
        return
    if os.geteuid() != 0:
        pytest.skip("network namespaces need root")
    veth = Veth()
    try:
        yield veth
    finally:
        veth.remove()


def _send_quietly(sock, data):
    try:
        sock.sendall(data)
    except OSError:
        pass


def _read_slowly(sock, chunk, period, stop_after=None, give_up=30.0):
    """Pipelines NAMES on `sock` and takes `chunk` bytes of replies every
    `period` s: all of them, or `stop_after` bytes, or until the server closes
    the connection or `give_up` s pass. Returns what came."""
    sender = threading.Thread(target=_send_quietly, args=(sock, NAMES))
    sender.start()
    got = bytearray()
    total = stop_after or len(REPLIES)
    deadline = time.monotonic() + give_up
    try:
        while len(got) < total and time.monotonic() < deadline:
            time.sleep(period)
            wanted = min(len(got) + chunk, total)
            while len(got) < wanted:
                piece = sock.recv(wanted - len(got))
                if not piece:
                    return bytes(got)
                got += piece
    except ConnectionResetError:
        pass  # closed with our names still unread: the kernel resets
    finally:
        sender.join(timeout=30)
    return bytes(got)


def _idle_closes(server):
    return len(re.findall(r"closed \(idle timeout\)", server.log_text()))


def _still_serves(link, server):
    with link.connect(server) as sock:
        sock.sendall(b"Michael\nTracy\nSarah\n")
        sock.shutdown(socket.SHUT_WR)
        got = b""
        while piece := sock.recv(4096):
            got += piece
    assert got.decode() == TRANSCRIPT


def test_slow_reader_receives_every_reply(start_server, link):
    server = link.start(start_server, "--idle-timeout", "2s")
    with link.connect(server) as reader:
        got = _read_slowly(reader, *ABOVE)
    assert len(got) == len(REPLIES) == 52_509, len(got)
    assert got == REPLIES
    assert _idle_closes(server) == 0, server.log_text()
    _still_serves(link, server)


def test_reader_below_the_boundary_is_closed(start_server, link):
    server = link.start(start_server, "--idle-timeout", "2s")
    with link.connect(server) as reader:
        connected = time.monotonic()
        got = _read_slowly(reader, *BELOW, give_up=15)
        line = server.wait_for_log(r"closed \(idle timeout\)" + CLOSED_END, timeout=5)
        lived = time.monotonic() - connected
    assert got == REPLIES[: len(got)] and len(got) < len(REPLIES)
    # Its window shut at once and never reopened: closed one to two timeouts
    # after that (the slack is for a loaded machine's late sweep).
    after = re.search(r"after (\d+\.\d+)s", line)
    lived = float(after.group(1)) if after else lived
    assert IDLE_TIMEOUT - 0.1 <= lived <= 2 * IDLE_TIMEOUT + 1.5, lived
    _still_serves(link, server)


def test_reader_that_stops_is_closed(start_server, link):
    server = link.start(start_server, "--idle-timeout", "2s")
    with link.connect(server) as reader:
        got = _read_slowly(reader, *ABOVE, stop_after=15_000)
        stopped = time.monotonic()
        server.wait_for_log(r"closed \(idle timeout\)" + CLOSED_END, timeout=10)
        waited = time.monotonic() - stopped
    assert got == REPLIES[: len(got)] and len(got) >= 15_000
    # One to two timeouts after its window last reopened, which was at most
    # one window (1.2 s of reading) before it stopped.
    assert IDLE_TIMEOUT - 1.3 <= waited <= 2 * IDLE_TIMEOUT + 1.5, waited
    _still_serves(link, server)
