"""http_get against local servers: framing, failures, redirects, https.

Every server listens on loopback with a port the OS picks; every run of
http_get has a time limit; every saved file is compared with the served body
byte for byte.
"""

import fcntl
import os
import pty
import random
import re
import signal
import socket
import struct
import subprocess
import tempfile
import termios
import time
import zlib

from harness import BUILD_DIR, Skip, run_with_peak_rss
from http_servers import (Apache, Nginx, ScriptedServer, drip, make_certificates, request_path, response_head,
                          send_with_length, wait_until_listening)

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
        assert_exit(result, 18, "the body ended after 40000 of 100000 bytes")
        result = run_get(server.url("/chunked"), cwd=directory)
        assert_exit(result, 18, "before its last chunk")
        result = run_get(server.url("/head"), cwd=directory)
        assert_exit(result, 18, "in the middle of the response head")
        result = run_get(server.url("/nothing"), cwd=directory)
        assert_exit(result, 52, "without a response")
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
            assert_exit(result, 56 if path == "/bad-chunk" else 8)  # curl's numbers
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
        assert_exit(result, 47, "more than 10 redirects")
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
            assert_exit(result, 60, "certificate of localhost was refused")

            # Our CA, and the name in the certificate: verified.
            for size in (0, 1000, 3_000_000):
                result = run_get("--cacert", ca_file, "-o", "s",
                                 server.url(f"/{size}", scheme="https", host="localhost"), cwd=directory)
                assert_exit(result, 0, f"Saved {size} bytes to s")
                assert saved(directory, "s") == body_of(size, seed=3)

            # Our CA, but an address the certificate does not name.
            result = run_get("--cacert", ca_file, server.url("/1", scheme="https"), cwd=directory)
            assert_exit(result, 60, "IP address mismatch")

            # --insecure: no verification at all.
            result = run_get("--insecure", "-o", "i", server.url("/5000", scheme="https"), cwd=directory)
            assert_exit(result, 0)
            assert saved(directory, "i") == body_of(5000, seed=3)

        # https to a server that answers in plain text, and a missing CA file.
        def plain_answer(request, connection):
            connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

        with ScriptedServer(plain_answer, read_request=False) as plain:
            result = run_get(plain.url("/1", scheme="https"), cwd=directory)
            assert_exit(result, 35, "TLS handshake")
        result = run_get("--cacert", os.path.join(keys, "missing.pem"), "https://localhost:1/", cwd=directory)
        assert_exit(result, 77, "cannot load CA certificates")


def test_failures():
    with tempfile.TemporaryDirectory() as directory:
        with socket.socket() as unused:
            unused.bind(("127.0.0.1", 0))
            port = unused.getsockname()[1]
        result = run_get(f"http://127.0.0.1:{port}/", cwd=directory)
        assert_exit(result, 7, "cannot connect to 127.0.0.1")

        # A label longer than DNS allows (63 bytes) fails inside the resolver:
        # no query leaves the machine, as a lookup of "x.invalid" would.
        unresolvable = "x" * 64 + ".test"
        result = run_get(f"http://{unresolvable}/", cwd=directory)
        assert_exit(result, 6, f"cannot resolve '{unresolvable}'")

        for arguments in ([], ["--max-time", "0", "h"], ["--nope", "h"]):
            assert_exit(run_get(*arguments, cwd=directory), 2, "Try 'http_get --help'")
        # curl's statuses for a URL: 1 for a scheme it does not speak, 3 for a malformed one.
        assert_exit(run_get("ftp://x/", cwd=directory), 1, "unsupported scheme 'ftp'")
        assert_exit(run_get("http://h:0/", cwd=directory), 3, "invalid URL")

        with ScriptedServer(serve_bodies) as server:
            result = run_get("-o", os.path.join(directory, "no", "such", "file"), server.url("/10"),
                             cwd=directory)
            assert_exit(result, 23, "cannot create")


def timed_get(*args, cwd, timeout=60):
    """run_get, and the wall time it took (printed: the test log keeps the measurements)."""
    started = time.monotonic()
    result = run_get(*args, cwd=cwd, timeout=timeout)
    elapsed = time.monotonic() - started
    shown = [re.sub(r"^https?://[^/]*", "", arg) for arg in args]  # the URL's path: which server
    print(f"http_get {' '.join(shown)}: exit {result.returncode} after {elapsed:.2f}s")
    return result, elapsed


def test_max_time():
    """--max-time bounds the whole transfer whatever the server keeps sending."""
    def respond(request, connection):
        server = servers[0]
        path = request_path(request)
        if path == "/slow":  # part of the body, then silence
            connection.sendall(response_head("200 OK", [("Content-Length", 10)]) + b"slow")
            while not server.stopping:
                time.sleep(0.05)
        elif path == "/interim":  # 1xx heads, dripped a byte at a time, forever
            drip(server, connection, b"HTTP/1.1 100 Continue\r\n\r\n" * 10_000, 0.005)
        elif path == "/chunks":  # endless 1-byte chunks
            connection.sendall(response_head("200 OK", [("Transfer-Encoding", "chunked")]))
            while not server.stopping:
                connection.sendall(b"1\r\nx\r\n")
                time.sleep(0.001)
        elif path == "/endless":  # a body read until close that never closes
            connection.sendall(b"HTTP/1.0 200 OK\r\n\r\n")
            while not server.stopping:
                connection.sendall(b"y" * 4096)
        elif path == "/head-drip":  # the head itself, a byte every 50 ms
            drip(server, connection, response_head("200 OK", [("X-Filler", "z" * 5000)]), 0.05)

    servers = []
    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        servers.append(server)
        for path in ("/slow", "/interim", "/chunks", "/endless", "/head-drip"):
            result, elapsed = timed_get("--max-time", "2s", server.url(path), cwd=directory)
            assert_exit(result, 28, "--max-time 2s (the whole transfer) ran out")
            assert 1.9 < elapsed < 10, f"{path}: the 2s limit took {elapsed:.2f}s"
            assert os.listdir(directory) == [], f"{path}: left {os.listdir(directory)}"
        result, _ = timed_get("--max-time", "500ms", server.url("/slow"), cwd=directory)
        assert_exit(result, 28, "timed out reading the body: --max-time 500ms")


def test_stall_timeout():
    """A server that goes silent is cut off by --stall-timeout, wherever it stops."""
    def respond(request, connection):
        if request_path(request) == "/after-head":
            connection.sendall(response_head("200 OK", [("Content-Length", 100)]) + b"partial")
        elif request_path(request) == "/mid-head":
            connection.sendall(b"HTTP/1.1 200 OK\r\nX-A: b\r\n")
        # "/silent": not a byte
        while not servers[0].stopping:
            time.sleep(0.05)

    servers = []
    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        servers.append(server)
        for path, doing in (("/after-head", "reading the body"), ("/mid-head", "waiting for the response"),
                            ("/silent", "waiting for the response")):
            result, elapsed = timed_get("--stall-timeout", "1s", server.url(path), cwd=directory)
            assert_exit(result, 28, f"timed out {doing}: --stall-timeout 1s (no byte received) ran out")
            assert 0.9 < elapsed < 8, f"{path}: the 1s stall limit took {elapsed:.2f}s"
        # The sooner limit is the one named.
        result, elapsed = timed_get("--stall-timeout", "5s", "-m", "1s", server.url("/silent"), cwd=directory)
        assert_exit(result, 28, "--max-time 1s")
        assert elapsed < 4.5, elapsed
        assert os.listdir(directory) == []


def test_connect_timeout():
    """--connect-timeout covers the TLS handshake: a server that accepts and says nothing."""
    def respond(request, connection):
        while not servers[0].stopping:
            time.sleep(0.05)

    servers = []
    with ScriptedServer(respond, read_request=False) as server, tempfile.TemporaryDirectory() as directory:
        servers.append(server)
        result, elapsed = timed_get("--connect-timeout", "1s", server.url("/", scheme="https"), cwd=directory)
        assert_exit(result, 28, "timed out in the TLS handshake with 127.0.0.1: "
                               "--connect-timeout 1s (resolve, connect and TLS handshake) ran out")
        assert 0.9 < elapsed < 8, f"the 1s connect limit took {elapsed:.2f}s"
        # The body is no part of connecting: a slow body is not cut by it.


def test_trickle_without_max_time():
    """By default there is no total limit: a body that takes 5 s arrives whole."""
    body = body_of(50_000, seed=5)

    def respond(request, connection):
        connection.sendall(response_head("200 OK", [("Content-Length", len(body))]))
        for at in range(0, len(body), 1000):
            connection.sendall(body[at:at + 1000])
            time.sleep(0.1)

    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        result, elapsed = timed_get("--connect-timeout", "1s", "--stall-timeout", "2s", "-o", "t",
                                    server.url("/"), cwd=directory)
        assert_exit(result, 0, f"Saved {len(body)} bytes to t")
        assert elapsed > 4.5, f"the trickle took only {elapsed:.2f}s: it proves nothing"
        assert saved(directory, "t") == body


def test_interim_flood():
    """Without --max-time, endless 1xx heads are refused after 100."""
    def respond(request, connection):
        for _ in range(10_000):
            if servers[0].stopping:
                return
            connection.sendall(b"HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n")

    servers = []
    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        servers.append(server)
        result, elapsed = timed_get(server.url("/"), cwd=directory)
        assert_exit(result, 8, "more than 100 interim (1xx) responses")
        assert elapsed < 10


def test_bounded_memory():
    """A body far larger than the program's buffers streams through it."""
    block = body_of(1 << 20, seed=4)
    blocks = 64

    def respond(request, connection):
        connection.sendall(response_head("200 OK", [("Content-Length", len(block) * blocks)]))
        for _ in range(blocks):
            connection.sendall(block)

    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        result, peak_kib = run_with_peak_rss([HTTP_GET, "-o", "big", server.url("/")], cwd=directory)
        assert_exit(result, 0, f"Saved {len(block) * blocks} bytes")
        with open(os.path.join(directory, "big"), "rb") as file:
            while chunk := file.read(len(block)):
                assert chunk == block
        if not os.environ.get("HELLO_SANITIZED"):  # ASan's shadow memory and quarantine
            assert peak_kib < 32 * 1024, f"http_get peaked at {peak_kib} KiB for a 64 MiB body"


def test_never_clobber():
    """A failed download leaves the file (or the link and what it points to) as it was."""
    def respond(request, connection):
        if request_path(request) == "/good":
            send_with_length(connection, b"new contents")
        else:  # "/cut": a body cut short
            connection.sendall(response_head("200 OK", [("Content-Length", 1000)]) + b"partial")

    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        page = os.path.join(directory, "page")
        with open(page, "wb") as file:
            file.write(b"old contents")
        os.chmod(page, 0o640)
        result = run_get("-o", "page", server.url("/cut"), cwd=directory)
        assert_exit(result, 18)
        assert saved(directory, "page") == b"old contents"
        assert sorted(os.listdir(directory)) == ["page"], os.listdir(directory)

        result = run_get("-o", "page", server.url("/good"), cwd=directory)
        assert_exit(result, 0, "Saved 12 bytes to page")
        assert saved(directory, "page") == b"new contents"
        assert os.stat(page).st_mode & 0o777 == 0o640, "the replacement lost the file's permissions"

        # A symbolic link at -o: written through on success only; the link stays.
        os.mkdir(os.path.join(directory, "real"))
        target = os.path.join(directory, "real", "file")
        with open(target, "wb") as file:
            file.write(b"linked contents")
        os.symlink(os.path.join("real", "file"), os.path.join(directory, "link"))
        result = run_get("-o", "link", server.url("/cut"), cwd=directory)
        assert_exit(result, 18)
        assert os.path.islink(os.path.join(directory, "link"))
        assert saved(directory, "real/file") == b"linked contents"
        assert os.listdir(os.path.join(directory, "real")) == ["file"]
        result = run_get("-o", "link", server.url("/good"), cwd=directory)
        assert_exit(result, 0)
        assert os.path.islink(os.path.join(directory, "link")), "the link was replaced by a file"
        assert saved(directory, "real/file") == b"new contents"

        # Not a regular file: written in place.
        result = run_get("-o", "/dev/null", server.url("/good"), cwd=directory)
        assert_exit(result, 0, "Saved 12 bytes to /dev/null")


def test_output_to_stdout():
    """-o - : the body on stdout, the head on stderr; -O is the default name."""
    body = body_of(200_000, seed=6)

    def respond(request, connection):
        send_with_length(connection, body)

    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        result = run_get("-o", "-", server.url("/dir/file.bin"), cwd=directory)
        assert_exit(result, 0, "HTTP/1.1 200 OK", f"Content-Length: {len(body)}")
        assert result.stdout == body
        assert os.listdir(directory) == [], "-o - made a file"

        result = run_get("-O", server.url("/dir/file.bin"), cwd=directory)
        assert_exit(result, 0, "Saved 200000 bytes to file.bin")
        assert saved(directory, "file.bin") == body
        assert_exit(run_get("-O", "-o", "x", server.url("/"), cwd=directory), 2, "choose one")


def test_fail():
    """--fail: a status that is not 2xx is an error of its own, and nothing is saved."""
    def respond(request, connection):
        path = request_path(request)
        if path == "/missing":
            send_with_length(connection, b"<h1>Not Found</h1>", status="404 Not Found")
        elif path == "/moved":
            send_with_length(connection, b"", status="301 Moved Permanently", headers=[("Location", "/ok")])
        else:
            send_with_length(connection, b"fine")

    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        page = os.path.join(directory, "page")
        with open(page, "wb") as file:
            file.write(b"kept")
        result = run_get("--fail", "-o", "page", server.url("/missing"), cwd=directory)
        assert_exit(result, 22, "the server answered 404 Not Found")
        assert saved(directory, "page") == b"kept"
        # Without --fail the error page is a page like any other.
        result = run_get("-o", "page", server.url("/missing"), cwd=directory)
        assert_exit(result, 0)
        assert saved(directory, "page") == b"<h1>Not Found</h1>"

        # A 3xx without -L: saved, and stderr says so; -f fails only from 400 on, as curl's.
        result = run_get("-o", "m", server.url("/moved"), cwd=directory)
        assert_exit(result, 0, "The server redirects to /ok (-L follows redirects)")
        result = run_get("-f", "-o", "m2", server.url("/moved"), cwd=directory)
        assert_exit(result, 0, "The server redirects to /ok")
        assert saved(directory, "m2") == b""
        result = run_get("-f", "-L", "-o", "ok", server.url("/moved"), cwd=directory)
        assert_exit(result, 0)
        assert saved(directory, "ok") == b"fine"


def test_verbose_and_request_options():
    """-v shows both heads, prefixed; -A, -H and -s do what curl users expect."""
    def respond(request, connection):
        send_with_length(connection, b"hello", headers=[("X-Server", "scripted")])

    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        result = run_get("-v", "-A", "probe/2.0", "-H", "X-Trace: 42", "-H", "Accept: text/plain",
                         "-H", "Connection:", "--header", "X-Other: 1", "-o", "v", server.url("/v"),
                         cwd=directory)
        assert_exit(result, 0, "> GET /v HTTP/1.1\n", f"> Host: 127.0.0.1:{server.port}\n",
                    "> User-Agent: probe/2.0\n", "> X-Trace: 42\n", "\n>\n",
                    "< HTTP/1.1 200 OK\n", "< X-Server: scripted\n", "\n<\n", "* Connecting to 127.0.0.1")
        assert result.stdout.decode().startswith("HTTP/1.1 200 OK\n"), "-v took the head off stdout"
        request = server.requests[0].decode()
        assert "\r\nUser-Agent: probe/2.0\r\n" in request, request
        assert "\r\nAccept: text/plain\r\n" in request and "*/*" not in request, request
        assert "Connection:" not in request, "-H 'Connection:' did not remove the field"
        assert request.endswith("\r\nX-Trace: 42\r\nX-Other: 1"), request

        result = run_get("--silent", "-o", "s", server.url("/s"), cwd=directory)
        assert_exit(result, 0)
        assert result.stderr == b"", result.stderr
        result = run_get("--head", server.url("/h"), cwd=directory)
        assert_exit(result, 0)
        assert server.requests[-1].startswith(b"HEAD /h HTTP/1.1\r\n")

        for bad in (["-H", "NoColon", "h"], ["-H", "Bad Name: x", "h"], ["--resolve", "h:80", "h"],
                    ["--resolve", "h:x:127.0.0.1", "h"], ["--proxy", "ftp://p:1", "h"],
                    ["--stall-timeout", "0", "h"], ["--connect-timeout", "0", "h"]):
            assert_exit(run_get(*bad, cwd=directory), 2, "Try 'http_get --help'")


def test_resolve():
    """--resolve reaches any name on 127.0.0.1 without DNS; Host and TLS still use the name."""
    with tempfile.TemporaryDirectory() as keys, tempfile.TemporaryDirectory() as directory:
        ca_file, tls = make_certificates(keys, names=("www.example.test",))
        with ScriptedServer(serve_bodies, tls=tls) as server:
            url = f"https://www.example.test:{server.port}/files/100"
            result = run_get("--cacert", ca_file, "--resolve", f"www.example.test:{server.port}:127.0.0.1",
                             url, cwd=directory)
            assert_exit(result, 0, "Saved 100 bytes to 100")
            assert f"\r\nHost: www.example.test:{server.port}\r\n".encode() in server.requests[0]


def tinyproxy_program():
    for path in ("/usr/sbin/tinyproxy", "/usr/bin/tinyproxy"):
        if os.access(path, os.X_OK):
            return path
    raise Skip("tinyproxy is not installed (apt-get install tinyproxy)")


class TinyProxy:
    """A real proxy (Debian's tinyproxy) on 127.0.0.1, on a port picked here,
    with a configuration written for the test; stopped when the block ends."""

    def __init__(self, directory):
        self.program = tinyproxy_program()
        self.directory = directory
        self.port = None
        self.process = None
        self.log_path = os.path.join(directory, "tinyproxy.log")

    def __enter__(self):
        # tinyproxy cannot listen on port 0 and report it: take a free port and
        # hand it over (another process could grab it in between: then retry).
        for _ in range(5):
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                self.port = probe.getsockname()[1]
            config = os.path.join(self.directory, "tinyproxy.conf")
            with open(config, "w") as file:
                file.write(f"Port {self.port}\nListen 127.0.0.1\nBindSame yes\nTimeout 20\n"
                           f"Allow 127.0.0.1\nMaxClients 20\nLogLevel Info\n"
                           f"LogFile \"{self.log_path}\"\nViaProxyName \"hello-test-proxy\"\n")
            self.process = subprocess.Popen([self.program, "-d", "-c", config], stdin=subprocess.DEVNULL,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if wait_until_listening(self.process, self.port):
                return self
            self._stop()
        raise AssertionError("tinyproxy did not start")

    def __exit__(self, *exc):
        self._stop()

    def _stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self):
        with open(self.log_path, errors="replace") as file:
            return file.read()

    def url(self):
        return f"http://127.0.0.1:{self.port}"


def run_get_with_environment(*args, cwd, environment):
    env = {name: value for name, value in os.environ.items() if "proxy" not in name.lower()}
    env.update(environment)
    return subprocess.run([HTTP_GET, *args], cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=60, env=env)


def test_proxy():
    """Plain http through a real proxy (absolute form), https through its CONNECT
    tunnel with the certificate checked against the origin's name, no_proxy, --proxy."""
    with tempfile.TemporaryDirectory() as keys, tempfile.TemporaryDirectory() as directory, \
            TinyProxy(keys) as proxy, ScriptedServer(serve_bodies) as origin:
        result = run_get_with_environment("-v", origin.url("/files/3000"), cwd=directory,
                                          environment={"http_proxy": proxy.url()})
        assert_exit(result, 0, "Saved 3000 bytes to 3000",
                    f"> GET http://127.0.0.1:{origin.port}/files/3000 HTTP/1.1",
                    f"* Connecting to 127.0.0.1 port {proxy.port} (the proxy)")
        assert saved(directory, "3000") == body_of(3000)
        assert b"hello-test-proxy" in origin.requests[-1], f"not through the proxy: {origin.requests[-1]}"

        # no_proxy naming the origin: straight there.
        result = run_get_with_environment(origin.url("/files/10"), cwd=directory,
                                          environment={"http_proxy": proxy.url(), "no_proxy": "127.0.0.1"})
        assert_exit(result, 0)
        assert b"hello-test-proxy" not in origin.requests[-1], "no_proxy was ignored"
        result = run_get_with_environment("--proxy", proxy.url(), origin.url("/files/20"), cwd=directory,
                                          environment={})
        assert_exit(result, 0)
        assert b"hello-test-proxy" in origin.requests[-1]

        ca_file, tls = make_certificates(keys)
        with ScriptedServer(lambda request, connection: send_with_length(connection, b"secret"),
                            tls=tls) as tls_origin:
            url = tls_origin.url("/s", scheme="https", host="localhost")
            result = run_get_with_environment("--cacert", ca_file, "-o", "s", "-v", url, cwd=directory,
                                              environment={"https_proxy": proxy.url()})
            assert_exit(result, 0, "Saved 6 bytes to s", "Asking the proxy for a tunnel to localhost",
                        "certificate verified")
            assert saved(directory, "s") == b"secret"
            assert f"CONNECT localhost:{tls_origin.port}" in proxy.log(), proxy.log()
            # The tunnel is end to end: a name the certificate does not carry is refused.
            result = run_get_with_environment("--cacert", ca_file, tls_origin.url("/s", scheme="https"),
                                              cwd=directory, environment={"https_proxy": proxy.url()})
            assert_exit(result, 60, "IP address mismatch")

        # A tunnel the proxy cannot open.
        with socket.socket() as unused:
            unused.bind(("127.0.0.1", 0))
            closed_port = unused.getsockname()[1]
        result = run_get_with_environment("--proxy", proxy.url(), f"https://127.0.0.1:{closed_port}/",
                                          cwd=directory, environment={})
        assert_exit(result, 56, "the proxy refused the tunnel")


def test_idn():
    """bücher.example: punycode in the Host line, and a certificate for the punycode name verifies."""
    punycode = "xn--bcher-kva.example"
    with tempfile.TemporaryDirectory() as keys, tempfile.TemporaryDirectory() as directory:
        ca_file, tls = make_certificates(keys, names=(punycode,))
        with ScriptedServer(serve_bodies, tls=tls) as server:
            url = f"https://bücher.example:{server.port}/files/77"
            result = run_get("--cacert", ca_file, "--resolve", f"bücher.example:{server.port}:127.0.0.1",
                             url, cwd=directory)
            if b"without libidn2" in result.stderr:
                raise Skip("built without libidn2 (-Didn=disabled)")
            assert_exit(result, 0, "Saved 77 bytes to 77")
            assert saved(directory, "77") == body_of(77)
            assert f"\r\nHost: {punycode}:{server.port}\r\n".encode() in server.requests[-1], server.requests
            # --resolve may name the converted form too.
            result = run_get("--cacert", ca_file, "--resolve", f"{punycode}:{server.port}:127.0.0.1",
                             "-o", "again", url, cwd=directory)
            assert_exit(result, 0)


def test_not_modified_keeps_the_file():
    """A 304 (and a HEAD) has no body to save: the existing file is left as it was."""
    def respond(request, connection):
        if b"\r\nIf-None-Match: \"v1\"" in request:
            connection.sendall(response_head("304 Not Modified", [("ETag", '"v1"')]))
        else:
            send_with_length(connection, b"fresh", headers=[("ETag", '"v1"')])

    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        with open(os.path.join(directory, "h.txt"), "wb") as file:
            file.write(b"what we had")
        result = run_get("-H", 'If-None-Match: "v1"', "-o", "h.txt", server.url("/h.txt"), cwd=directory)
        assert_exit(result, 0, "No body to save (304 Not Modified): h.txt left as it was")
        assert saved(directory, "h.txt") == b"what we had"
        result = run_get("-I", "-o", "h.txt", server.url("/h.txt"), cwd=directory)
        assert_exit(result, 0)
        assert saved(directory, "h.txt") == b"what we had"
        assert os.listdir(directory) == ["h.txt"], os.listdir(directory)


def test_signal_removes_the_temporary_file():
    """SIGINT, SIGTERM and SIGHUP in the middle of a body without a validator (so nothing
    -C - could continue): the temporary file goes, the old file stays, and the program
    ends by the signal, as curl does."""
    body = body_of(200_000, seed=8)

    def respond(request, connection):
        connection.sendall(response_head("200 OK", [("Content-Length", len(body) * 100)]) + body)
        while not server.stopping:
            time.sleep(0.05)  # never finishes

    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        with open(os.path.join(directory, "big"), "wb") as file:
            file.write(b"old")
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            process = subprocess.Popen([HTTP_GET, "-o", "big", server.url("/")], cwd=directory,
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE)
            deadline = time.monotonic() + 20
            temporary = []
            while time.monotonic() < deadline and not temporary:
                temporary = [name for name in os.listdir(directory)
                             if name.startswith(".big.http_get-")
                             and os.path.getsize(os.path.join(directory, name)) > 0]
                time.sleep(0.02)
            assert temporary, "no temporary file with the first bytes appeared"
            process.send_signal(number)
            _, stderr = process.communicate(timeout=20)
            assert process.returncode == -number, f"{number!r}: exit {process.returncode}; {stderr!r}"
            assert os.listdir(directory) == ["big"], os.listdir(directory)
            assert saved(directory, "big") == b"old"


def test_upper_case_http_proxy_ignored():
    """HTTP_PROXY is what CGI makes of a client's Proxy header (httpoxy): ignored."""
    def trap(request, connection):
        send_with_length(connection, b"from the trap")

    with ScriptedServer(serve_bodies) as origin, ScriptedServer(trap) as proxy, \
            tempfile.TemporaryDirectory() as directory:
        result = run_get_with_environment("-o", "x", origin.url("/files/30"), cwd=directory,
                                          environment={"HTTP_PROXY": proxy.url()})
        assert_exit(result, 0)
        assert proxy.requests == [], "went through HTTP_PROXY"
        assert saved(directory, "x") == body_of(30)


def test_credentials_stay_with_their_origin():
    """-L: Authorization, Cookie, -u and URL credentials follow a redirect on the
    same origin, and are dropped when it goes to another port (another origin)."""
    def other(request, connection):
        send_with_length(connection, b"elsewhere")

    with ScriptedServer(other) as elsewhere:
        def origin(request, connection):
            path = request_path(request)
            if path == "/away":
                target = elsewhere.url("/landed")
            elif path == "/here":
                target = "/final"
            else:
                send_with_length(connection, b"home")
                return
            connection.sendall(response_head("302 Found", [("Location", target), ("Content-Length", 0)]))

        with ScriptedServer(origin) as server, tempfile.TemporaryDirectory() as directory:
            secrets = [b"Authorization: Bearer s3cret", b"Cookie: session=abc"]
            headers = ["-H", "Authorization: Bearer s3cret", "-H", "Cookie: session=abc", "-H", "X-Other: 1"]
            result = run_get("-L", *headers, "-o", "a", server.url("/away"), cwd=directory)
            assert_exit(result, 0)
            assert all(secret in server.requests[-1] for secret in secrets), server.requests[-1]
            landed = elsewhere.requests[-1]
            assert not any(secret in landed for secret in secrets), landed
            assert b"X-Other: 1" in landed, landed

            result = run_get("-L", *headers, "-o", "b", server.url("/here"), cwd=directory)
            assert_exit(result, 0)
            assert all(secret in server.requests[-1] for secret in secrets), server.requests[-1]

            basic = b"Authorization: Basic dXNlcjpwQHNz"  # user:p@ss
            url = server.url("/away").replace("http://", "http://user:p%40ss@")
            result = run_get("-L", "-o", "c", url, cwd=directory)
            assert_exit(result, 0)
            assert basic in server.requests[-1], server.requests[-1]
            assert b"Authorization" not in elsewhere.requests[-1], elsewhere.requests[-1]
            assert b"p%40ss" not in result.stdout + result.stderr, "the password was printed"
            result = run_get("-L", "-u", "user:p@ss", "-o", "d", server.url("/away"), cwd=directory)
            assert_exit(result, 0)
            assert basic in server.requests[-1], server.requests[-1]
            assert b"Authorization" not in elsewhere.requests[-1], elsewhere.requests[-1]


def test_scripting_options():
    """-w, -sS, -s -o -, -i, -D, -e, --max-redirs and fractional durations, as curl users type them."""
    def respond(request, connection):
        path = request_path(request)
        if path.startswith("/hop"):
            hops = int(path[4:])
            target = f"/hop{hops - 1}" if hops > 1 else "/page"
            connection.sendall(response_head("302 Found", [("Location", target), ("Content-Length", 0)]))
        elif path == "/slow":
            connection.sendall(response_head("200 OK", [("Content-Length", 10)]))
            time.sleep(3)
        else:
            send_with_length(connection, b"the page", headers=[("Content-Type", "text/plain")])

    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        result = run_get("-s", "-L", "-o", "p", "-w",
                         r"%{http_code} %{size_download} %{num_redirects} %{remote_ip} %{content_type} "
                         r"%{url_effective} %{exitcode}\n%{time_connect} %{time_starttransfer} %{time_total}",
                         server.url("/hop2"), cwd=directory)
        assert_exit(result, 0)
        assert result.stderr == b"", result.stderr
        lines = result.stdout.decode().splitlines()
        assert lines[-2] == f"200 8 2 127.0.0.1 text/plain {server.url('/page')} 0", lines
        connect, first_byte, total = (float(value) for value in lines[-1].split())
        assert 0 < connect <= first_byte <= total < 30, lines[-1]

        # --max-redirs, and an error reported by -w (with -sS, on stderr too).
        result = run_get("-sS", "-L", "--max-redirs", "1", "-o", "p", "-w", "%{exitcode}:%{errormsg}",
                         server.url("/hop2"), cwd=directory)
        assert_exit(result, 47, "more than 1 redirects")
        assert result.stdout.decode().endswith("47:more than 1 redirects (--max-redirs; the next to "
                                               f"{server.url('/page')})"), result.stdout
        result = run_get("-s", "-L", "--max-redirs", "1", "-o", "p", server.url("/hop2"), cwd=directory)
        assert_exit(result, 47)
        assert result.stderr == b"", "-s without -S shows errors"

        # -m 0.5: a fraction of a second.
        started = time.monotonic()
        result = run_get("-sS", "-m", "0.5", "-o", "slow", server.url("/slow"), cwd=directory)
        assert_exit(result, 28, "--max-time 500ms")
        assert time.monotonic() - started < 2.5

        # -s -o -: the body and nothing else; -i puts the head before it, -D into its file, -e sends a Referer.
        result = run_get("-s", "-o", "-", server.url("/page"), cwd=directory)
        assert_exit(result, 0)
        assert result.stdout == b"the page" and result.stderr == b"", result
        result = run_get("-s", "-i", "-D", "heads", "-e", "http://from.example/", "-o", "-",
                         server.url("/page"), cwd=directory)
        assert_exit(result, 0)
        assert result.stdout.startswith(b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n"), result.stdout
        assert result.stdout.endswith(b"\r\n\r\nthe page"), result.stdout
        assert saved(directory, "heads") == result.stdout[:-len(b"the page")]
        assert b"\r\nReferer: http://from.example/" in server.requests[-1], server.requests[-1]
        result = run_get("-i", "-o", "with-head", server.url("/page"), cwd=directory)
        assert_exit(result, 0)
        assert saved(directory, "with-head") == saved(directory, "heads") + b"the page"
        assert result.stdout == b"", "-i: the head went to the file, not stdout"


def test_address_family_and_verbose_connection():
    """-4/-6 choose the addresses tried; -v names the address and the TLS version and cipher."""
    with tempfile.TemporaryDirectory() as keys, tempfile.TemporaryDirectory() as directory:
        ca_file, tls = make_certificates(keys)
        with ScriptedServer(serve_bodies, tls=tls) as server:
            url = server.url("/files/5", scheme="https", host="localhost")
            result = run_get("-v", "-4", "--cacert", ca_file, url, cwd=directory)
            assert_exit(result, 0, f"* Connected to localhost (127.0.0.1) port {server.port}",
                        "certificate verified")
            assert re.search(r"\* TLSv1\.[23] with \S+", result.stderr.decode()), result.stderr
            result = run_get("-6", "--cacert", ca_file, server.url("/files/5", scheme="https",
                                                                   host="127.0.0.1"), cwd=directory)
            assert_exit(result, 6)


def test_compressed():
    """--compressed asks for gzip and deflate and saves the decoded body, byte for byte;
    a corrupt one is an error that saves nothing; a bomb stops at --max-filesize."""
    text = b"".join(b"line %d of a page that compresses well\n" % n for n in range(50_000))
    encoders = {
        "/gzip": ("gzip", lambda data: zlib.compress(data, wbits=31)),
        "/deflate": ("deflate", lambda data: zlib.compress(data)),
        "/raw-deflate": ("deflate", lambda data: zlib.compress(data, wbits=-15)),
    }

    def respond(request, connection):
        path = request_path(request)
        if path == "/bomb":
            send_with_length(connection, zlib.compress(bytes(200 << 20), wbits=31),
                             headers=[("Content-Encoding", "gzip")])
        elif path == "/corrupt":
            body = bytearray(zlib.compress(text, wbits=31))
            body[len(body) // 2] ^= 0xFF
            send_with_length(connection, bytes(body), headers=[("Content-Encoding", "gzip")])
        elif b"Accept-Encoding: gzip, deflate" in request:
            coding, encode = encoders[path]
            connection.sendall(response_head("200 OK", [("Content-Encoding", coding),
                                                        ("Transfer-Encoding", "chunked")]))
            body = encode(text)
            for at in range(0, len(body), 5000):
                piece = body[at:at + 5000]
                connection.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
            connection.sendall(b"0\r\n\r\n")
        else:
            send_with_length(connection, text)

    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        for path in encoders:
            result = run_get("--compressed", "-o", "page", server.url(path), cwd=directory)
            assert_exit(result, 0, f"Saved {len(text)} bytes to page")
            assert saved(directory, "page") == text, path
        result = run_get("-o", "plain", server.url("/gzip"), cwd=directory)
        assert_exit(result, 0)
        assert b"Accept-Encoding" not in server.requests[-1]

        with open(os.path.join(directory, "page"), "wb") as file:
            file.write(b"old")
        result = run_get("--compressed", "-o", "page", server.url("/corrupt"), cwd=directory)
        assert_exit(result, 61, "the gzip body is corrupt")
        started = time.monotonic()
        result = run_get("--compressed", "--max-filesize", "10M", "-o", "page", server.url("/bomb"),
                         cwd=directory)
        assert_exit(result, 63, "larger than --max-filesize 10485760")
        assert time.monotonic() - started < 20
        assert sorted(os.listdir(directory)) == ["page", "plain"], os.listdir(directory)
        assert saved(directory, "page") == b"old"


def test_max_filesize():
    """--max-filesize: an announced length over it fails before anything is written,
    a body without one fails when it passes it; exit 63 as curl's."""
    body = body_of(100_000, seed=9)

    def respond(request, connection):
        if request_path(request) == "/chunked":
            connection.sendall(response_head("200 OK", [("Transfer-Encoding", "chunked")]))
            for at in range(0, len(body), 10_000):
                connection.sendall(b"%x\r\n%s\r\n" % (10_000, body[at:at + 10_000]))
            connection.sendall(b"0\r\n\r\n")
        else:
            send_with_length(connection, body)

    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        for path in ("/length", "/chunked"):
            result = run_get("--max-filesize", "99999", "-o", "f", server.url(path), cwd=directory)
            assert_exit(result, 63, "--max-filesize 99999")
            assert os.listdir(directory) == [], os.listdir(directory)
            result = run_get("--max-filesize", "100000", "-o", "f", server.url(path), cwd=directory)
            assert_exit(result, 0)
            assert saved(directory, "f") == body
            os.remove(os.path.join(directory, "f"))
        result = run_get("--max-filesize", "1k", "-o", "f", server.url("/length"), cwd=directory)
        assert_exit(result, 63, "more than --max-filesize 1024")
        # -C - keeps what a failed transfer got, but not a body that is too large.
        result = run_get("-C", "-", "--max-filesize", "99999", "-o", "f", server.url("/chunked"), cwd=directory)
        assert_exit(result, 63)
        assert os.listdir(directory) == [], os.listdir(directory)


def ranged_server(state):
    """A server of state["body"] with ETag state["etag"] that honours Range and If-Range as
    RFC 9110 says; state["cut_at"] cuts the next response's body short once, state["stall_at"]
    stops sending there once (until the client leaves); state["bare_416"] leaves Content-Range
    out of a 416, as Apache and lighttpd do, state["always_416"] answers 416 to any Range."""
    def respond(request, connection):
        body, etag = state["body"], state["etag"]
        match = re.search(rb"\r\nRange: bytes=(\d+)-", request)
        if_range = re.search(rb"\r\nIf-Range: (.*)", request)
        start = int(match.group(1)) if match else None
        if start is not None and if_range and if_range.group(1).decode() != etag:
            start = None  # the resource changed: the whole of it
        if state.get("wrong_offset") and start is not None:
            start -= 1
        if start is not None and (start >= len(body) or state.get("always_416")):
            fields = [("Content-Length", 0)]
            if not state.get("bare_416") and not state.get("always_416"):
                fields.append(("Content-Range", f"bytes */{len(body)}"))
            connection.sendall(response_head("416 Range Not Satisfiable", fields))
            return
        headers = [("ETag", etag), ("Content-Length", len(body) - (start or 0))]
        if start is None:
            head, rest = response_head("200 OK", headers), body
        else:
            headers.append(("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}"))
            head, rest = response_head("206 Partial Content", headers), body[start:]
        cut = state.pop("cut_at", None)
        stall = state.pop("stall_at", None)
        if stall is None:
            connection.sendall(head + (rest[:cut] if cut is not None else rest))
            return
        connection.sendall(head + rest[:stall])
        connection.settimeout(20)
        connection.recv(1)  # until the client is gone
    return respond


def test_resume():
    """-C -: a failed transfer keeps what arrived; the next one asks for the rest with
    Range and If-Range and appends it; a changed resource is fetched whole, not spliced."""
    first, second = body_of(1_000_000, seed=10), body_of(900_000, seed=11)
    state = {"body": first, "etag": '"v1"', "cut_at": 400_000}
    with ScriptedServer(ranged_server(state)) as server, tempfile.TemporaryDirectory() as directory:
        result = run_get("-C", "-", "-o", "f", server.url("/f"), cwd=directory)
        assert_exit(result, 18)
        assert saved(directory, "f") == first[:400_000], "the partial file was not kept"
        result = run_get("-C", "-", "-o", "f", server.url("/f"), cwd=directory)
        assert_exit(result, 0, "Appended 600000 bytes to f")
        assert b"\r\nRange: bytes=400000-\r\nIf-Range: \"v1\"" in server.requests[-1], server.requests[-1]
        assert saved(directory, "f") == first
        result = run_get("-C", "-", "-o", "f", server.url("/f"), cwd=directory)
        assert_exit(result, 0, "f is complete already (1000000 bytes)")
        assert saved(directory, "f") == first

        # The resource changes between the two parts: If-Range makes the server send it whole.
        os.remove(os.path.join(directory, "f"))
        state["cut_at"] = 300_000
        assert_exit(run_get("-C", "-", "-o", "f", server.url("/f"), cwd=directory), 18)
        state.update(body=second, etag='"v2"')
        result = run_get("-C", "-", "-o", "f", server.url("/f"), cwd=directory)
        assert_exit(result, 0, "starting over", "Saved 900000 bytes to f")
        assert saved(directory, "f") == second

        # A server that resumes elsewhere is not spliced in.
        os.remove(os.path.join(directory, "f"))
        state["cut_at"] = 100_000
        assert_exit(run_get("-C", "-", "-o", "f", server.url("/f"), cwd=directory), 18)
        state["wrong_offset"] = True
        result = run_get("-C", "-", "-o", "f", server.url("/f"), cwd=directory)
        assert_exit(result, 33, "resumed at byte 99999, not at 100000")
        assert saved(directory, "f") == second[:100_000]
        assert os.listdir(directory) == ["f"], os.listdir(directory)


def wait_for_temporary_file(directory, size):
    """Waits (bounded) until a temporary file of http_get's in `directory` has `size` bytes;
    True when it came."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for name in os.listdir(directory):
            if ".http_get-" in name and os.path.getsize(os.path.join(directory, name)) == size:
                return True
        time.sleep(0.02)
    return False


def test_signal_keeps_a_partial_for_resume():
    """Ctrl-C (or SIGTERM) mid-body keeps what arrived, marked, where -C - finds it: beside
    an old file, which stays as it was, or at the target where there was none; the next
    -C - continues it and puts the whole resource in place, never appending to the old file."""
    body = body_of(300_000, seed=16)
    state = {"body": body, "etag": '"v1"'}
    with ScriptedServer(ranged_server(state)) as server, tempfile.TemporaryDirectory() as directory:
        for number, old in ((signal.SIGINT, b"old!"), (signal.SIGTERM, None)):
            for name in os.listdir(directory):
                os.remove(os.path.join(directory, name))
            if old is not None:
                with open(os.path.join(directory, "f"), "wb") as file:
                    file.write(old)
            state["stall_at"] = 120_000
            process = subprocess.Popen([HTTP_GET, "-o", "f", server.url("/f")], cwd=directory,
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            arrived = wait_for_temporary_file(directory, 120_000)
            process.send_signal(number)
            _, stderr = process.communicate(timeout=20)
            assert arrived, "the first 120,000 bytes never reached the disk"
            assert process.returncode == -number, f"exit {process.returncode}: {stderr!r}"
            kept = ".f.http_get-partial" if old else "f"
            assert sorted(os.listdir(directory)) == sorted({"f", kept}), os.listdir(directory)
            assert saved(directory, kept) == body[:120_000], "the partial was not kept"
            assert os.getxattr(os.path.join(directory, kept), "user.http_get.validator") == b'"v1"'
            if old:
                assert saved(directory, "f") == old, "the old file was replaced by a partial"

            result = run_get("-C", "-", "-o", "f", server.url("/f"), cwd=directory)
            assert_exit(result, 0, "Appended 180000 bytes to f")
            assert b"\r\nRange: bytes=120000-\r\nIf-Range: \"v1\"" in server.requests[-1], server.requests[-1]
            assert saved(directory, "f") == body
            assert os.listdir(directory) == ["f"], os.listdir(directory)


def test_resume_never_appends_to_a_file_of_unknown_origin():
    """-C - on a file http_get did not mark (an old version, curl's, anything) fetches the
    whole resource through a temporary file instead of appending to it."""
    body = body_of(50_000, seed=17)
    state = {"body": body, "etag": '"v1"'}
    with ScriptedServer(ranged_server(state)) as server, tempfile.TemporaryDirectory() as directory:
        with open(os.path.join(directory, "f"), "wb") as file:
            file.write(b"old!")
        result = run_get("-C", "-", "-o", "f", server.url("/f"), cwd=directory)
        assert_exit(result, 0, "f is no partial http_get kept", "Saved 50000 bytes to f")
        assert b"\r\nRange:" not in server.requests[-1], server.requests[-1]
        assert saved(directory, "f") == body
        assert os.listdir(directory) == ["f"], os.listdir(directory)


def test_resume_416_without_content_range():
    """A 416 without Content-Range (Apache, lighttpd) to -C - of a file http_get saved whole
    is success; one that cannot prove the file complete makes http_get ask for the whole
    resource, so `until http_get -C - ...` always ends."""
    body = body_of(200_000, seed=18)
    state = {"body": body, "etag": '"v1"', "bare_416": True}
    with ScriptedServer(ranged_server(state)) as server, tempfile.TemporaryDirectory() as directory:
        assert_exit(run_get("-o", "f", server.url("/f"), cwd=directory), 0)
        result = run_get("-C", "-", "-o", "f", server.url("/f"), cwd=directory)
        assert_exit(result, 0, "f is complete already (200000 bytes)")
        assert b"\r\nRange: bytes=200000-\r\nIf-Range: \"v1\"" in server.requests[-1], server.requests[-1]
        assert saved(directory, "f") == body

        # A server that answers 416 to any Range: the partial is not complete, so the whole again.
        os.remove(os.path.join(directory, "f"))
        state.update(cut_at=50_000, always_416=True)
        assert_exit(run_get("-o", "f", server.url("/f"), cwd=directory), 18)
        assert saved(directory, "f") == body[:50_000]
        requests = len(server.requests)
        result = run_get("-C", "-", "-o", "f", server.url("/f"), cwd=directory)
        assert_exit(result, 0, "does not say f is complete", "Saved 200000 bytes to f")
        assert len(server.requests) == requests + 2
        assert b"\r\nRange: bytes=50000-" in server.requests[-2] and b"Range:" not in server.requests[-1]
        assert saved(directory, "f") == body
        assert os.listdir(directory) == ["f"], os.listdir(directory)


def test_retry():
    """--retry: 503 with Retry-After, then success; refused connections; a 404 is not
    retried; --retry-max-time; the old file is never replaced by an error page between tries."""
    statuses = []

    def respond(request, connection):
        status = statuses.pop(0) if statuses else "200 OK"
        headers = [("Retry-After", "1")] if status.startswith("503") else []
        send_with_length(connection, status.encode(), status=status, headers=headers)

    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        with open(os.path.join(directory, "f"), "wb") as file:
            file.write(b"old")
        statuses[:] = ["503 Service Unavailable", "503 Service Unavailable"]
        started = time.monotonic()
        result = run_get("--retry", "3", "-o", "f", server.url("/"), cwd=directory)
        assert_exit(result, 0, "Transient failure (the server answered 503 Service Unavailable): retrying in 1s")
        assert 1.9 < time.monotonic() - started < 15
        assert len(server.requests) == 3
        assert saved(directory, "f") == b"200 OK"

        statuses[:] = ["404 Not Found", "200 OK"]
        result = run_get("--retry", "3", "-f", "-o", "f", server.url("/"), cwd=directory)
        assert_exit(result, 22)
        assert len(server.requests) == 4

        statuses[:] = ["500 Internal Server Error"] * 3
        result = run_get("--retry", "2", "--retry-delay", "0.1", "-f", "-o", "f", server.url("/"), cwd=directory)
        assert_exit(result, 22, "500 Internal Server Error")
        assert len(server.requests) == 7
        assert saved(directory, "f") == b"200 OK"

        # Retry-After beyond --retry-max-time: no second try.
        statuses[:] = ["503 Service Unavailable"]
        result = run_get("--retry", "3", "--retry-max-time", "0.5", "-f", "-o", "f", server.url("/"), cwd=directory)
        assert_exit(result, 22)
        assert len(server.requests) == 8

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed_port = unused.getsockname()[1]
    with tempfile.TemporaryDirectory() as directory:
        # A refused connection is no transient failure to curl, unless --retry-connrefused.
        result = run_get("--retry", "2", "--retry-delay", "100ms", f"http://127.0.0.1:{closed_port}/",
                         cwd=directory)
        assert_exit(result, 7)
        assert "Transient failure" not in result.stderr.decode(), result.stderr
        for flag in ("--retry-connrefused", "--retry-all-errors"):
            result = run_get("--retry", "2", flag, "--retry-delay", "100ms", f"http://127.0.0.1:{closed_port}/",
                             cwd=directory)
            assert_exit(result, 7)
            assert result.stderr.decode().count("Transient failure") == 2, (flag, result.stderr)


def progress_frames(url, columns, directory):
    """http_get's progress frames on a pty of `columns` columns, and how long it ran."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    started = time.monotonic()
    process = subprocess.Popen([HTTP_GET, "-o", "f", url], cwd=directory, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    output = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the program closed its end
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=30)
    elapsed = time.monotonic() - started
    os.close(master)
    assert process.returncode == 0, output
    frames = [frame for line in output.decode().split("\n") for frame in line.split("\r")]
    return [frame.rstrip() for frame in frames if "%" in frame], elapsed


def test_progress_display():
    """Every frame fits the terminal, at most four a second, with elapsed time and ETA
    when there is room, and the first frame claims no rate it has not measured."""
    block = body_of(100_000, seed=12)
    blocks = 25

    def respond(request, connection):
        connection.sendall(response_head("200 OK", [("Content-Length", len(block) * blocks)]))
        for _ in range(blocks):
            connection.sendall(block)
            time.sleep(0.1)

    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        for columns in (40, 100):
            frames, elapsed = progress_frames(server.url("/"), columns, directory)
            assert len(frames) >= 5, frames
            assert all(len(frame) < columns for frame in frames), frames
            assert len(frames) <= elapsed * 4 + 3, f"{len(frames)} frames in {elapsed:.1f}s"
            assert "--/s" in frames[0], frames[0]
            assert frames[-1].startswith("100%"), frames[-1]
            assert saved(directory, "f") == block * blocks
        assert "[" in frames[0] and any(re.search(r" 0:0\d ETA 0:0\d$", frame) for frame in frames), frames


def nginx_certificate(directory, names=("localhost",)):
    """make_certificates' CA file, and the (certificate, key) pair for nginx."""
    ca_file, _ = make_certificates(directory, names=names)
    return ca_file, (os.path.join(directory, "server.pem"), os.path.join(directory, "server.key"))


def test_nginx_compressed_and_chunked():
    """--compressed against nginx's gzip (chunked, since the length is unknown): the saved
    file is the served one byte for byte; and chunked output relayed from an upstream."""
    text = b"".join(b"%06d: a line of a text file that nginx compresses\n" % n for n in range(40_000))
    dripped = body_of(300_000, seed=13)

    def upstream(request, connection):
        connection.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n")
        for at in range(0, len(dripped), 30_000):
            connection.sendall(dripped[at:at + 30_000])
            time.sleep(0.02)

    with tempfile.TemporaryDirectory() as directory, ScriptedServer(upstream) as origin:
        ca_file, certificate = nginx_certificate(directory)
        server_block = ("gzip on; gzip_types text/plain; gzip_min_length 0;\n"
                        f"location /upstream/ {{ proxy_pass http://127.0.0.1:{origin.port}/; "
                        "proxy_buffering off; proxy_http_version 1.1; }")
        with Nginx(os.path.join(directory, "nginx"), certificate=certificate, server_block=server_block) as nginx:
            with open(os.path.join(nginx.root, "text.txt"), "wb") as file:
                file.write(text)
            for scheme in ("http", "https"):
                result = run_get("--compressed", "--cacert", ca_file, "-o", "text.txt",
                                 nginx.url("/text.txt", scheme=scheme, host="localhost"), cwd=directory)
                assert_exit(result, 0, f"Saved {len(text)} bytes to text.txt")
                head = result.stdout.decode()
                assert "Content-Encoding: gzip" in head and "Transfer-Encoding: chunked" in head, head
                assert saved(directory, "text.txt") == text
            result = run_get("-D", "-", "-w", "%{size_download}", "-o", "up", nginx.url("/upstream/x"),
                             cwd=directory)
            assert_exit(result, 0)
            assert "Transfer-Encoding: chunked" in result.stdout.decode(), result.stdout
            assert result.stdout.decode().endswith(str(len(dripped)))
            assert saved(directory, "up") == dripped


def test_nginx_ranges_etags_and_vhosts():
    """Against nginx: -C - with If-Range (the rest appended; a changed file fetched whole;
    a complete one left alone), a 304 for If-None-Match keeps the file, and two virtual
    hosts on one port told apart by SNI, each with its own certificate."""
    first, second = body_of(2_000_000, seed=14), body_of(1_500_000, seed=15)
    with tempfile.TemporaryDirectory() as directory:
        for name in ("a", "b"):
            os.makedirs(os.path.join(directory, name))
        ca_file, certificate = nginx_certificate(os.path.join(directory, "a"), names=("a.test",))
        ca_b, certificate_b = nginx_certificate(os.path.join(directory, "b"), names=("b.test",))
        http_block = (f"server {{ listen 127.0.0.1:@TLS_PORT@ ssl; server_name b.test; "
                      f"ssl_certificate {certificate_b[0]}; ssl_certificate_key {certificate_b[1]}; "
                      f"location / {{ return 200 'this is b.test'; }} }}")
        with Nginx(os.path.join(directory, "nginx"), certificate=certificate, http_block=http_block,
                   server_block="server_name a.test;") as nginx:
            served = os.path.join(nginx.root, "f.bin")
            with open(served, "wb") as file:
                file.write(first)
            url = nginx.url("/f.bin")
            result = run_get("-I", "-D", "heads", url, cwd=directory)
            assert_exit(result, 0)
            etag = re.search(rb"ETag: (\S+)", saved(directory, "heads")).group(1).decode()

            # The first 700,000 bytes, as a -C - that failed would have kept them.
            with open(os.path.join(directory, "f.bin"), "wb") as file:
                file.write(first[:700_000])
            os.setxattr(os.path.join(directory, "f.bin"), "user.http_get.validator", etag.encode())
            result = run_get("-C", "-", "-v", url, cwd=directory)
            assert_exit(result, 0, "Appended 1300000 bytes to f.bin", f"> If-Range: {etag}", "< HTTP/1.1 206")
            assert saved(directory, "f.bin") == first
            result = run_get("-C", "-", url, cwd=directory)
            assert_exit(result, 0, "complete already")

            # The file changes on the server: If-Range no longer matches, nginx sends it whole.
            with open(os.path.join(directory, "f.bin"), "r+b") as file:
                file.truncate(500_000)
            time.sleep(1.1)  # a Last-Modified second of its own
            with open(served, "wb") as file:
                file.write(second)
            result = run_get("-C", "-", url, cwd=directory)
            assert_exit(result, 0, "starting over", f"Saved {len(second)} bytes to f.bin")
            assert saved(directory, "f.bin") == second

            # 304 for the current ETag: the file stays as it is (here: something else entirely).
            result = run_get("-I", "-D", "heads", url, cwd=directory)
            etag = re.search(rb"ETag: (\S+)", saved(directory, "heads")).group(1).decode()
            with open(os.path.join(directory, "mine"), "wb") as file:
                file.write(b"kept")
            result = run_get("-H", f"If-None-Match: {etag}", "-o", "mine", url, cwd=directory)
            assert_exit(result, 0, "No body to save (304 Not Modified)")
            assert saved(directory, "mine") == b"kept"

            # SNI: one address and port, two names, two certificates.
            for name, ca, body in (("a.test", ca_file, second), ("b.test", ca_b, b"this is b.test")):
                path = "/f.bin" if name == "a.test" else "/"
                result = run_get("--cacert", ca, "--resolve", f"{name}:{nginx.tls_port}:127.0.0.1", "-o", "v",
                                 f"https://{name}:{nginx.tls_port}{path}", cwd=directory)
                assert_exit(result, 0)
                assert saved(directory, "v") == body
            result = run_get("--cacert", ca_b, "--resolve", f"a.test:{nginx.tls_port}:127.0.0.1", "-o", "v",
                             f"https://a.test:{nginx.tls_port}/f.bin", cwd=directory)
            assert_exit(result, 60, "the certificate of a.test was refused")


def test_apache_ranges_and_416():
    """Against Apache, which answers a Range past the end with a 416 without Content-Range:
    -C - of a file saved whole ends at once with exit 0 (curl's habit of retrying until it
    succeeds ends); a marked prefix is continued; an unmarked file is fetched whole; a
    changed file is sent whole because of If-Range."""
    first, second = body_of(1_500_000, seed=19), body_of(1_200_000, seed=20)
    with Apache() as apache, tempfile.TemporaryDirectory() as directory:
        served = os.path.join(apache.root, "f.bin")
        with open(served, "wb") as file:
            file.write(first)
        os.utime(served, (1_000_000_000, 1_000_000_000))  # an old file: Apache's ETag is strong
        url = apache.url("/f.bin")
        assert_exit(run_get("-o", "f", url, cwd=directory), 0, "Saved 1500000 bytes to f")
        result = run_get("-C", "-", "-v", "-o", "f", url, cwd=directory)
        assert_exit(result, 0, "< HTTP/1.1 416", "f is complete already (1500000 bytes)")
        assert saved(directory, "f") == first

        # What http_get saved, cut short: still marked, so continued with If-Range.
        os.truncate(os.path.join(directory, "f"), 600_000)
        result = run_get("-C", "-", "-v", "-o", "f", url, cwd=directory)
        assert_exit(result, 0, "> If-Range: \"", "< HTTP/1.1 206", "Appended 900000 bytes to f")
        assert saved(directory, "f") == first

        # A file of unknown origin by that name: fetched whole, not appended to.
        with open(os.path.join(directory, "g"), "wb") as file:
            file.write(first[:1000])
        result = run_get("-C", "-", "-v", "-o", "g", url, cwd=directory)
        assert_exit(result, 0, "g is no partial http_get kept", "Saved 1500000 bytes to g")
        assert "> Range:" not in result.stderr.decode()
        assert saved(directory, "g") == first

        # The file changes on the server: If-Range no longer matches, Apache sends it whole.
        os.truncate(os.path.join(directory, "f"), 500_000)
        with open(served, "wb") as file:
            file.write(second)
        os.utime(served, (1_000_000_100, 1_000_000_100))
        result = run_get("-C", "-", "-v", "-o", "f", url, cwd=directory)
        assert_exit(result, 0, "< HTTP/1.1 200", "starting over", "Saved 1200000 bytes to f")
        assert saved(directory, "f") == second
        assert sorted(os.listdir(directory)) == ["f", "g"], os.listdir(directory)


def test_nginx_interrupted_then_resumed():
    """The curl habit against nginx: `-o f` with an old f interrupted by Ctrl-C, then
    `-C - -o f`. The old f stays until the new one is whole; what arrived is kept beside it
    and continued with If-Range, not spliced onto the old f."""
    body = body_of(400_000, seed=21)
    with tempfile.TemporaryDirectory() as directory:
        # The first 150 KB at once, then 100 KB/s: the interruption comes mid-body.
        with Nginx(os.path.join(directory, "nginx"), server_block="limit_rate_after 150k; limit_rate 100k;") as nginx:
            with open(os.path.join(nginx.root, "f.bin"), "wb") as file:
                file.write(body)
            work = os.path.join(directory, "work")
            os.mkdir(work)
            with open(os.path.join(work, "f"), "wb") as file:
                file.write(b"old!")
            process = subprocess.Popen([HTTP_GET, "-o", "f", nginx.url("/f.bin")], cwd=work,
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            deadline, arrived = time.monotonic() + 20, False
            while time.monotonic() < deadline and not arrived and process.poll() is None:
                arrived = any(".http_get-" in name and os.path.getsize(os.path.join(work, name)) >= 150_000
                              for name in os.listdir(work))
                time.sleep(0.02)
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=20)
            assert arrived and process.returncode == -signal.SIGINT, f"exit {process.returncode}: {stderr!r}"
            assert saved(work, "f") == b"old!"
            kept = saved(work, ".f.http_get-partial")
            assert 150_000 <= len(kept) < len(body) and body.startswith(kept), len(kept)

            result = run_get("-C", "-", "-v", "-o", "f", nginx.url("/f.bin"), cwd=work)
            assert_exit(result, 0, f"> Range: bytes={len(kept)}-", "> If-Range: \"", "< HTTP/1.1 206",
                        f"Appended {len(body) - len(kept)} bytes to f")
            assert saved(work, "f") == body
            assert os.listdir(work) == ["f"], os.listdir(work)
