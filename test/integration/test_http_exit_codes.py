"""http_get's exit statuses are curl's: each one driven by a real failure on
loopback, and compared with curl's own status in the same case where curl is
installed. The table in src/http/command_line/exit_codes.hpp is what --help prints; the man
page must list the same numbers."""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

from harness import BUILD_DIR
from http_servers import ScriptedServer, make_certificates, request_path, response_head, send_with_length

HTTP_GET = os.path.abspath(os.path.join(BUILD_DIR, "http_get"))
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CURL = shutil.which("curl")


def closed_port():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        return unused.getsockname()[1]


def respond(request, connection):
    path = request_path(request)
    if path == "/missing":
        send_with_length(connection, b"gone", status="404 Not Found")
    elif path == "/cut":
        connection.sendall(response_head("200 OK", [("Content-Length", 1000)]) + b"x" * 100)
    elif path == "/empty":
        pass  # closes without a byte
    elif path == "/reset":
        connection.sendall(response_head("200 OK", [("Content-Length", 1_000_000)]) + b"x" * 1000)
        time.sleep(0.2)
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    elif path == "/loop":
        # Connection: close, or curl reuses the connection the server closes (exit 56).
        send_with_length(connection, b"", status="302 Found", headers=[("Location", "/loop"), ("Connection", "close")])
    elif path == "/garbage":
        connection.sendall(b"HTTP/1.1 200 OK\r\nX-No-Colon\r\n\r\n")
    elif path == "/bad-chunk":
        connection.sendall(response_head("200 OK", [("Transfer-Encoding", "chunked")]) + b"zz\r\n")
    elif path == "/silence":
        time.sleep(3)
    elif path == "/big":
        send_with_length(connection, b"y" * 5_000_000)
    elif path == "/gzip":
        connection.sendall(response_head("200 OK", [("Content-Encoding", "gzip"), ("Content-Length", 10)])
                           + b"not gzip!!")
    elif path == "/resume":
        # A 206 that starts elsewhere than the file ends: it cannot continue it.
        connection.sendall(response_head("206 Partial Content", [
            ("Content-Range", "bytes 0-9/20"), ("Content-Length", 10), ("ETag", '"v1"')]) + b"0123456789")
    else:
        send_with_length(connection, b"fine")


def marked_partial(directory):
    """A partial http_get would continue: 5 bytes of a 20-byte resource "v1"."""
    path = os.path.join(directory, "partial")
    with open(path, "wb") as file:
        file.write(b"01234")
    try:
        os.setxattr(path, "user.http_get.validator", b'"v1"')
        os.setxattr(path, "user.http_get.length", b"20")
        os.setxattr(path, "user.http_get.partial", b"1")
    except OSError:
        pytest.skip("no user extended attributes here: -C - keeps no partials")
    return path


def cases(server, tls_server, plain, directory):
    """(name, curl exit code, arguments, run with a closed stdout)."""
    url = server.url
    return [
        ("success", 0, ["-o", "out", url("/")], False),
        ("refused", 7, [f"http://127.0.0.1:{closed_port()}/"], False),
        # Longer than a DNS label may be: the resolver fails without a query leaving the machine.
        ("unknown host", 6, [f"http://{'x' * 64}.invalid/"], False),
        ("unknown proxy", 5, ["-x", f"http://{'x' * 64}.invalid:3128", url("/")], False),
        ("timeout", 28, ["-m", "1", url("/silence")], False),
        ("bad certificate", 60, [tls_server.url("/", scheme="https", host="localhost")], False),
        ("plain port for https", 35, [plain.url("/", scheme="https")], False),
        ("cut body", 18, ["-o", "out", url("/cut")], False),
        ("empty reply", 52, [url("/empty")], False),
        ("connection reset", 56, ["-o", "out", url("/reset")], False),
        ("weird reply", 8, [url("/garbage")], False),
        ("bad chunk", 56, ["-o", "out", url("/bad-chunk")], False),
        ("closed pipe", 23, ["-o", "-", url("/big")], True),
        ("redirect loop", 47, ["-L", url("/loop")], False),
        ("404 with -f", 22, ["-f", url("/missing")], False),
        ("resume range error", 33, ["-C", "-", "-o", "partial", url("/resume")], False),
        ("--max-filesize", 63, ["--max-filesize", "1000", "-o", "out", url("/big")], False),
        ("bad --compressed body", 61, ["--compressed", "-o", "out", url("/gzip")], False),
        ("missing --cacert", 77, ["--cacert", os.path.join(directory, "none.pem"),
                                  tls_server.url("/", scheme="https", host="localhost")], False),
        ("unsupported scheme", 1, ["gopherx://127.0.0.1/"], False),
        ("malformed URL", 3, ["http://[::1"], False),
        ("unknown option", 2, ["--no-such-option", url("/")], False),
    ]


def run(program, arguments, directory, closed_stdout):
    if closed_stdout:
        read_end, write_end = os.pipe()
        os.close(read_end)  # the reader is gone before the first byte: EPIPE
        try:
            process = subprocess.run([program, "-s", *arguments], cwd=directory, stdin=subprocess.DEVNULL,
                                     stdout=write_end, stderr=subprocess.PIPE, timeout=60)
        finally:
            os.close(write_end)
        return process.returncode
    return subprocess.run([program, "-s", *arguments], cwd=directory, stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=60).returncode


def test_exit_codes_are_curls():
    """Each failure exits with curl's number; where curl is installed, curl agrees."""
    with tempfile.TemporaryDirectory() as keys, tempfile.TemporaryDirectory() as directory:
        _, tls = make_certificates(keys)

        def plain_answer(request, connection):
            connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

        with ScriptedServer(respond) as server, ScriptedServer(respond, tls=tls) as tls_server, \
                ScriptedServer(plain_answer, read_request=False) as plain:
            wrong = []
            for name, code, arguments, closed_stdout in cases(server, tls_server, plain, directory):
                programs = [HTTP_GET] + ([CURL] if CURL else [])
                for program in programs:
                    if name == "resume range error":
                        marked_partial(directory)
                    status = run(program, arguments, directory, closed_stdout)
                    if status != code:
                        wrong.append(f"{name}: {os.path.basename(program)} exited {status}, wanted {code}")
            assert not wrong, "\n".join(wrong)


def help_codes():
    text = subprocess.run([HTTP_GET, "--help"], capture_output=True, text=True, timeout=30).stdout
    section = text.split("Exit status", 1)[1]
    return [int(code) for code in re.findall(r"^  (\d+) ", section, re.M)]


def test_help_and_man_page_list_the_same_exit_codes():
    with open(os.path.join(ROOT, "man", "http_get.1.in"), encoding="utf-8") as file:
        man = file.read()
    section = man.split(".SH EXIT STATUS", 1)[1].split(".SH ", 1)[0]
    man_codes = [int(code) for code in re.findall(r"^\.TP\n\.B (\d+)$", section, re.M)]
    assert man_codes == help_codes()
    assert {0, 6, 7, 18, 22, 28, 47, 52, 60, 63} <= set(man_codes)
