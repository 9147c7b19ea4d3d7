"""hello_server and hello_client, end to end, over loopback."""

import signal
import socket
import subprocess
import threading
import time

import pytest

from harness import (CLOSED_END, LINE_START, SERVER, TRANSCRIPT, UNRESOLVABLE, Server, assert_transcript, expect,
                     recv_until_closed, run_client)


def converse_raw(server, names):
    """The tutorial's client: bare messages, one reply per recv."""
    with server.connect() as sock:
        expect(sock, b"Welcome!")
        for name in names:
            sock.sendall(name)
            expect(sock, b"Hello, " + name + b"!")
        sock.sendall(b"exit")
        assert recv_until_closed(sock) == b""


def send_lines(server, data):
    """A stream client: everything in one write, then half-close, read all."""
    with server.connect() as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        return recv_until_closed(sock)


def test_transcript(server):
    assert_transcript(server)
    server.wait_for_log(r"Accept new connection from 127\.0\.0\.1:\d+\.\.\.$")
    server.wait_for_log(r"Connection from 127\.0\.0\.1:\d+ closed" + CLOSED_END)


def test_stdin_names(server):
    result = run_client(server.port, stdin_text="Michael\n\nTracy\r\nSarah")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == TRANSCRIPT


def test_raw_framing_partial_reads(server):
    converse_raw(server, [b"Michael", b"Tracy", b"Sarah"])
    # A raw client that pauses mid-conversation is still answered per read.
    with server.connect() as sock:
        expect(sock, b"Welcome!")
        sock.sendall(b"Ann")
        expect(sock, b"Hello, Ann!")
        time.sleep(0.2)
        sock.sendall(b"Bo b")
        expect(sock, b"Hello, Bo b!")


def test_line_framing_one_write(server):
    got = send_lines(server, b"Michael\nTracy\r\nexit\nLost\n")
    assert got == b"Welcome!\nHello, Michael!\nHello, Tracy!\n", got


def test_crlf_and_exit_variants(server):
    got = send_lines(server, b"EXIT\r\nExit\n exit\nexit \nexit\r\nafter\n")
    assert got == (b"Welcome!\nHello, EXIT!\nHello, Exit!\nHello,  exit!\n"
                   b"Hello, exit !\n"), got
    converse_raw(server, [b"exits", b"exit\r"])  # names, not "exit"; "exit" then closes


def test_empty_line(server):
    got = send_lines(server, b"\n\r\nBob\n")
    assert got == b"Welcome!\nHello, !\nHello, !\nHello, Bob!\n", got


def test_invalid_utf8(start_server):
    server = start_server("--verbose")
    with server.connect() as sock:
        expect(sock, b"Welcome!")
        sock.sendall(b"\xff\xfe\x00\x1b[2J")
        expect(sock, b"Hello, \xff\xfe\x00\x1b[2J!")
    server.wait_for_log(r'Message from .*: "\\xff\\xfe\\x00\\x1b\[2J"$')
    assert_transcript(server)


def test_text_is_logged_as_text(start_server):
    # Well-formed UTF-8 is logged as written; a right-to-left override, which
    # would make the rest of the line read backwards, is escaped.
    server = start_server("--verbose")
    with server.connect() as sock:
        sock.sendall("你好\n".encode() + b"\xe2\x80\xaeevil\n")
        expect(sock, "Welcome!\nHello, 你好!\n".encode() + b"Hello, \xe2\x80\xaeevil!\n")
    server.wait_for_log(r'Message from .*: "你好"$')
    server.wait_for_log(r'Message from .*: "\\xe2\\x80\\xaeevil"$')


def test_a_printed_ipv6_address_can_be_pasted_back(start_server):
    # The server prints "[::1]:PORT"; --host takes the bracketed form too,
    # in the server and in the client.
    try:
        socket.socket(socket.AF_INET6).bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback here")
    server = start_server(host="[::1]")
    server.wait_for_log(r"Listening on \[::1\]:%d$" % server.port)
    result = run_client(server.port, "Michael", "--timeout", "2.5s", host="[::1]")
    assert (result.returncode, result.stdout) == (0, b"Welcome!\nHello, Michael!\n"), result.stderr


def test_last_line_without_newline(server):
    got = send_lines(server, b"Bob\nAlice")
    assert got == b"Welcome!\nHello, Bob!\nHello, Alice!\n", got


def test_many_concurrent_clients():
    clients = 200
    with Server("--quiet") as server:
        sockets = [server.connect() for _ in range(clients)]  # all connected at once
        failures = []

        def converse(index, sock):
            try:
                with sock:
                    expect(sock, b"Welcome!")
                    for round_ in range(3):
                        name = f"client{index}-{round_}".encode()
                        sock.sendall(name)
                        expect(sock, b"Hello, " + name + b"!")
                    sock.sendall(b"exit")
                    assert recv_until_closed(sock) == b""
            except Exception as error:  # collected, reported below
                failures.append(f"client {index}: {error!r}")

        threads = [threading.Thread(target=converse, args=(i, s)) for i, s in enumerate(sockets)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not failures, failures[:5]
        assert_transcript(server)


def test_delay_does_not_block_others():
    # 500 clients x 3 names at 1 s each: a server that blocked would need
    # 1500 s; one timer per session needs about 3 s. The bound is generous:
    # it proves that nothing blocks, not a speed.
    clients, names = 500, [b"Michael", b"Tracy", b"Sarah"]
    with Server("--delay", "1s", "--quiet") as server:
        failures = []
        start = time.monotonic()

        def converse(index):
            try:
                converse_raw(server, names)
            except Exception as error:
                failures.append(f"client {index}: {error!r}")

        threads = [threading.Thread(target=converse, args=(i,)) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=90)
        elapsed = time.monotonic() - start
        assert not failures, failures[:5]
        assert elapsed >= 3, f"three delayed replies took only {elapsed:.1f}s"
        assert elapsed < 45, f"{clients} clients took {elapsed:.1f}s: sessions block each other"


def test_client_disconnects_midway(server):
    sock = server.connect()
    expect(sock, b"Welcome!")
    sock.sendall(b"Mich")
    expect(sock, b"Hello, Mich!")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    sock.close()  # RST, not FIN
    half = server.connect()
    expect(half, b"Welcome!")
    half.sendall(b"Tr")
    half.close()  # gone before reading the reply
    server.wait_for_log(r"Connection from .* closed", count=2)
    assert_transcript(server)


def test_sigterm_shutdown(start_server):
    server = start_server("--delay", "1s")
    idle = server.connect()
    expect(idle, b"Welcome!")
    busy = server.connect()
    expect(busy, b"Welcome!")
    busy.sendall(b"Michael")
    time.sleep(0.2)  # the reply is now being prepared
    server.process.send_signal(signal.SIGTERM)
    # The reply in progress is delivered, then both connections close.
    assert recv_until_closed(busy) == b"Hello, Michael!"
    assert recv_until_closed(idle) == b""
    assert server.process.wait(timeout=10) == 0
    server.wait_for_log(r"Received SIGTERM, shutting down")


def test_port_in_use():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([SERVER, "--port", str(port)], capture_output=True, timeout=10)
    assert result.returncode == 1, result
    lines = result.stderr.decode().splitlines()
    assert lines[-1] == f"hello_server: cannot listen on 127.0.0.1:{port}: Address already in use", lines
    assert all("Abort" not in l and "terminate" not in l for l in lines), lines


def test_ipv6():
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError as error:
        pytest.skip(f"cannot bind ::1: {error}")
    with Server(host="::1") as server:
        result = run_client(server.port, "Michael", "Tracy", "Sarah", host="::1")
        assert result.returncode == 0, result.stderr
        assert result.stdout.decode() == TRANSCRIPT
        server.wait_for_log(r"Accept new connection from \[::1\]:\d+\.\.\.$")
    with Server(host="::") as server:  # all addresses: v4 clients too, logged as v4
        assert_transcript(server)
        server.wait_for_log(r"Accept new connection from 127\.0\.0\.1:\d+\.\.\.$")


def run_server_once(*args):
    return subprocess.run([SERVER, *args], capture_output=True, timeout=10)


@pytest.mark.parametrize("args, status, message", [
    (["--bogus"], 2, "hello_server: unknown option '--bogus'"),
    (["--port", "70000"], 2, "hello_server: invalid port '70000' (expected a whole number from 0 to 65535)"),
    (["--delay", "soon"], 2, "hello_server: invalid duration 'soon'"),
    (["--port"], 2, "hello_server: option --port needs a value"),
    (["--host", UNRESOLVABLE, "--port", "0"], 1, f"hello_server: invalid listen address '{UNRESOLVABLE}'"),
])
def test_bad_options(args, status, message):
    result = run_server_once(*args)
    first_line = result.stderr.decode().splitlines()[0]
    assert result.returncode == status, (args, result)
    assert first_line.startswith(message), (args, first_line)


def test_help_and_version():
    help_result = run_server_once("--help")
    assert help_result.returncode == 0 and b"--max-connections" in help_result.stdout
    version = run_server_once("--version")
    assert version.returncode == 0 and version.stdout.startswith(b"hello_server ")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def one_shot_server(behaviour):
    """A fake server on a loopback port that treats its one client with `behaviour`."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def serve():
        conn, _ = listener.accept()
        with conn:
            behaviour(conn)
        listener.close()

    threading.Thread(target=serve, daemon=True).start()
    return listener.getsockname()[1]


def test_client_errors():
    refused = run_client(free_port(), "x")
    assert refused.returncode == 1
    assert b"Connection refused" in refused.stderr and refused.stderr.count(b"\n") == 1, refused.stderr

    unknown = run_client(9999, "x", host=UNRESOLVABLE)
    assert unknown.returncode == 1 and f"cannot resolve '{UNRESOLVABLE}'".encode() in unknown.stderr

    def greet_read_and_hang_up(conn):
        conn.sendall(b"Welcome!")
        conn.recv(1024)

    hangs_up = one_shot_server(greet_read_and_hang_up)
    early = run_client(hangs_up, "Michael")
    assert early.returncode == 1
    assert early.stdout == b"Welcome!\n"
    assert early.stderr == b"hello_client: the server closed the connection\n", early.stderr

    silent = one_shot_server(lambda conn: time.sleep(3))
    mute = run_client(silent, "--timeout", "300ms", "Michael")
    assert mute.returncode == 1
    assert mute.stderr == b"hello_client: no reply from the server within 300ms\n", mute.stderr

    usage = run_client(9999, "--nope")
    assert usage.returncode == 2 and usage.stderr.startswith(b"hello_client: unknown option '--nope'")


def test_threads():
    with Server("--threads", "2", "--quiet", "--max-connections", "6") as server:
        server.wait_for_log(LINE_START + r"Serving with 2 threads\.$")
        # The connection limit holds across threads: SO_REUSEPORT spreads these
        # six over both, yet the seventh is turned away.
        held = [server.connect() for _ in range(6)]
        for sock in held:
            expect(sock, b"Welcome!")
        with server.connect() as extra:
            assert recv_until_closed(extra) == b"error: server busy, try again later\n"
        for sock in held:
            sock.close()
        time.sleep(0.3)
        failures = []

        def converse(index):
            try:
                converse_raw(server, [b"n%d" % index, b"m%d" % index])
            except Exception as error:
                failures.append(repr(error))

        threads = [threading.Thread(target=converse, args=(i,)) for i in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not failures, failures
        # SO_REUSEPORT must not let a second server share the port unnoticed.
        second = subprocess.run([SERVER, "--threads", "2", "--port", str(server.port)],
                                capture_output=True, timeout=10)
        assert second.returncode == 1, second
        assert second.stderr.endswith(b"Address already in use\n"), second.stderr
    with Server("--threads", "0") as server:  # one per core
        assert_transcript(server)
