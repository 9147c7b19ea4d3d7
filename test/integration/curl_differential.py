"""curl and http_get side by side on the same command lines, against Debian's
nginx and Apache on loopback: the saved bytes, stdout, whether stderr says
anything, and the exit status are compared, and where scripts read it (the
cases marked FIRST_LINE) stderr's first line, but for the program's name.
Used by test_http_vs_curl.py (in meson test) and bench/http_get_curl_diff (a
report of every case).

Each case says what it expects: "same", or "FIELDS: why" naming the fields
that differ (the difference docs/HTTP_GET.md names), which the comparison
must then find, no more and no fewer (a difference that went away is a table
to update). A case may add a dict: "files" the working directory holds
before the run (name: bytes), "first_line" to compare stderr's first line."""

import os
import random
import re
import subprocess
import tempfile

from http_servers import Apache, Nginx

SMALL = b"hello, loopback\n"
BIG = random.Random(7).randbytes(300_000)
TEXT = b"line of compressible text\n" * 2000

FIRST_LINE = {"first_line": True}


def holding(name, data, **more):
    """A case's extras: the working directory holds `name` with `data` before the run."""
    return {"files": {name: data}, **more}


# (name, server, arguments after the program, expected[, extras]). URL is replaced by the server's base URL.
CASES = [
    ("save to a file", "nginx", ["-s", "-o", "out", "URL/small.txt"], "same"),
    ("a 300 kB file", "apache", ["-s", "-o", "out", "URL/big.bin"], "same"),
    ("-w alone on stdout", "nginx",
     ["-s", "-o", "out", "-w", "%{http_code} %{size_download} %{content_type} %{num_redirects}\\n", "URL/big.bin"],
     "same"),
    ("-s -o /dev/null -w code of a 404", "apache", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "URL/missing"],
     "same"),
    ("-f on a 404", "nginx", ["-s", "-f", "-o", "out", "URL/missing"], "same"),
    ("-sSf on a 404 says why", "apache", ["-sS", "-f", "-o", "out", "URL/missing"], "same", FIRST_LINE),
    ("-sSf on a 404 says why (nginx)", "nginx", ["-sS", "-f", "-o", "out", "URL/missing"], "same", FIRST_LINE),
    ("-sS --max-filesize says why", "nginx", ["-sS", "--max-filesize", "1000", "-o", "out", "URL/big.bin"], "same",
     FIRST_LINE),
    ("-sS --max-redirs 0 says why", "nginx", ["-sS", "-L", "--max-redirs", "0", "-o", "out", "URL/dir"], "same",
     FIRST_LINE),
    ("an unknown -w variable warns", "apache", ["-s", "-o", "out", "-w", "%{nope}%{http_code}", "URL/small.txt"],
     "same", FIRST_LINE),
    ("a 404 page with -o", "nginx", ["-s", "-o", "out", "URL/missing"], "same"),
    ("a redirect without -L", "nginx", ["-s", "-o", "out", "URL/dir"], "same"),
    ("-L and -w", "nginx", ["-s", "-L", "-o", "out", "-w", "%{num_redirects} %{url_effective} %{http_code}",
                            "URL/dir"], "same"),
    ("--max-redirs 0", "nginx", ["-s", "-L", "--max-redirs", "0", "-o", "out", "URL/dir"], "same"),
    ("-I", "nginx", ["-s", "-I", "URL/small.txt"], "same"),
    ("-i -o -", "apache", ["-s", "-i", "-o", "-", "URL/small.txt"], "same"),
    ("-D - -o FILE", "nginx", ["-s", "-D", "-", "-o", "out", "URL/small.txt"], "same"),
    ("-i -L -o FILE", "nginx", ["-s", "-i", "-L", "-o", "out", "URL/dir"], "same"),
    ("--compressed", "nginx", ["-s", "--compressed", "-o", "out", "URL/text.txt"], "same"),
    ("--max-filesize", "apache", ["-s", "--max-filesize", "1000", "-o", "out", "URL/big.bin"], "same"),
    ("-H Range", "nginx", ["-s", "-H", "Range: bytes=10-99", "-o", "out", "-w", "%{http_code}", "URL/big.bin"],
     "same"),
    ("-u credentials", "apache", ["-s", "-u", "user:secret", "-o", "out", "URL/small.txt"], "same"),
    ("-o - body", "nginx", ["-s", "-o", "-", "URL/big.bin"], "same"),
    ("-C N appends to a file of N bytes", "nginx",
     ["-s", "-C", "1000", "-o", "out", "-w", "%{http_code}", "URL/big.bin"], "same", holding("out", BIG[:1000])),
    ("-C N appends to a file of N bytes (Apache)", "apache",
     ["-s", "-C", "1000", "-o", "out", "-w", "%{http_code}", "URL/big.bin"], "same", holding("out", BIG[:1000])),
    ("-C N -o -: the bytes from N on", "apache", ["-s", "-C", "1000", "-o", "-", "URL/big.bin"], "same"),
    ("-C N -o - past the end: a 416, nothing", "nginx",
     ["-s", "-C", "400000", "-o", "-", "-w", "%{http_code}", "URL/big.bin"], "same"),
    ("-C N at the end of a whole file: a 416, the file kept", "apache",
     ["-s", "-C", str(len(BIG)), "-o", "out", "-w", "%{http_code}", "URL/big.bin"], "same", holding("out", BIG)),
    ("-C N, a server that ignores ranges", "nginx", ["-sS", "-C", "1000", "-o", "out", "URL/noranges/big.bin"],
     "same", holding("out", BIG[:1000], first_line=True)),
    ("-C N, a server that ignores ranges (Apache)", "apache",
     ["-sS", "-C", "1000", "-o", "out", "URL/noranges/big.bin"], "same", holding("out", BIG[:1000], first_line=True)),
    ("-C N over a shorter file", "nginx", ["-s", "-C", "1000", "-o", "out", "URL/big.bin"],
     "exit,files: http_get refuses (exit 36, the file as it was); curl appends where the file ends, a wrong file",
     holding("out", BIG[:500])),
    ("-C N over a longer file", "apache", ["-s", "-C", "1000", "-o", "out", "URL/big.bin"],
     "exit,files: http_get refuses (exit 36, the file as it was); curl appends where the file ends, a wrong file",
     holding("out", BIG[:2000])),
    ("-C N without a file", "nginx", ["-s", "-C", "1000", "-o", "out", "URL/big.bin"],
     "exit,files: http_get refuses (exit 36, no file); curl saves the bytes from N on as the file"),
    ("the bare command", "apache", ["URL/small.txt"],
     "stdout,files: http_get prints the head and saves the body to small.txt (the tutorial's "
     "default); curl prints the body"),
    ("-i -D - -o -", "nginx", ["-s", "-i", "-D", "-", "-o", "-", "URL/small.txt"],
     "stdout: http_get prints each head once; curl twice"),
]


def start(kind, directory):
    """The server, entered; its document root filled with the files the cases ask for."""
    if kind == "nginx":
        server = Nginx(os.path.join(directory, "nginx"),
                       server_block="gzip on; gzip_types text/plain; gzip_min_length 0; "
                                    "location /noranges/ { max_ranges 0; }")
    else:
        server = Apache(config='<Directory "@ROOT@/noranges">\n    MaxRanges none\n</Directory>')
    server.__enter__()
    os.makedirs(os.path.join(server.root, "noranges"), exist_ok=True)
    for name, data in (("small.txt", SMALL), ("big.bin", BIG), ("text.txt", TEXT), ("noranges/big.bin", BIG)):
        with open(os.path.join(server.root, name), "wb") as file:
            file.write(data)
    os.makedirs(os.path.join(server.root, "dir"), exist_ok=True)
    with open(os.path.join(server.root, "dir", "index.html"), "wb") as file:
        file.write(SMALL)
    return server


def base_url(server):
    return server.url("/").rstrip("/")


def normalized(text):
    """Date changes between the two runs; Connection answers http_get's "Connection: close"
    (one request per connection, where curl asks to keep it alive). Nothing else may differ."""
    text = re.sub(rb"(?m)^Date: [^\r\n]*", b"Date: (now)", text)
    return re.sub(rb"(?mi)^Connection: [^\r\n]*\r?\n", b"", text)


def first_line(stderr):
    """stderr's first line, the program's name taken off ("curl: ", "http_get: ")."""
    line = stderr.split(b"\n", 1)[0]
    return re.sub(rb"^(curl|http_get): ", b"PROGRAM: ", line)


def run_one(program, arguments, url, extras):
    with tempfile.TemporaryDirectory() as directory:
        for name, data in extras.get("files", {}).items():
            with open(os.path.join(directory, name), "wb") as file:
                file.write(data)
        command = [program, *(argument.replace("URL", url) for argument in arguments)]
        result = subprocess.run(command, cwd=directory, stdin=subprocess.DEVNULL, capture_output=True,
                                timeout=60)
        files = {}
        for name in sorted(os.listdir(directory)):
            with open(os.path.join(directory, name), "rb") as file:
                files[name] = normalized(file.read())
        fields = {
            "exit": result.returncode,
            "stdout": normalized(result.stdout),
            "stderr": bool(result.stderr.strip()),
            "files": files,
        }
        if extras.get("first_line"):
            fields["first_line"] = first_line(result.stderr)
        return fields


def expected_fields(expected):
    return set() if expected == "same" else set(expected.split(":", 1)[0].split(","))


def compare(http_get, curl, servers):
    """[(name, expected, [fields that differ], {field: (http_get's, curl's)})], one per case."""
    report = []
    for name, kind, arguments, expected, *extras in CASES:
        url = base_url(servers[kind])
        extras = extras[0] if extras else {}
        ours, theirs = run_one(http_get, arguments, url, extras), run_one(curl, arguments, url, extras)
        differing = [field for field in ours if ours[field] != theirs[field]]
        report.append((name, expected, differing, {field: (ours[field], theirs[field]) for field in differing}))
    return report
