"""Web servers for http_get's integration tests, on loopback, port chosen by the OS.

A ScriptedServer reads each request's head and hands it, with the socket, to a
`respond` function that writes whatever bytes the test wants: a correct
response, a chunked one, one cut short, garbage. With a TLS context it speaks
https, using a certificate made by `make_certificates` at test time (nothing
committed that could expire).
"""

import os
import socket
import ssl
import subprocess
import threading
import time

MAX_REQUEST_HEAD = 64 * 1024


class ScriptedServer:
    def __init__(self, respond, host="127.0.0.1", tls=None, read_request=True):
        self.respond = respond
        self.read_request = read_request  # False: respond at once, to anything
        self.host = host
        self.tls = tls
        self.requests = []  # each request head, as bytes
        self._stopping = threading.Event()
        self._threads = []
        self._listener = None
        self.port = None

    def __enter__(self):
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        self._listener = socket.socket(family, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((self.host, 0))
        self._listener.listen(16)
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._start(self._accept_loop)
        return self

    def __exit__(self, *exc):
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=10)
        self._listener.close()

    @property
    def stopping(self):
        """True once the test's `with` block ended: endless responders stop then."""
        return self._stopping.is_set()

    def url(self, path="/", scheme="http", host=None):
        host = host or (f"[{self.host}]" if ":" in self.host else self.host)
        return f"{scheme}://{host}:{self.port}{path}"

    def _start(self, target, *args):
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self):
        while not self._stopping.is_set():
            try:
                connection, _ = self._listener.accept()
            except socket.timeout:
                continue
            self._start(self._serve, connection)

    def _serve(self, connection):
        connection.settimeout(20)
        try:
            if self.tls is not None:
                connection = self.tls.wrap_socket(connection, server_side=True)
            request = read_request_head(connection) if self.read_request else b""
            self.requests.append(request)
            self.respond(request, connection)
            connection.close()
        except (OSError, ssl.SSLError):
            connection.close()  # the client hung up or refused our certificate: its test says so


def read_request_head(connection):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(4096)
        if not chunk:
            break
        data += chunk
        if len(data) > MAX_REQUEST_HEAD:
            raise OSError("request head too long")
    return data.split(b"\r\n\r\n", 1)[0]


def request_path(request):
    return request.split(b"\r\n", 1)[0].split(b" ")[1].decode()


def response_head(status, headers=()):
    lines = [f"HTTP/1.1 {status}"] + [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def send_with_length(connection, body, status="200 OK", headers=()):
    connection.sendall(response_head(status, [("Content-Length", len(body)), *headers]))
    connection.sendall(body)


def drip(server, connection, data, interval):
    """Sends `data` one byte per `interval` seconds (a server that never stalls
    long enough for a stall limit), until done, the client leaves or the test ends."""
    for byte in data:
        if server.stopping:
            return
        connection.sendall(bytes([byte]))
        time.sleep(interval)


def make_certificates(directory, names=("localhost",)):
    """A CA, and a certificate it signs for `names` only (by default
    `localhost`, not 127.0.0.1).

    Returns (ca_file, server_context). Made fresh by each test that needs it.
    """
    def openssl(*args):
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True, timeout=60)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=hello-asio test CA",
            "-keyout", "ca.key", "-out", "ca.pem")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={names[0]}",
            "-keyout", "server.key", "-out", "server.csr")
    with open(os.path.join(directory, "san.ext"), "w") as extensions:
        extensions.write("subjectAltName=" + ",".join(f"DNS:{name}" for name in names) + "\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-days", "2", "-extfile", "san.ext", "-out", "server.pem")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.path.join(directory, "server.pem"), os.path.join(directory, "server.key"))
    return os.path.join(directory, "ca.pem"), context
