"""A model of http_get's file rule, checked against random sequences of runs.

Hypothesis makes up a history: a resource that changes between runs (new
bytes, a new ETag, Last-Modified, a weak ETag or no validator at all), a file
the user puts at the target or removes, and runs of `http_get -o f` with and
without `-C -` (and `If-None-Match`), each answered by a server that honours
ranges, answers 416 without Content-Range (as Apache and lighttpd do), ignores
ranges, or answers 416 to every range; a run may be cut off mid-body by the
server or by SIGINT/SIGTERM. After every run `judge()`, the reference model,
says whether what is on disk and the exit status are ones http_get may leave.

The default run is bounded (a few dozen histories, derandomised so that CI
sees the same ones); HELLO_MODEL_CAMPAIGN=1 makes it a longer random campaign.
"""

import os
import random
import re
import signal
import subprocess
import tempfile
import threading
import time

import pytest

from harness import BUILD_DIR
from http_servers import ScriptedServer, response_head

hypothesis = pytest.importorskip("hypothesis", reason="python3-hypothesis is not installed")
from hypothesis import HealthCheck, given, note, settings, strategies as st  # noqa: E402

HTTP_GET = os.path.abspath(os.path.join(BUILD_DIR, "http_get"))
VALIDATOR_ATTRIBUTE = "user.http_get.validator"
CAMPAIGN = os.environ.get("HELLO_MODEL_CAMPAIGN") == "1"
# Under the sanitizers every run of http_get is several times slower, and
# what they check (memory, undefined behaviour) the same paths show: fewer
# histories, and a bound of their own instead of the default for one test.
SANITIZED = os.environ.get("HELLO_SANITIZED") == "1"
RUN_TIMEOUT = 30


class Resource:
    def __init__(self, version, body, validator):
        self.body = body
        self.etag = self.last_modified = None
        if validator == "etag":
            self.etag = f'"v{version}"'
        elif validator == "weak":
            self.etag = f'W/"v{version}"'
        elif validator == "date":
            self.last_modified = f"Tue, 01 Dec 2026 10:{version // 60:02d}:{version % 60:02d} GMT"

    @property
    def if_range(self):
        """What a client may send back as If-Range (a weak ETag cannot be)."""
        if self.etag and not self.etag.startswith("W/"):
            return self.etag
        return self.last_modified

    def validator_headers(self):
        return [(name, value) for name, value in (("ETag", self.etag), ("Last-Modified", self.last_modified))
                if value]


class World:
    """The server's side: the resource now, how the next response goes, what was sent."""

    def __init__(self):
        self.resource = None
        self.mode = "ranges"  # "ranges", "bare_416", "ignore_ranges", "always_416"
        self.interruption = None  # None, "cut", "SIGINT", "SIGTERM"
        self.chunked = False  # bodies chunked (no length announced) instead of Content-Length
        self.fraction = 0.5
        self.statuses = []
        self.ranges = []  # each request's Range value, or None
        self.interrupted_after = None  # body bytes sent before the cut or the stall
        self.stalled = threading.Event()

    def start_run(self, mode, interruption, fraction, chunked):
        self.mode, self.interruption, self.fraction, self.chunked = mode, interruption, fraction, chunked
        self.statuses, self.ranges, self.interrupted_after = [], [], None
        self.stalled.clear()


def header(request, name):
    match = re.search(rb"\r\n" + name.encode() + rb": ([^\r\n]*)", request)
    return match.group(1).decode() if match else None


def serve(world, server):
    def respond(request, connection):
        resource = world.resource
        body, validators = resource.body, resource.validator_headers()
        asked = header(request, "Range")
        world.ranges.append(asked)
        if_none_match = header(request, "If-None-Match")
        if if_none_match and resource.etag and if_none_match == resource.etag:
            world.statuses.append(304)
            connection.sendall(response_head("304 Not Modified", validators))
            return
        start = None
        if asked and world.mode != "ignore_ranges":
            start = int(re.fullmatch(r"bytes=(\d+)-", asked).group(1))
            if_range = header(request, "If-Range")
            if if_range is not None and if_range != resource.if_range:
                start = None  # changed since: the whole of it
        if start is not None and (start >= len(body) or world.mode == "always_416"):
            world.statuses.append(416)
            fields = [("Content-Length", 0)]
            if world.mode == "ranges":
                fields.append(("Content-Range", f"bytes */{len(body)}"))
            connection.sendall(response_head("416 Range Not Satisfiable", fields))
            return
        payload = body if start is None else body[start:]
        framing = ("Transfer-Encoding", "chunked") if world.chunked else ("Content-Length", len(payload))
        fields = [framing, *validators]
        if start is None:
            world.statuses.append(200)
            head = response_head("200 OK", fields)
        else:
            world.statuses.append(206)
            fields.append(("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}"))
            head = response_head("206 Partial Content", fields)
        if world.chunked:
            head += f"{len(payload):x}\r\n".encode()
        end = b"\r\n0\r\n\r\n" if world.chunked else b""
        if world.interruption is None or len(payload) < 2 or world.interrupted_after is not None:
            connection.sendall(head + payload + end)
            return
        sent = min(len(payload) - 1, max(1, int(world.fraction * len(payload))))
        connection.sendall(head + payload[:sent])
        world.interrupted_after = sent
        world.stalled.set()
        if world.interruption == "cut":
            return
        connection.settimeout(0.1)
        while not server.stopping:  # until the client is gone
            try:
                if connection.recv(4096) == b"":
                    return
            except OSError as error:
                if "timed out" not in str(error):
                    return
    return respond


def snapshot(directory):
    """{name: (bytes, validator attribute or None)} of the directory's files."""
    files = {}
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        with open(path, "rb") as file:
            data = file.read()
        try:
            validator = os.getxattr(path, VALIDATOR_ATTRIBUTE).decode()
        except OSError:
            validator = None
        files[name] = (data, validator)
    return files


def body_bytes_written(pid, stdout_path, stderr_path):
    """What the process wrote (write(2) totals) less its stdout and stderr: its body file's share."""
    try:
        with open(f"/proc/{pid}/io") as io:
            written = int(re.search(r"wchar: (\d+)", io.read()).group(1))
    except (OSError, AttributeError):
        return None
    return written - os.path.getsize(stdout_path) - os.path.getsize(stderr_path)


def run_get(world, directory, resume, if_none_match):
    args = [HTTP_GET, "-o", "f"]
    if resume:
        args += ["-C", "-"]
    if if_none_match and world.resource.etag:
        args += ["-H", f"If-None-Match: {world.resource.etag}"]
    args.append(world.url)
    with tempfile.NamedTemporaryFile() as out, tempfile.NamedTemporaryFile() as err:
        process = subprocess.Popen(args, cwd=directory, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        if world.interruption in ("SIGINT", "SIGTERM"):
            deadline = time.monotonic() + RUN_TIMEOUT
            while process.poll() is None and time.monotonic() < deadline and not world.stalled.is_set():
                time.sleep(0.01)
            # Once the bytes sent before the stall are on disk, the partial is well defined.
            while process.poll() is None and time.monotonic() < deadline:
                written = body_bytes_written(process.pid, out.name, err.name)
                if written is None or written >= world.interrupted_after:
                    break
                time.sleep(0.01)
            if process.poll() is None:
                process.send_signal(getattr(signal, world.interruption))
        try:
            process.wait(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise AssertionError(f"{args} did not end within {RUN_TIMEOUT} s")
        with open(err.name, "rb") as file:
            stderr = file.read().decode(errors="replace")
    return process.returncode, stderr


def judge(versions, resource, before, after, code, run, statuses, interrupted, was_resumable, ranges):
    """The reference model: what is wrong with the files and the exit status after a run, or None.

    The target "f" must be as it was, the whole resource now, or (only where there
    was no file, or a partial http_get left) a marked prefix of the resource now.
    Any other file is one that was there, or such a marked prefix. Exit 0 means
    the whole resource, or a 304 that left the file; a run nothing interrupted
    succeeds; a signal is died of; and bytes kept by an interrupted run are
    continued by the next -C - of the same resource."""
    body = resource.body

    def marked_prefix(state):
        data, validator = state
        mark = resource.if_range
        return mark is not None and validator == mark and 0 < len(data) < len(body) and body.startswith(data)

    def partial_of_ours(state):
        return state[1] is not None and versions.get(state[1]) != state[0]

    old, new = before.get("f"), after.get("f")
    whole = new is not None and new[0] == body and new[1] in (None, resource.if_range)
    if not (new == old or whole or ((old is None or partial_of_ours(old)) and marked_prefix(new))):
        return f"f is neither the old file, nor the resource, nor a partial it may be: {describe(new, body)}"
    for name, state in after.items():
        if name != "f" and before.get(name) != state and not marked_prefix(state):
            return f"{name} is left, and is no marked prefix of the resource: {describe(state, body)}"
    if code == 0 and not whole and not (statuses[-1:] == [304] and new == old):
        return f"exit 0, but f is not the resource: {describe(new, body)}"
    if interrupted is None and 304 not in statuses and code != 0:
        return f"nothing went wrong, yet exit {code}"
    if interrupted in ("SIGINT", "SIGTERM") and code != -getattr(signal, interrupted):
        return f"exit {code} after {interrupted}"
    if was_resumable and run["resume"] and run["mode"] in ("ranges", "bare_416") and ranges[:1] == [None]:
        return "the bytes the interrupted run received were not continued (no Range)"
    return None


def describe(state, body):
    if state is None:
        return "no file"
    data, validator = state
    common = os.path.commonprefix([data, body])
    return (f"{len(data)} bytes (validator {validator!r}), {len(common)} of them a prefix of the "
            f"{len(body)}-byte resource")


sizes = st.integers(min_value=2, max_value=60_000)
validators = st.sampled_from(["etag", "date", "weak", "none"])
changes = st.tuples(st.just("change"), sizes, validators)
user_files = st.tuples(st.just("user_file"), st.integers(min_value=0, max_value=5_000))
runs = st.fixed_dictionaries({
    "resume": st.booleans(),
    "if_none_match": st.booleans(),
    "mode": st.sampled_from(["ranges", "bare_416", "ignore_ranges", "always_416"]),
    "interruption": st.sampled_from([None, "cut", "SIGINT", "SIGTERM"]),
    "fraction": st.floats(min_value=0.0, max_value=1.0),
    "chunked": st.booleans(),
}).map(lambda run: ("run", run))
histories = st.tuples(
    st.integers(min_value=0, max_value=5_000),  # an old file of this size at f, or none (0)
    sizes, validators,
    st.lists(st.one_of(runs, runs, runs, changes, user_files), min_size=1, max_size=7))


@pytest.fixture(scope="module")
def world():
    if not os.access(HTTP_GET, os.X_OK):
        pytest.skip(f"{HTTP_GET} is not built")
    world = World()
    with ScriptedServer(None) as server:
        server.respond = serve(world, server)
        world.url = server.url("/f")
        yield world


def content(seed, size):
    return random.Random(repr(seed)).randbytes(size)


def check_history(world, history):
    old_size, size, validator, steps = history
    version = 1
    world.resource = Resource(version, content(("resource", version), size), validator)
    versions = {world.resource.if_range: world.resource.body}
    resumable = False
    with tempfile.TemporaryDirectory() as directory:
        target = os.path.join(directory, "f")

        def place_user_file(size):
            temporary = os.path.join(directory, "user-file")
            with open(temporary, "wb") as file:
                file.write(content(("user", size), size))
            os.rename(temporary, target)  # a new file: no attribute of ours on it

        if old_size:
            place_user_file(old_size)
        for number, step in enumerate(steps):
            if step[0] == "change":
                version += 1
                world.resource = Resource(version, content(("resource", version), step[1]), step[2])
                versions[world.resource.if_range] = world.resource.body
                resumable = False
                note(f"step {number}: the resource is now {step[1]} bytes, validator {step[2]}")
                continue
            if step[0] == "user_file":
                if step[1]:
                    place_user_file(step[1])
                elif os.path.exists(target):
                    os.remove(target)
                resumable = False  # the user's file is not ours to continue
                note(f"step {number}: the user puts a {step[1]}-byte file at f" if step[1] else
                     f"step {number}: the user removes f")
                continue
            run = step[1]
            before = snapshot(directory)
            world.start_run(run["mode"], run["interruption"], run["fraction"], run["chunked"])
            code, stderr = run_get(world, directory, run["resume"], run["if_none_match"])
            after = snapshot(directory)
            interrupted = run["interruption"] if world.interrupted_after is not None else None
            note(f"step {number}: http_get{' -C -' if run['resume'] else ''}"
                 f"{' -H If-None-Match' if run['if_none_match'] else ''} against {run['mode']}"
                 f"{' (chunked)' if run['chunked'] else ''}, "
                 f"interrupted by {interrupted} after {world.interrupted_after} bytes: "
                 f"answers {world.statuses}, Range {world.ranges}, exit {code}; {stderr.strip()!r}")
            wrong = judge(versions, world.resource, before, after, code, run, world.statuses, interrupted,
                          resumable, world.ranges)
            assert wrong is None, f"step {number}: {wrong}"
            resumable = (interrupted is not None and world.resource.if_range is not None
                         and world.statuses[-1] in (200, 206))


def test_file_rule_model(world):
    """Whatever the history, the file at -o is the old one, the whole resource, or a marked
    prefix of it where there was no good file, and the exit status says which."""
    if CAMPAIGN:
        signal.alarm(330)  # the campaign's own bound, instead of the default for one test
    elif SANITIZED:
        signal.alarm(300)
    check_file_rule(world)


@settings(max_examples=3000 if CAMPAIGN else 100 if SANITIZED else 400, deadline=None, derandomize=not CAMPAIGN, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
          print_blob=CAMPAIGN)
@given(history=histories)
def check_file_rule(world, history):
    check_history(world, history)
