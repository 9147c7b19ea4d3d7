"""Hostile clients: each attack is followed by a well-behaved client that must
still get its whole transcript, and the server must still exit cleanly."""

import os
import resource
import signal
import socket
import threading
import time

import pytest

from harness import CLOSED_END, assert_transcript, expect, recv_until_closed


def reset(sock):
    """Close with RST instead of FIN, as a crashed client would."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    sock.close()


def test_message_far_over_the_limit(start_server):
    server = start_server("--max-message", "1000")
    with server.connect() as sock:  # raw: no newline at all
        expect(sock, b"Welcome!")
        try:
            sock.sendall(b"A" * 1_000_000)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may hang up before we are done sending
        got = recv_until_closed(sock)
        assert got.endswith(b"\nerror: message too long\n"), got[-80:]
    with server.connect() as sock:  # lines: a line that never ends
        sock.sendall(b"Bob\n" + b"B" * 5000)
        got = recv_until_closed(sock)
        assert got == b"Welcome!\nHello, Bob!\nerror: message too long\n", got[-80:]
    with server.connect() as sock:  # exactly the limit is fine
        sock.sendall(b"C" * 1000 + b"\r\n")
        sock.shutdown(socket.SHUT_WR)
        assert recv_until_closed(sock) == b"Welcome!\nHello, " + b"C" * 1000 + b"!\n"
    server.wait_for_log(r"closed \(message too long\)" + CLOSED_END, count=2)
    assert_transcript(server)


def test_pipelined_lines_never_read(start_server):
    # 100,000 lines and no reads: the server must stop reading while its
    # replies are unsent, keep its memory bounded, serve others meanwhile and
    # close the hog after an idle timeout without write progress.
    server = start_server("--idle-timeout", "2s")
    rss_before = server.rss_kib()
    hog = server.connect(timeout=30, receive_buffer=4096)
    payload = b"".join(b"line%06d\n" % i for i in range(100_000))
    sender = threading.Thread(target=_send_quietly, args=(hog, payload))
    sender.start()
    time.sleep(1)
    assert_transcript(server)  # served while the hog is stuck
    rss_during = server.rss_kib()
    server.wait_for_log(r"closed \(idle timeout\)" + CLOSED_END, timeout=20)
    sender.join(timeout=30)
    hog.close()
    if not os.environ.get("HELLO_SANITIZED"):
        assert rss_during - rss_before < 8 * 1024, f"RSS grew {rss_during - rss_before} KiB"
    assert_transcript(server)


def test_silent_client_is_closed(start_server):
    server = start_server("--idle-timeout", "300ms")
    with server.connect() as sock:
        expect(sock, b"Welcome!")
        assert recv_until_closed(sock) == b""  # closed by the server, not us
    server.wait_for_log(r"closed \(idle timeout\)" + CLOSED_END)
    # A client that keeps talking is not idle, however long it stays.
    with server.connect() as sock:
        expect(sock, b"Welcome!")
        for index in range(6):
            time.sleep(0.1)
            sock.sendall(b"n%d" % index)
            expect(sock, b"Hello, n%d!" % index)
    assert_transcript(server)


def test_more_clients_than_max_connections(start_server):
    server = start_server("--max-connections", "5")
    connected = [server.connect() for _ in range(5)]
    for sock in connected:
        expect(sock, b"Welcome!")
    with server.connect() as extra:
        assert recv_until_closed(extra) == b"error: server busy, try again later\n"
    server.wait_for_log(r"5 clients connected \(--max-connections\); turning new ones away\.$")
    for index, sock in enumerate(connected):  # the connected ones go on
        sock.sendall(b"c%d" % index)
        expect(sock, b"Hello, c%d!" % index)
    connected.pop().close()
    server.wait_for_log(r"Connection from .* closed" + CLOSED_END)
    assert_transcript(server)  # a freed place is taken again
    for sock in connected:
        sock.close()


def test_client_resets_mid_reply(server):
    for _ in range(5):
        sock = server.connect(receive_buffer=4096)
        sock.sendall(b"".join(b"name%04d\n" % i for i in range(3000)))
        time.sleep(0.05)  # the server is now writing replies nobody reads
        reset(sock)
    server.wait_for_log(r"Connection from .* closed", count=5)
    assert_transcript(server)


@pytest.mark.parametrize("message", [b"\x00\x00", b"a\rb", b"\xc3\x28\xff"],
                         ids=["NUL bytes", "a lone CR", "invalid UTF-8"])
def test_odd_bytes_raw(server, message):
    with server.connect() as sock:
        expect(sock, b"Welcome!")
        sock.sendall(message)
        expect(sock, b"Hello, " + message + b"!")
    assert_transcript(server)


def test_odd_bytes(server):
    with server.connect() as sock:  # NUL bytes, a lone CR, invalid UTF-8 and an empty line, as lines
        sock.sendall(b"\x00\n\r\n\xc3\x28\nx\ry\n")
        sock.shutdown(socket.SHUT_WR)
        got = recv_until_closed(sock)
        assert got == b"Welcome!\nHello, \x00!\nHello, !\nHello, \xc3\x28!\nHello, x\ry!\n", got
    assert_transcript(server)


def test_out_of_descriptors(start_server):
    # A server limited to 64 descriptors, flooded with 150 connections: it
    # must log the failure once, back off instead of spinning, and recover.
    def low_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))

    server = start_server("--quiet", preexec_fn=low_limit)
    flood = []
    for _ in range(150):
        try:
            flood.append(server.connect(timeout=5))
        except OSError:
            break
    server.wait_for_log(r"Cannot accept connections: Too many open files", timeout=10)
    time.sleep(0.5)
    for sock in flood:
        sock.close()
    server.wait_for_log(r"Accepting connections again\.$", timeout=20)
    assert_transcript(server)
    assert server.log_text().count("Cannot accept connections") <= 3, server.log_text()


def awaiting_a_delayed_reply(server):
    """A client whose reply the server is holding back (run it with --delay)."""
    sock = server.connect()
    expect(sock, b"Welcome!")
    sock.sendall(b"Michael")
    time.sleep(0.2)
    return sock


def test_shutdown_waits_only_so_long(start_server):
    # A reply due in 30 s is more than --shutdown-timeout allows: the server
    # closes the connection after 500 ms and exits cleanly.
    server = start_server("--delay", "30s", "--shutdown-timeout", "500ms")
    with awaiting_a_delayed_reply(server) as waiting:
        start = time.monotonic()
        assert server.stop(signal.SIGTERM) == 0
        assert time.monotonic() - start < 10
        assert recv_until_closed(waiting) == b""
    server.wait_for_log(r"1 connection\(s\) still open after 500ms; closing them\.$")


def test_second_signal_exits_at_once(start_server):
    server = start_server("--delay", "30s", "--shutdown-timeout", "60s")
    with awaiting_a_delayed_reply(server):
        server.process.send_signal(signal.SIGTERM)
        server.wait_for_log(r"shutting down")
        server.process.send_signal(signal.SIGINT)
        server.expected_exit = 1
        assert server.process.wait(timeout=10) == 1
    server.wait_for_log(r"Received a second signal, exiting now\.$")


def _send_quietly(sock, data):
    try:
        sock.sendall(data)
    except OSError:
        pass


def test_raw_messages_are_whole_or_refused(start_server):
    # With a limit far above what one read carries, a raw message is answered
    # as one up to raw_message_limit (32 KiB), and a longer one is refused:
    # never answered in pieces.
    server = start_server("--max-message", "1048576")
    for size in (32_768, 65_536, 100_000):
        with server.connect() as sock:
            # Room for the whole message in our kernel, so that it leaves in
            # one piece however busy the machine is: what raw framing assumes.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
            expect(sock, b"Welcome!")
            sock.sendall(b"r" * size)
            received = recv_until_closed(sock) if size > 32_768 else None
            if received is None:
                expect(sock, b"Hello, " + b"r" * size + b"!")
            else:
                assert received == b"\nerror: message too long\n", (size, received[:40])
    with server.connect() as sock:  # a line may still be as long as the limit
        sock.sendall(b"x\n" + b"l" * 500_000 + b"\n")
        sock.shutdown(socket.SHUT_WR)
        assert recv_until_closed(sock) == b"Welcome!\nHello, x!\nHello, " + b"l" * 500_000 + b"!\n"
