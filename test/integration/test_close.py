"""Every way a session ends lets the client receive every byte the server
wrote before it: the close lingers (server/linger.hpp) instead of letting the
kernel reset the connection over input the server left unread.

Each test makes the server end a conversation while the client's input is
still arriving or waiting unread, then reads until the end of the stream and
checks two things against the server's own close line: the client got
exactly the `bytes out` the server counted, and the stream ended cleanly (no
reset)."""

import os
import re
import signal
import socket
import threading
import time

from harness import assert_transcript, expect

NAMES = b"".join(b"name%04d\n" % index for index in range(3000))
REPLIES = b"Welcome!\n" + b"".join(b"Hello, name%04d!\n" % index for index in range(3000))
# What four times NAMES is owed.
REPLIES_4 = REPLIES + REPLIES[len(b"Welcome!\n"):] * 3


def read_to_end(sock, limit=1 << 26):
    """(everything received, whether the stream ended in a reset)."""
    received = bytearray()
    try:
        while len(received) < limit:
            chunk = sock.recv(65536)
            if not chunk:
                return bytes(received), False
            received += chunk
    except ConnectionResetError:
        return bytes(received), True
    raise AssertionError("the server never closed")


def close_line(server, sock, reason_words):
    """The bytes the server wrote to this client (a socket, or its local
    port), from its close line."""
    port = sock if isinstance(sock, int) else sock.getsockname()[1]
    line = server.wait_for_log(rf"Connection from 127\.0\.0\.1:{port} closed{re.escape(reason_words)} after")
    return int(re.search(r"(\d+) bytes out\.$", line).group(1))


def send_in_background(sock, data):
    def send():
        try:
            sock.sendall(data)
        except OSError:
            pass  # the server may be gone before all of it is sent

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    return sender


def test_exit_then_more_input(server):
    # `cat names.txt | nc`, where the file goes on after "exit": every reply
    # before the exit arrives, then a clean end of stream.
    for _ in range(3):
        with server.connect() as sock:
            sock.sendall(NAMES + b"exit\n" + b"after exit\n" * 2000)
            received, was_reset = read_to_end(sock)
            assert not was_reset, f"reset after {len(received)} of {len(REPLIES)} bytes"
            assert received == REPLIES
            assert close_line(server, sock, "") == len(REPLIES)
    assert_transcript(server)


def test_end_of_stream_with_replies_unread(server):
    # The client says all it has to say and closes its side, then reads.
    with server.connect(receive_buffer=4096) as sock:
        sock.sendall(NAMES)
        sock.shutdown(socket.SHUT_WR)
        time.sleep(0.5)  # the replies back up in the kernel meanwhile
        received, was_reset = read_to_end(sock)
        assert not was_reset
        assert received == REPLIES
        assert close_line(server, sock, "") == len(REPLIES)


def test_message_too_long_while_still_sending(start_server):
    server = start_server("--max-message", "100")
    with server.connect() as sock:
        sock.sendall(NAMES[:9000])
        sender = send_in_background(sock, b"x" * 200_000)  # a line that never ends
        received, was_reset = read_to_end(sock)
        sender.join(timeout=10)
        assert not was_reset
        assert received.endswith(b"error: message too long\n"), received[-60:]
        assert len(received) == close_line(server, sock, " (message too long)")


def test_busy_refusal_of_a_client_that_spoke_first(start_server):
    # Past --max-connections, a client that sends at once still reads the
    # refusal, and the end of stream after it, without a reset.
    server = start_server("--max-connections", "1")
    with server.connect() as holder:
        expect(holder, b"Welcome!")
        for _ in range(50):
            with server.connect() as refused:
                refused.sendall(b"Michael\n" * 500)
                received, was_reset = read_to_end(refused)
                assert (received, was_reset) == (b"error: server busy, try again later\n", False)


def test_idle_close_of_a_client_with_input_pending(start_server):
    # A client that sends a lot and reads nothing is closed as idle; when it
    # does read at last, it gets every byte the server wrote to it, then the
    # end of the stream: not a reset that destroys what the kernel held.
    server = start_server("--idle-timeout", "1s")
    with server.connect(receive_buffer=4096) as sock:
        sender = send_in_background(sock, NAMES * 4)
        written = close_line(server, sock, " (idle timeout)")
        received, was_reset = read_to_end(sock)
        sender.join(timeout=10)
        assert not was_reset, f"reset after {len(received)} of {written} bytes"
        assert len(received) == written and written > 0
        assert REPLIES_4.startswith(received)
    assert_transcript(server)


def test_shutdown_with_input_pending(start_server):
    # SIGTERM while a client's replies wait in the kernel and more of its
    # lines wait unread: the server finishes the replies it is writing, and
    # the client receives all of them.
    server = start_server()
    sock = server.connect(receive_buffer=4096)
    port = sock.getsockname()[1]
    sender = send_in_background(sock, NAMES * 4)
    time.sleep(0.5)  # the server now waits for the client to take its replies
    server.process.send_signal(signal.SIGTERM)
    server.wait_for_log(r"shutting down")
    received, was_reset = read_to_end(sock)
    sender.join(timeout=10)
    sock.close()
    written = close_line(server, port, " (server shutting down)")
    assert server.process.wait(timeout=15) == 0
    assert not was_reset, f"reset after {len(received)} of {written} bytes"
    assert len(received) == written and written > 0
    assert REPLIES_4.startswith(received)


def test_lingering_is_bounded(start_server):
    # A client that says "exit" and then keeps sending without end cannot
    # hold its connection: the server gives up within a few seconds, and a
    # silent one is closed after the quiet period.
    server = start_server()
    with server.connect() as sock:
        sock.sendall(b"Michael\nexit\n" + b"more\n" * 20_000)  # more than one read takes
        expect(sock, b"Welcome!\nHello, Michael!\n")
        start = time.monotonic()
        stop_dripping = threading.Event()

        def drip():
            while not stop_dripping.wait(0.2):
                try:
                    sock.sendall(b"drip\n")
                except OSError:
                    return

        dripper = threading.Thread(target=drip, daemon=True)
        dripper.start()
        close_line(server, sock, "")
        stop_dripping.set()
        dripper.join(timeout=5)
        assert 3 < time.monotonic() - start < 10
    with server.connect() as sock:  # says "exit", then floods: the byte limit ends it first
        sock.sendall(b"exit\n")
        start = time.monotonic()
        stop_flooding = threading.Event()

        def flood():
            while not stop_flooding.is_set() and time.monotonic() - start < 10:
                try:
                    sock.sendall(b"flood\n" * 10_000)
                except OSError:
                    return

        flooder = threading.Thread(target=flood, daemon=True)
        flooder.start()
        close_line(server, sock, "")
        assert time.monotonic() - start < 3
        stop_flooding.set()
        flooder.join(timeout=10)
    with server.connect() as sock:  # says "exit" and more, then nothing, and never closes
        sock.sendall(b"exit\n" + b"more\n" * 20_000)  # more than one read takes
        start = time.monotonic()
        close_line(server, sock, "")
        assert 0.5 < time.monotonic() - start < 5
        assert read_to_end(sock) == (b"Welcome!", False)
    assert_transcript(server)


def test_many_clients_exit_then_more_input(start_server):
    # Hundreds of pipelining clients at once, each going on after its "exit":
    # every one receives all its replies and a clean end of stream.
    server = start_server()
    names = b"".join(b"n%03d\n" % index for index in range(200))
    replies = b"Welcome!\n" + b"".join(b"Hello, n%03d!\n" % index for index in range(200))
    clients = [server.connect(timeout=30) for _ in range(300)]
    outcomes = [None] * len(clients)

    def converse(index):
        sock = clients[index]
        try:
            sock.sendall(names + b"exit\n" + b"after\n" * 3000)
        except OSError:
            pass  # the server may have closed its side: the replies still come
        outcomes[index] = read_to_end(sock)
        sock.close()

    threads = [threading.Thread(target=converse, args=(index,)) for index in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count((replies, False)) == len(clients), [
        (len(outcome[0]), outcome[1]) for outcome in outcomes if outcome != (replies, False)][:5]
    assert_transcript(server)


def open_descriptors(server):
    return len(os.listdir(f"/proc/{server.process.pid}/fd"))


def test_refusals_that_linger_are_bounded(start_server):
    # A flood of clients past --max-connections, each sending at once and
    # never closing: the refusals that linger are capped, so descriptors stay
    # bounded, and a place that frees up is served.
    server = start_server("--max-connections", "2")
    holders = [server.connect() for _ in range(2)]
    for holder in holders:
        expect(holder, b"Welcome!")
    baseline = open_descriptors(server)
    flood = []
    for _ in range(500):
        sock = server.connect()
        try:
            sock.sendall(b"let me in\n" * 100)
        except OSError:
            pass
        flood.append(sock)
    peak = open_descriptors(server)
    assert peak - baseline <= 64 + 16, (baseline, peak)
    for sock in flood[:20]:  # the refusal arrived whole, however it was closed
        sock.settimeout(10)
        received, _ = read_to_end(sock)
        assert received == b"error: server busy, try again later\n", received
    for sock in flood:
        sock.close()
    holders.pop().close()
    server.wait_for_log(r"Connection from .* closed after")
    assert_transcript(server)
    for holder in holders:
        holder.close()
