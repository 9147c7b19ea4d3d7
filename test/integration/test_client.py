"""hello_client against servers that drip their replies: --timeout bounds
connecting plus the greeting, and each whole reply (from sending the name to
the reply's last byte), not each read.

The servers are Python, on loopback, port chosen by the OS; each test bounds
the client's wall time generously: it proves the limit, not a speed.
"""

import socket
import threading
import time

from harness import run_client


class DrippingServer:
    """Greets, then answers one name; `greeting_interval` and `reply_interval`
    are the pauses between the bytes of each (0: all at once)."""

    def __init__(self, greeting_interval, reply_interval):
        self.greeting_interval = greeting_interval
        self.reply_interval = reply_interval
        self._stopping = threading.Event()
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(4)
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stopping.set()
        self._thread.join(timeout=10)
        self._listener.close()

    def _send(self, connection, data, interval):
        if interval == 0:
            connection.sendall(data)
            return
        for byte in data:
            if self._stopping.is_set():
                return
            connection.sendall(bytes([byte]))
            time.sleep(interval)

    def _serve(self):
        while not self._stopping.is_set():
            try:
                connection, _ = self._listener.accept()
            except socket.timeout:
                continue
            with connection:
                connection.settimeout(20)
                try:
                    self._send(connection, b"Welcome!", self.greeting_interval)
                    name = connection.recv(1024)
                    self._send(connection, b"Hello, " + name + b"!", self.reply_interval)
                    connection.recv(1024)  # "exit", or the client's close
                except OSError:
                    pass  # the client gave up: that is what the tests want


def timed_client(port, *args):
    started = time.monotonic()
    result = run_client(port, *args)
    elapsed = time.monotonic() - started
    print(f"hello_client {' '.join(args)}: exit {result.returncode} after {elapsed:.2f}s")
    return result, elapsed


def test_dripping_server():
    # The greeting, a byte every 0.5 s (4 s in all): over a 1 s limit.
    with DrippingServer(greeting_interval=0.5, reply_interval=0) as server:
        result, elapsed = timed_client(server.port, "--timeout", "1s", "Bob")
        assert result.returncode == 1, result
        assert b"no reply from the server within 1s" in result.stderr, result.stderr
        assert elapsed < 5, f"a 1s limit took {elapsed:.2f}s"

    # A quick greeting, then the reply a byte every 0.3 s (3.3 s): over the limit.
    with DrippingServer(greeting_interval=0, reply_interval=0.3) as server:
        result, elapsed = timed_client(server.port, "--timeout", "1s", "Bob")
        assert result.returncode == 1, result
        assert result.stdout == b"Welcome!\n", result.stdout
        assert b"no reply from the server within 1s" in result.stderr, result.stderr
        assert elapsed < 5, f"a 1s limit took {elapsed:.2f}s"

    # Dripped, but whole within the limit: fine.
    with DrippingServer(greeting_interval=0.02, reply_interval=0.02) as server:
        result, elapsed = timed_client(server.port, "--timeout", "3s", "Bob")
        assert result.returncode == 0, result
        assert result.stdout == b"Welcome!\nHello, Bob!\n", result.stdout
