"""http_get against local servers: framing, failures, redirects, https.

Every server listens on loopback with a port the OS picks; every run of
http_get has a time limit; every saved file is compared with the served body
byte for byte.
"""

import os
import random
import re
import socket
import subprocess
import tempfile
import time

from harness import BUILD_DIR, Skip, run_with_peak_rss
from http_servers import (ScriptedServer, drip, make_certificates, request_path, response_head,
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
            assert_exit(result, 6, "--max-time 2s (the whole transfer) ran out")
            assert 1.9 < elapsed < 10, f"{path}: the 2s limit took {elapsed:.2f}s"
            assert os.listdir(directory) == [], f"{path}: left {os.listdir(directory)}"
        result, _ = timed_get("--max-time", "500ms", server.url("/slow"), cwd=directory)
        assert_exit(result, 6, "timed out reading the body: --max-time 500ms")


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
            assert_exit(result, 6, f"timed out {doing}: --stall-timeout 1s (no byte received) ran out")
            assert 0.9 < elapsed < 8, f"{path}: the 1s stall limit took {elapsed:.2f}s"
        # The sooner limit is the one named.
        result, elapsed = timed_get("--stall-timeout", "5s", "-m", "1s", server.url("/silent"), cwd=directory)
        assert_exit(result, 6, "--max-time 1s")
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
        assert_exit(result, 6, "timed out in the TLS handshake with 127.0.0.1: "
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
        assert_exit(result, 7, "more than 100 interim (1xx) responses")
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
        assert_exit(result, 8)
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
        assert_exit(result, 8)
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
        assert_exit(result, 11, "the server answered 404 Not Found")
        assert saved(directory, "page") == b"kept"
        # Without --fail the error page is a page like any other.
        result = run_get("-o", "page", server.url("/missing"), cwd=directory)
        assert_exit(result, 0)
        assert saved(directory, "page") == b"<h1>Not Found</h1>"

        # A 3xx without -L: saved without --fail, and stderr says so; an error with it.
        result = run_get("-o", "m", server.url("/moved"), cwd=directory)
        assert_exit(result, 0, "The server redirects to /ok (-L follows redirects)")
        result = run_get("-f", "-o", "m2", server.url("/moved"), cwd=directory)
        assert_exit(result, 11, "301 Moved Permanently")
        assert not os.path.exists(os.path.join(directory, "m2"))
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
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                    return self
                except OSError:
                    time.sleep(0.05)
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

        # Upper-case name, and no_proxy naming the origin: straight there.
        result = run_get_with_environment(origin.url("/files/10"), cwd=directory,
                                          environment={"HTTP_PROXY": proxy.url(), "no_proxy": "127.0.0.1"})
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
            assert_exit(result, 5, "IP address mismatch")

        # A tunnel the proxy cannot open.
        with socket.socket() as unused:
            unused.bind(("127.0.0.1", 0))
            closed_port = unused.getsockname()[1]
        result = run_get_with_environment("--proxy", proxy.url(), f"https://127.0.0.1:{closed_port}/",
                                          cwd=directory, environment={})
        assert_exit(result, 4, "the proxy refused the tunnel")


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
