"""http_get in scripts: what lands on stdout, what -D, -i and -w say, what
--retry does at its limits, and that the default output name never takes an
error page over a file. Each case is run with curl too where curl says the
same, so that the claim "as curl" is checked, not assumed."""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

from harness import BUILD_DIR
from http_servers import ScriptedServer, make_certificates, request_path, response_head, send_with_length

HTTP_GET = os.path.abspath(os.path.join(BUILD_DIR, "http_get"))
CURL = shutil.which("curl")


def run(*args, cwd, program=HTTP_GET, timeout=60):
    return subprocess.run([program, *args], cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=timeout)


def programs():
    return [HTTP_GET] + ([CURL] if CURL else [])


def respond(request, connection):
    path = request_path(request)
    if path.startswith("/missing"):
        send_with_length(connection, b"<h1>Not Found</h1>", status="404 Not Found")
    elif path == "/hop":
        send_with_length(connection, b"", status="302 Found", headers=[("Location", "/page"), ("Connection", "close")])
    elif path == "/ranged":
        wanted = [line for line in request.split(b"\r\n") if line.lower().startswith(b"range: bytes=")]
        if wanted:
            first, last = (int(n) for n in wanted[0].split(b"=")[1].split(b"-"))
            send_with_length(connection, b"0123456789"[first:last + 1], status="206 Partial Content",
                             headers=[("Content-Range", f"bytes {first}-{last}/10")])
        else:
            send_with_length(connection, b"0123456789")
    elif path == "/early":
        connection.sendall(b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
                           + response_head("200 OK", [("Content-Length", 4)]) + b"page")
    elif path == "/trailers":
        connection.sendall(response_head("200 OK", [("Transfer-Encoding", "chunked"), ("Trailer", "X-Sum")])
                           + b"4\r\npage\r\n0\r\nX-Sum: abc\r\n\r\n")
    else:
        send_with_length(connection, b"page", headers=[("Content-Type", "text/plain")])


def test_write_out_alone_on_stdout():
    """code=$(http_get -s -o /dev/null -w '%{http_code}' URL) is the code alone, as with curl;
    -w without -s too; the bare command keeps the tutorial's head on stdout."""
    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        for program in programs():
            result = run("-s", "-o", "/dev/null", "-w", "%{http_code}", server.url("/"), cwd=directory, program=program)
            assert (result.returncode, result.stdout) == (0, b"200"), (program, result)
            result = run("-o", "f", "-w", "%{http_code}\n", server.url("/missing"), cwd=directory, program=program)
            assert (result.returncode, result.stdout) == (0, b"404\n"), (program, result)
            # -s with the body going to a file: nothing on stdout at all.
            result = run("-s", "-o", "f", server.url("/"), cwd=directory, program=program)
            assert (result.returncode, result.stdout) == (0, b""), (program, result)
        result = run("-o", "f", server.url("/"), cwd=directory)
        assert result.stdout.startswith(b"HTTP/1.1 200 OK\nContent-Length: 4\n"), result.stdout


def test_dump_header_to_stdout_once():
    """-D - prints each head once, with CRLF as sent, as curl does (it printed it twice)."""
    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        outputs = {}
        for program in programs():
            result = run("-s", "-D", "-", "-o", "f", "-L", server.url("/hop"), cwd=directory, program=program)
            assert result.returncode == 0, result
            outputs[program] = result.stdout
        text = outputs[HTTP_GET]
        assert text.count(b"HTTP/1.1 302 Found\r\n") == 1 and text.count(b"HTTP/1.1 200 OK\r\n") == 1, text
        if CURL:
            assert text == outputs[CURL]


def test_interim_heads_and_trailers_shown_as_curl_shows_them():
    """103 Early Hints in -D and -i; chunked trailers after the body with -i, after the head with -D."""
    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        for path in ("/early", "/trailers"):
            for options in (["-i", "-o", "-"], ["-D", "-", "-o", "/dev/null"]):
                result = run("-s", *options, server.url(path), cwd=directory)
                assert result.returncode == 0, result
                if path == "/early":
                    assert result.stdout.startswith(b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
                                                    b"HTTP/1.1 200 OK\r\n"), result.stdout
                else:
                    assert result.stdout.endswith(b"X-Sum: abc\r\n"), result.stdout
                if CURL:
                    expected = run("-s", *options, server.url(path), cwd=directory, program=CURL)
                    assert result.stdout == expected.stdout, (path, options)


def test_include_into_a_file_keeps_every_head():
    """-i -L -o FILE: every head of the chain goes into the file before the body, as curl writes it."""
    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        saved = {}
        for program in programs():
            result = run("-s", "-i", "-L", "-o", "f", server.url("/hop"), cwd=directory, program=program)
            assert result.returncode == 0, result
            with open(os.path.join(directory, "f"), "rb") as file:
                saved[program] = file.read()
        assert saved[HTTP_GET].startswith(b"HTTP/1.1 302 Found\r\n"), saved[HTTP_GET]
        assert saved[HTTP_GET].count(b"HTTP/1.1 200 OK\r\n") == 1 and saved[HTTP_GET].endswith(b"\r\n\r\npage")
        if CURL:
            assert saved[HTTP_GET] == saved[CURL]


def test_write_out_from_a_file_and_after_a_failed_connection():
    """-w @FILE reads the format; %{url_effective} names the URL even when the connection failed."""
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{unused.getsockname()[1]}/x"
    with tempfile.TemporaryDirectory() as directory:
        with open(os.path.join(directory, "format"), "w") as file:
            file.write("%{http_code} %{url_effective}\\n")
        for program in programs():
            result = run("-s", "-w", "@format", url, cwd=directory, program=program)
            assert result.returncode == 7, result
            assert result.stdout == f"000 {url}\n".encode(), (program, result.stdout)


def test_default_name_never_takes_an_error_page_over_a_file():
    """http_get URL over an existing index.html, answered 404: refused, the file as it was, exit 100.
    -o names the file (consent), and a new file takes any page, as before."""
    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        index = os.path.join(directory, "index.html")
        with open(index, "wb") as file:
            file.write(b"my own page")
        result = run(server.url("/missing/"), cwd=directory)
        assert result.returncode == 100, result
        assert b"index.html exists, and the server answered 404 Not Found" in result.stderr, result.stderr
        with open(index, "rb") as file:
            assert file.read() == b"my own page"
        assert sorted(os.listdir(directory)) == ["index.html"]

        result = run(server.url("/"), cwd=directory)  # a 200 replaces it, as always
        assert result.returncode == 0, result
        with open(index, "rb") as file:
            assert file.read() == b"page"
        result = run("-o", "index.html", server.url("/missing"), cwd=directory)
        assert result.returncode == 0, result
        with open(index, "rb") as file:
            assert file.read() == b"<h1>Not Found</h1>"
        result = run(server.url("/missing"), cwd=directory)  # "missing": a new file
        assert result.returncode == 0, result
        with open(os.path.join(directory, "missing"), "rb") as file:
            assert file.read() == b"<h1>Not Found</h1>"


def test_retry_max_time_boundary_as_curl():
    """--retry-max-time is checked when a retry is decided, as curl checks it: with a 1 s delay and
    a 2 s limit, tries at 0, 1 and 2 s; the old rule (no wait ending after the limit) lost the third."""
    statuses = []

    def unavailable(request, connection):
        statuses.append(time.monotonic())
        send_with_length(connection, b"busy", status="503 Service Unavailable", headers=[("Connection", "close")])

    with ScriptedServer(unavailable) as server, tempfile.TemporaryDirectory() as directory:
        for program in programs():
            statuses.clear()
            result = run("-s", "-o", "f", "--retry", "5", "--retry-delay", "1", "--retry-max-time", "2",
                         server.url("/"), cwd=directory, program=program)
            assert result.returncode == 0, result
            assert len(statuses) == 3, (program, [round(at - statuses[0], 2) for at in statuses])


def test_ipv6_localhost_without_hosts_entry():
    """-6 http://localhost/ connects to ::1 whatever /etc/hosts says, as curl does (RFC 6761)."""
    try:
        server = ScriptedServer(respond, host="::1")
        server.__enter__()
    except OSError:
        pytest.skip("no IPv6 loopback here")
    try:
        with tempfile.TemporaryDirectory() as directory:
            for program in programs():
                result = run("-s", "-6", "-o", "f", server.url("/", host="localhost"), cwd=directory, program=program)
                assert result.returncode == 0, (program, result)
    finally:
        server.__exit__(None, None, None)


def test_more_write_out_variables_as_curl():
    """%{http_version}, %{scheme}, %{size_header}, %{redirect_url}, %{num_connects},
    %{filename_effective}, %{num_redirects}; an unknown variable warns and prints nothing; %{json}."""
    formats = [
        ("-o", "f", "-w", "%{http_version} %{scheme} %{size_header} %{filename_effective} %{nope}.", "/"),
        ("-o", "f", "-w", "%{redirect_url} %{num_redirects}", "/hop"),
        ("-L", "-o", "f", "-w", "%{num_connects} %{num_redirects} %{redirect_url}.", "/hop"),
    ]
    with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
        for *arguments, path in formats:
            outputs = {}
            for program in programs():
                result = run("-s", *arguments, server.url(path), cwd=directory, program=program)
                assert result.returncode == 0, result
                outputs[program] = (result.stdout, result.stderr.count(b"unknown --write-out variable: 'nope'"))
            if path == "/":
                assert outputs[HTTP_GET] == (b"1.1 HTTP 64 f .", 1), outputs[HTTP_GET]
            if CURL:
                assert outputs[HTTP_GET] == outputs[CURL], (arguments, outputs)
        result = run("-s", "-o", "f", "-w", "%{json}", server.url("/missing"), cwd=directory)
        values = json.loads(result.stdout)
        assert values["http_code"] == 404 and values["errormsg"] is None and values["scheme"] == "HTTP", values
        assert values["size_download"] == len(b"<h1>Not Found</h1>") and values["num_connects"] == 1, values


def test_options_scripts_reach_for_as_curl():
    """-r, --output-dir, --create-dirs, --fail-with-body, --no-progress-meter, -#, --stderr, -H @FILE,
    --no-clobber:
    the same saved files, stdout and exit status as curl's."""
    runs = [
        ["-r", "2-5", "--create-dirs", "--output-dir", "od", "-o", "a/b.txt", "-w", "%{http_code}", "/ranged"],
        ["-s", "--fail-with-body", "-o", "page", "/missing"],
        ["--no-progress-meter", "-#", "-o", "p2", "-w", "%{http_code}", "/"],
        ["--stderr", "-", "-sS", "-f", "-o", "p3", "/missing"],
        ["-H", "@headers", "-o", "p4", "-w", "%{http_code}", "/ranged"],
        ["-s", "--no-clobber", "-o", "p2", "-w", "%{filename_effective}", "/"],
    ]
    results = {}
    for program in programs():
        with ScriptedServer(respond) as server, tempfile.TemporaryDirectory() as directory:
            with open(os.path.join(directory, "headers"), "w") as file:
                file.write("Range: bytes=1-3\r\nX-Extra: 1\n")
            for arguments in runs:
                *options, path = arguments
                result = run(*options, server.url(path), cwd=directory, program=program)
                stdout = result.stdout if "--stderr" not in options else bool(result.stdout.strip())
                results.setdefault(program, []).append((result.returncode, stdout))
            files = {}
            for root, _, names in os.walk(directory):
                for name in names:
                    with open(os.path.join(root, name), "rb") as file:
                        files[os.path.relpath(os.path.join(root, name), directory)] = file.read()
            results[program].append(files)
            assert any(b"X-Extra: 1" in request for request in server.requests)
    ours = results[HTTP_GET]
    assert ours[0] == (0, b"206") and ours[-1]["od/a/b.txt"] == b"2345", ours
    assert ours[1][0] == 22 and ours[-1]["page"] == b"<h1>Not Found</h1>", ours
    assert ours[3] == (22, True), "--stderr - puts the error on stdout"
    assert ours[4] == (0, b"206") and ours[-1]["p4"] == b"123", ours
    assert ours[5] == (0, b"p2.1") and ours[-1]["p2.1"] == b"page", ours
    if CURL:
        assert ours == results[CURL]


TIMES = "%{time_namelookup} %{time_connect} %{time_appconnect} %{time_pretransfer} %{time_starttransfer} %{time_total}"


def test_write_out_times_in_curl_order():
    """%{time_namelookup} <= %{time_connect} <= %{time_pretransfer} <= %{time_starttransfer} <= %{time_total},
    with %{time_appconnect} between connect and pretransfer for https (0 for http), as curl guarantees;
    %{json} names both new variables. Checked against curl too."""
    with tempfile.TemporaryDirectory() as keys, tempfile.TemporaryDirectory() as directory:
        ca_file, tls = make_certificates(keys)
        with ScriptedServer(respond) as plain, ScriptedServer(respond, tls=tls) as secure:
            for program in programs():
                for url in (plain.url("/page"), secure.url("/page", scheme="https", host="localhost")):
                    result = run("-s", "--cacert", ca_file, "-o", "p", "-w", TIMES, url, cwd=directory,
                                 program=program)
                    assert result.returncode == 0, (program, result.stderr)
                    assert result.stderr == b"", (program, result.stderr)
                    lookup, connect, app, pre, start, total = (float(value) for value in result.stdout.split())
                    if url.startswith("https"):
                        assert 0 <= lookup <= connect <= app <= pre <= start <= total < 30, (program, result.stdout)
                    else:
                        assert app == 0, (program, result.stdout)
                        assert 0 <= lookup <= connect <= pre <= start <= total < 30, (program, result.stdout)
                    assert connect > 0, (program, result.stdout)
            result = run("-s", "-o", "p", "-w", "%{json}", plain.url("/page"), cwd=directory)
            facts = json.loads(result.stdout)
            assert 0 <= facts["time_namelookup"] <= facts["time_connect"] <= facts["time_pretransfer"], facts



RESOURCE = bytes(range(256)) * 4  # 1024 bytes


def header_value(request, name):
    for line in request.split(b"\r\n")[1:]:
        if line.lower().startswith(name.lower() + b":"):
            return line.split(b":", 1)[1].strip()
    return None


def ranged(request, connection):
    """RESOURCE, ETag "v1": Range honoured unless If-Range names another validator, then the whole."""
    wanted = header_value(request, b"Range")
    if_range = header_value(request, b"If-Range")
    if wanted is None or (if_range is not None and if_range != b'"v1"'):
        send_with_length(connection, RESOURCE, headers=[("ETag", '"v1"')])
        return
    first = int(wanted.split(b"=")[1].rstrip(b"-"))
    if first >= len(RESOURCE):
        send_with_length(connection, b"", status="416 Range Not Satisfiable",
                         headers=[("Content-Range", f"bytes */{len(RESOURCE)}")])
        return
    send_with_length(connection, RESOURCE[first:], status="206 Partial Content",
                     headers=[("ETag", '"v1"'), ("Content-Range", f"bytes {first}-{len(RESOURCE) - 1}/{len(RESOURCE)}")])


def test_continue_at_offset():
    """-C OFFSET as curl's: Range: bytes=OFFSET- appended to a file of OFFSET bytes, the bytes from OFFSET
    on with -o -, -C 0 a plain fetch (each also run with curl); a file of another size, or none, is
    refused with exit 36 and left alone, with no request sent; a file carrying an old validator gets If-Range,
    and the changed resource replaces it whole."""
    with ScriptedServer(ranged) as server, tempfile.TemporaryDirectory() as directory:
        url = server.url("/r")
        path = os.path.join(directory, "f")

        def put(data):
            with open(path, "wb") as file:
                file.write(data)

        def saved():
            with open(path, "rb") as file:
                return file.read()

        for program in programs():
            put(RESOURCE[:400])
            result = run("-s", "-C", "400", "-o", "f", url, cwd=directory, program=program)
            assert result.returncode == 0, (program, result.stderr)
            assert saved() == RESOURCE, program
            assert header_value(server.requests[-1], b"Range") == b"bytes=400-", program
            assert header_value(server.requests[-1], b"If-Range") is None, program

            result = run("-s", "-C", "1000", "-o", "-", url, cwd=directory, program=program)
            assert (result.returncode, result.stdout) == (0, RESOURCE[1000:]), (program, result.stderr)

            put(b"junk")
            result = run("-s", "-C", "0", "-o", "f", url, cwd=directory, program=program)
            assert result.returncode == 0, (program, result.stderr)
            assert saved() == RESOURCE, program
            assert header_value(server.requests[-1], b"Range") is None, program

        for before, why in ((RESOURCE[:300], b"f is 300 bytes long, not 400"),
                            (RESOURCE[:500], b"f is 500 bytes long, not 400")):
            put(before)
            asked = len(server.requests)
            result = run("-sS", "-C", "400", "-o", "f", url, cwd=directory)
            assert result.returncode == 36, result.stderr
            assert why in result.stderr and result.stderr.count(b"\n") == 1, result.stderr
            assert saved() == before
            assert len(server.requests) == asked, "refused before asking"
        os.remove(path)
        result = run("-s", "-C", "400", "-o", "f", url, cwd=directory)
        assert result.returncode == 36
        assert not os.path.exists(path)

        put(RESOURCE[:400])
        try:
            os.setxattr(path, "user.http_get.validator", b'"v0"')
        except OSError:
            pytest.skip("no user extended attributes here")
        result = run("-s", "-C", "400", "-o", "f", url, cwd=directory)
        assert result.returncode == 0, result.stderr
        assert header_value(server.requests[-1], b"If-Range") == b'"v0"'
        assert saved() == RESOURCE, "the changed resource, whole"
