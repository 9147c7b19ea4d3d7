"""--max-connections-per-ip: a client address that holds N connections has
its next one turned away with one error line and a lingering close, exactly,
with any number of threads; with --proxy-protocol the address is the one the
header names. Counted in /metrics and the status line."""

import re
import select
import signal
import socket
import time

from harness import LINE_START, Server, expect, recv_until_closed
from test_ops import sample, scrape

REFUSAL = b"error: too many connections from your address\n"


def connect_from(server, source, timeout=10):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", server.port))
    return sock


def read_to_end(sock):
    """What the peer sent until it closed, and whether it reset instead."""
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except ConnectionResetError:
        return data, True
    return data, False


def test_an_address_past_its_limit_is_turned_away_and_others_are_not():
    with Server("--max-connections-per-ip", "3", "--metrics", "127.0.0.1:0") as server:
        held = [connect_from(server, "127.0.0.1") for _ in range(3)]
        for sock in held:
            expect(sock, b"Welcome!")
        # The fourth speaks at once: it still reads the whole refusal and the
        # end of stream, not a reset.
        with connect_from(server, "127.0.0.1") as refused:
            refused.sendall(b"Michael\n" * 500)
            assert read_to_end(refused) == (REFUSAL, False)
        server.wait_for_log(LINE_START + r"3 connections from 127\.0\.0\.1 "
                            r"\(--max-connections-per-ip\); turning new ones away\.$")
        # Another address is not held back by this one's connections.
        with connect_from(server, "127.0.0.2") as other:
            expect(other, b"Welcome!")
            other.sendall(b"Tracy")
            expect(other, b"Hello, Tracy!")
        # A connection that ends gives its place back.
        held.pop().close()
        deadline = time.monotonic() + 10
        while True:
            with connect_from(server, "127.0.0.1") as again:
                first = again.recv(64)
                if first == b"Welcome!":
                    break
                assert first == REFUSAL, first
            assert time.monotonic() < deadline, "the closed connection's place never came back"
            time.sleep(0.05)
        text = scrape(server)
        assert sample(text, 'hello_connections_rejected_total{reason="per_ip"}') >= 1
        assert sample(text, 'hello_connections_rejected_total{reason="busy"}') == 0
        server.process.send_signal(signal.SIGUSR1)
        status = server.wait_for_log(r"Status: ")
        assert re.search(r"; \d+ accepted, [1-9]\d* turned away;", status), status
        for sock in held:
            sock.close()


def test_off_by_default_and_zero_is_off():
    for args in ((), ("--max-connections-per-ip", "0")):
        with Server("--quiet", *args) as server:
            held = [connect_from(server, "127.0.0.1") for _ in range(20)]
            for sock in held:
                expect(sock, b"Welcome!")
            for sock in held:
                sock.close()


def test_proxy_protocol_counts_the_address_the_header_names():
    with Server("--proxy-protocol", "--max-connections-per-ip", "1") as server:
        def proxied(client):
            sock = connect_from(server, "127.0.0.1")
            sock.sendall(f"PROXY TCP4 {client} 127.0.0.1 40000 9999\r\n".encode())
            return sock

        first, second = proxied("203.0.113.7"), proxied("203.0.113.8")
        expect(first, b"Welcome!")
        expect(second, b"Welcome!")  # the same balancer address, two clients
        with proxied("203.0.113.7") as third:
            assert recv_until_closed(third) == REFUSAL
        server.wait_for_log(r"1 connections from 203\.0\.113\.7 \(--max-connections-per-ip\)")
        first.close()
        second.close()


def test_exact_with_threads():
    # Many clients of one address connect at once, spread over two threads by
    # SO_REUSEPORT; each round (an address of its own) exactly the limit is
    # welcomed.
    limit, clients = 5, 40
    with Server("--threads", "2", "--quiet", "--max-connections-per-ip", str(limit)) as server:
        for round in range(10):
            socks = []
            for _ in range(clients):
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sock.setblocking(False)
                sock.bind((f"127.0.1.{round + 1}", 0))
                sock.connect_ex(("127.0.0.1", server.port))
                socks.append(sock)
            first_answers = {}
            deadline = time.monotonic() + 20
            while len(first_answers) < clients and time.monotonic() < deadline:
                readable, _, _ = select.select([s for s in socks if s not in first_answers], [], [], 1)
                for sock in readable:
                    try:
                        first_answers[sock] = sock.recv(64)
                    except BlockingIOError:
                        pass
            answers = list(first_answers.values())
            assert len(answers) == clients, f"{clients - len(answers)} clients never answered"
            assert answers.count(b"Welcome!") == limit, answers
            assert answers.count(REFUSAL) == clients - limit, answers
            for sock in socks:
                sock.close()


def test_bad_values_are_usage_errors():
    import subprocess

    from harness import SERVER
    for value in ("-1", "x", "1000001"):
        result = subprocess.run([SERVER, "--max-connections-per-ip", value], capture_output=True, timeout=10)
        assert result.returncode == 2, (value, result)
        assert result.stderr.startswith(b"hello_server: "), result.stderr
