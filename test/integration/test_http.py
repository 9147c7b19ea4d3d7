"""http_get against local servers: framing, failures, redirects, https.

Every server listens on loopback with a port the OS picks; every run of
http_get has a time limit; every saved file is compared with the served body
byte for byte.
"""

import os
import random
import resource
import socket
import subprocess
import tempfile
import time

from harness import BUILD_DIR
from http_servers import (ScriptedServer, make_certificates, request_path, response_head,
                          send_with_length)

HTTP_GET = os.path.abspath(os.path.join(BUILD_DIR, "http_get"))  # the tests run it in temp dirs

# From empty to several megabytes, with sizes around the program's 64 KiB read buffer.
BODY_SIZES = [0, 1, 100, 65535, 65536, 65537, 1_000_000, 5 * 1024 * 1024]


def body_of(size, seed=0):
    return random.Random(seed * 1_000_003 + size).randbytes(size)


def run_get(*args, cwd, timeout=60):
    return subprocess.run([HTTP_GET, *args], cwd=cwd, stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=timeout)


def saved(directory, name):
    with open(os.path.join(directory, name), "rb") as file:
        return file.read()


def assert_exit(result, code, *stderr_parts):
    stderr = result.stderr.decode(errors="replace")
    assert result.returncode == code, f"exit {result.returncode}, wanted {code}; stderr: {stderr}"
    for part in stderr_parts:
        assert part in stderr, f"{part!r} not in stderr: {stderr}"


def serve_bodies(request, connection):
    size = int(request_path(request).rsplit("/", 1)[1])
    send_with_length(connection, body_of(size), headers=[("Content-Type", "application/octet-stream")])


def test_content_length():
    with ScriptedServer(serve_bodies) as server, tempfile.TemporaryDirectory() as directory:
        for size in BODY_SIZES:
            result = run_get(server.url(f"/files/{size}"), cwd=directory)
            assert_exit(result, 0, f"Saved {size} bytes to {size}")
            assert saved(directory, str(size)) == body_of(size), f"body of {size} bytes differs"
            stdout = result.stdout.decode()
            assert stdout.startswith("HTTP/1.1 200 OK\n"), stdout
            assert f"Content-Length: {size}\n" in stdout, stdout
            assert "\r" not in result.stderr.decode(), "a progress bar on a stderr that is no terminal"
        request = server.requests[0].decode()
        assert request.startswith(f"GET /files/{BODY_SIZES[0]} HTTP/1.1\r\n"), request
        assert f"\r\nHost: 127.0.0.1:{server.port}" in request, request
        assert "\r\nConnection: close" in request, request
        assert "\r\nUser-Agent: hello-asio-http_get/" in request, request


def test_chunked():
    def respond(request, connection):
        body = body_of(int(request_path(request)[1:]), seed=1)
        connection.sendall(response_head("200 OK", [("Transfer-Encoding", "chunked")]))
        rng = random.Random(len(body))
        at = 0
        while at < len(body):
            size = rng.randint(1, 100_000)
            piece = body[at:at + size]
            extension = ";name=value" if rng.random() < 0.3 else ""
            connection.sendall(b"%x%s\r\n%s\r\n" % (len(piece), extension.encode(), piece))
            at += size
        connection.sendall(b"0\r\nX-Checksum: none\r\n\r\n")

    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        for size in BODY_SIZES:
            result = run_get("-o", "page", server.url(f"/{size}"), cwd=directory)
            assert_exit(result, 0, f"Saved {size} bytes to page")
            assert saved(directory, "page") == body_of(size, seed=1), f"chunked body of {size} bytes differs"


def test_read_until_close():
    body = body_of(3_000_000, seed=2)

    def respond(request, connection):
        connection.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + body)

    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        result = run_get(server.url("/"), cwd=directory)
        assert_exit(result, 0, "Saved 3000000 bytes to index.html")
        assert saved(directory, "index.html") == body


def test_closed_early():
    def respond(request, connection):
        if request_path(request) == "/length":
            connection.sendall(response_head("200 OK", [("Content-Length", 100_000)]) + b"x" * 40_000)
        elif request_path(request) == "/chunked":
            connection.sendall(response_head("200 OK", [("Transfer-Encoding", "chunked")]) + b"10\r\nonly")
        elif request_path(request) == "/head":
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Le")
        # "/nothing": close without a byte

    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        result = run_get(server.url("/length"), cwd=directory)
        assert_exit(result, 8, "the body ended after 40000 of 100000 bytes")
        result = run_get(server.url("/chunked"), cwd=directory)
        assert_exit(result, 8, "before its last chunk")
        result = run_get(server.url("/head"), cwd=directory)
        assert_exit(result, 8, "in the middle of the response head")
        result = run_get(server.url("/nothing"), cwd=directory)
        assert_exit(result, 8, "without a response")
        assert os.listdir(directory) == [], f"a short file was left behind: {os.listdir(directory)}"


def test_malformed():
    responses = {
        "/garbage": b"SSH-2.0-OpenSSH_9.2\r\n\r\n",
        "/huge-header": b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n",
        "/negative-length": b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "/two-lengths": b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "/bad-chunk": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "/escape": b"HTTP/1.1 200 OK\r\nX-Evil: \x1b]0;pwned\x07\r\n\r\n",
    }

    def respond(request, connection):
        connection.sendall(responses[request_path(request)])

    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        for path in responses:
            result = run_get(server.url(path), cwd=directory)
            assert_exit(result, 7)
            assert b"\x1b" not in result.stdout + result.stderr, "a server's escape reached the terminal"
        assert os.listdir(directory) == []


def test_redirect_chain():
    def respond(request, connection):
        path = request_path(request)
        port = connection.getsockname()[1]
        hops = {
            "/start": ("301 Moved Permanently", f"http://127.0.0.1:{port}/dir/one"),
            "/dir/one": ("302 Found", "two?x=1"),
            "/dir/two?x=1": ("303 See Other", f"//127.0.0.1:{port}/three"),
            "/three": ("307 Temporary Redirect", "/final/page.html"),
            "/loop": ("308 Permanent Redirect", "/loop"),
        }
        if path in hops:
            status, location = hops[path]
            send_with_length(connection, b"moved", status=status, headers=[("Location", location)])
        else:
            send_with_length(connection, b"arrived at " + path.encode())

    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        result = run_get("-L", "-o", "out", server.url("/start"), cwd=directory)
        assert_exit(result, 0, "Following the redirect to", "Saved 27 bytes to out")
        assert saved(directory, "out") == b"arrived at /final/page.html"
        assert result.stdout.decode().count("HTTP/1.1 ") == 5, result.stdout
        assert [request_path(r) for r in server.requests] == \
            ["/start", "/dir/one", "/dir/two?x=1", "/three", "/final/page.html"]

        # Without -L: the redirect's own body is saved, and the user told.
        result = run_get("-o", "moved", server.url("/start"), cwd=directory)
        assert_exit(result, 0, "-L follows redirects")
        assert saved(directory, "moved") == b"moved"

        result = run_get("-L", server.url("/loop"), cwd=directory)
        assert_exit(result, 9, "more than 10 redirects")
        assert result.stdout.decode().count("HTTP/1.1 308") == 11


def test_header_only():
    def respond(request, connection):
        connection.sendall(response_head("200 OK", [("Content-Length", 12345)]))

    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        result = run_get("--header-only", server.url("/big.iso"), cwd=directory)
        assert_exit(result, 0)
        assert server.requests[0].startswith(b"HEAD /big.iso HTTP/1.1\r\n"), server.requests[0]
        assert "Content-Length: 12345" in result.stdout.decode()
        assert os.listdir(directory) == []


def test_ipv6_literal():
    with ScriptedServer(serve_bodies, host="::1") as server, tempfile.TemporaryDirectory() as directory:
        result = run_get(server.url("/1000"), cwd=directory)
        assert_exit(result, 0)
        assert saved(directory, "1000") == body_of(1000)
        assert f"\r\nHost: [::1]:{server.port}\r\n".encode() in server.requests[0]


def test_https():
    def respond(request, connection):
        send_with_length(connection, body_of(int(request_path(request)[1:]), seed=3))

    with tempfile.TemporaryDirectory() as keys, tempfile.TemporaryDirectory() as directory:
        ca_file, tls = make_certificates(keys)
        with ScriptedServer(respond, tls=tls) as server:
            # The system's CAs do not know ours: one clear error.
            result = run_get(server.url("/1000", scheme="https", host="localhost"), cwd=directory)
            assert_exit(result, 5, "certificate of localhost was refused")

            # Our CA, and the name in the certificate: verified.
            for size in (0, 1000, 3_000_000):
                result = run_get("--cacert", ca_file, "-o", "s",
                                 server.url(f"/{size}", scheme="https", host="localhost"), cwd=directory)
                assert_exit(result, 0, f"Saved {size} bytes to s")
                assert saved(directory, "s") == body_of(size, seed=3)

            # Our CA, but an address the certificate does not name.
            result = run_get("--cacert", ca_file, server.url("/1", scheme="https"), cwd=directory)
            assert_exit(result, 5, "IP address mismatch")

            # --insecure: no verification at all.
            result = run_get("--insecure", "-o", "i", server.url("/5000", scheme="https"), cwd=directory)
            assert_exit(result, 0)
            assert saved(directory, "i") == body_of(5000, seed=3)

        # https to a server that answers in plain text, and a missing CA file.
        def plain_answer(request, connection):
            connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

        with ScriptedServer(plain_answer, read_request=False) as plain:
            result = run_get(plain.url("/1", scheme="https"), cwd=directory)
            assert_exit(result, 5, "TLS handshake")
        result = run_get("--cacert", os.path.join(keys, "missing.pem"), "https://localhost:1/", cwd=directory)
        assert_exit(result, 10, "cannot load CA certificates")


def test_failures():
    with tempfile.TemporaryDirectory() as directory:
        with socket.socket() as unused:
            unused.bind(("127.0.0.1", 0))
            port = unused.getsockname()[1]
        result = run_get(f"http://127.0.0.1:{port}/", cwd=directory)
        assert_exit(result, 4, "cannot connect to 127.0.0.1")

        # A label longer than DNS allows (63 bytes) fails inside the resolver:
        # no query leaves the machine, as a lookup of "x.invalid" would.
        unresolvable = "x" * 64 + ".test"
        result = run_get(f"http://{unresolvable}/", cwd=directory)
        assert_exit(result, 3, f"cannot resolve '{unresolvable}'")

        for arguments in ([], ["ftp://x/"], ["http://h:0/"], ["--max-time", "0", "h"], ["--nope", "h"]):
            assert_exit(run_get(*arguments, cwd=directory), 2, "Try 'http_get --help'")

        with ScriptedServer(serve_bodies) as server:
            result = run_get("-o", os.path.join(directory, "no", "such", "file"), server.url("/10"),
                             cwd=directory)
            assert_exit(result, 10, "cannot create")


def test_max_time():
    def respond(request, connection):
        connection.sendall(response_head("200 OK", [("Content-Length", 10)]) + b"slow")
        connection.recv(1)  # wait until the client gives up and closes

    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        started = time.monotonic()
        result = run_get("--max-time", "500ms", server.url("/"), cwd=directory)
        assert_exit(result, 6, "--max-time 500ms")
        assert time.monotonic() - started < 10, "the limit did not stop the transfer"
        assert os.listdir(directory) == []


def test_bounded_memory():
    """A body far larger than the program's buffers streams through it."""
    block = body_of(1 << 20, seed=4)
    blocks = 64

    def respond(request, connection):
        connection.sendall(response_head("200 OK", [("Content-Length", len(block) * blocks)]))
        for _ in range(blocks):
            connection.sendall(block)

    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        result = run_get("-o", "big", server.url("/"), cwd=directory)
        assert_exit(result, 0, f"Saved {len(block) * blocks} bytes")
        with open(os.path.join(directory, "big"), "rb") as file:
            while chunk := file.read(len(block)):
                assert chunk == block
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if not os.environ.get("HELLO_SANITIZED"):  # ASan's shadow memory and quarantine
            assert peak_kib < 32 * 1024, f"http_get peaked at {peak_kib} KiB for a 64 MiB body"
