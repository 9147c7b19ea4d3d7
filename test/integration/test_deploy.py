"""Running hello_server for real: the PROXY protocol, spoken by hand
and by a real HAProxy on loopback, and systemd socket activation.
"""

import concurrent.futures
import os
import re
import resource
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time

import pytest

from harness import (CLOSED_END, SERVER, TRANSCRIPT, Server, assert_transcript, connect, expect, recv_until_closed,
                     run_client)

V2_SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"


def v2_header(command, family, block):
    return V2_SIGNATURE + bytes([0x20 | command, family]) + struct.pack("!H", len(block)) + block


def v2_tcp4(source, source_port, destination="127.0.0.1", destination_port=9999):
    block = socket.inet_aton(source) + socket.inet_aton(destination)
    return v2_header(0x1, 0x11, block + struct.pack("!HH", source_port, destination_port))


def v2_tcp6(source, source_port, destination="::1", destination_port=9999):
    block = socket.inet_pton(socket.AF_INET6, source) + socket.inet_pton(socket.AF_INET6, destination)
    return v2_header(0x1, 0x21, block + struct.pack("!HH", source_port, destination_port))


def converse(sock, name):
    """One line conversation after the greeting, then "exit"; checks every byte."""
    expect(sock, b"Welcome!")
    sock.sendall(name.encode() + b"\n")
    expect(sock, b"\nHello, " + name.encode() + b"!\n")
    sock.sendall(b"exit\n")
    assert recv_until_closed(sock) == b""


def proxied_conversation(server, header, name="Michael"):
    with server.connect() as sock:
        sock.sendall(header)
        converse(sock, name)


def assert_hung_up(sock):
    """The server closes without a word (a reset, when it left bytes unread)."""
    try:
        assert recv_until_closed(sock) == b"", "a rejected connection got a reply"
    except ConnectionResetError:
        pass


def assert_rejected(server, payload, reason):
    """The server hangs up without a greeting, logs why, and goes on serving."""
    with server.connect() as sock:
        sock.sendall(payload)
        assert_hung_up(sock)
    server.wait_for_log(reason)
    proxied_conversation(server, b"PROXY TCP4 198.51.100.1 127.0.0.1 4000 9999\r\n")
    server.wait_for_log(r"Accept new connection from 198\.51\.100\.1:4000\.\.\.")


# --- the PROXY protocol, spoken by hand ---------------------------------------

def test_proxy_v1():
    with Server("--proxy-protocol") as server:
        proxied_conversation(server, b"PROXY TCP4 203.0.113.7 127.0.0.1 51234 9999\r\n")
        proxied_conversation(server, b"PROXY TCP6 2001:0db8::7 ::1 51235 9999\r\n")
        server.wait_for_log(r"Accept new connection from 203\.0\.113\.7:51234\.\.\.$")
        server.wait_for_log(r"Connection from 203\.0\.113\.7:51234 closed" + CLOSED_END)
        server.wait_for_log(r"Accept new connection from \[2001:db8::7\]:51235\.\.\.$")
        assert "Accept new connection from 127.0.0.1" not in server.log_text()


def test_proxy_v2():
    with Server("--proxy-protocol") as server:
        proxied_conversation(server, v2_tcp4("203.0.113.8", 40000))
        proxied_conversation(server, v2_tcp6("2001:db8::8", 40001))
        # An IPv4 client of an IPv6 balancer is named as IPv4.
        proxied_conversation(server, v2_tcp6("::ffff:192.0.2.9", 40002))
        # TLVs after the addresses are skipped.
        tlvs = bytes([0x05, 0x00, 0x02]) + b"id" + bytes([0x04, 0x00, 0x00])
        block = socket.inet_aton("203.0.113.10") + socket.inet_aton("127.0.0.1") + struct.pack("!HH", 40003, 1)
        proxied_conversation(server, v2_header(0x1, 0x11, block + tlvs))
        for client in ["203.0.113.8:40000", "[2001:db8::8]:40001", "192.0.2.9:40002", "203.0.113.10:40003"]:
            server.wait_for_log(r"Accept new connection from " + re.escape(client) + r"\.\.\.$")


def test_proxy_local_and_unknown():
    with Server("--proxy-protocol") as server:
        proxied_conversation(server, v2_header(0x0, 0x00, b""))
        server.wait_for_log(r"Accept new connection from 127\.0\.0\.1:\d+ \(proxy's own connection\)")
        proxied_conversation(server, b"PROXY UNKNOWN\r\n")
        server.wait_for_log(r"Accept new connection from 127\.0\.0\.1:\d+ \(proxy, client unknown\)")


def test_proxy_early_bytes():
    """What the client sends in the same packet as the header is not lost."""
    with Server("--proxy-protocol") as server:
        for header in [b"PROXY TCP4 203.0.113.7 127.0.0.1 1 2\r\n", v2_tcp4("203.0.113.7", 1),
                       b"PROXY UNKNOWN\r\n"]:
            with server.connect() as sock:
                sock.sendall(header + b"Michael\nTracy\nexit\n")
                assert recv_until_closed(sock) == b"Welcome!\nHello, Michael!\nHello, Tracy!\n"
        # Split at every byte boundary over the wire, too.
        header = b"PROXY TCP4 203.0.113.7 127.0.0.1 1 2\r\n"
        with server.connect() as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for i in range(len(header)):
                sock.sendall(header[i:i + 1])
                time.sleep(0.002)
            converse(sock, "Sarah")


@pytest.mark.parametrize("payload, reason", [
    (b"GET / HTTP/1.0\r\n\r\n", r"bad PROXY protocol header \(not a PROXY"),
    (b"Michael", r"bad PROXY protocol header \(not a PROXY"),
    (b"PROXY TCP4 203.0.113.7 127.0.0.1 65536 2\r\n", r"\(bad port in v1 line\)"),
    (b"PROXY TCP4 1.2.3.04 127.0.0.1 1 2\r\n", r"\(bad TCP4 address"),
    (V2_SIGNATURE + b"\x31\x11\x00\x0c", r"unsupported v2 version 3"),
    (v2_header(0x1, 0x21, b"\x00" * 12), r"too short for family 0x21"),
], ids=["http", "no header", "v1 bad port", "v1 bad address", "v2 version 3", "v2 too short"])
def test_proxy_garbage(start_server, payload, reason):
    server = start_server("--proxy-protocol")
    assert_rejected(server, payload, reason)
    assert server.process.poll() is None


def test_proxy_too_long():
    with Server("--proxy-protocol") as server:
        assert_rejected(server, b"PROXY UNKNOWN " + b"x" * 200, r"no CRLF in the first 107 bytes")
        assert_rejected(server, V2_SIGNATURE + b"\x21\x11\xff\xff" + b"\x00" * 100, r"more than 4096")


def test_proxy_missing():
    """A client that sends no header is closed after --proxy-header-timeout,
    one that leaves is logged, and neither holds up a shutdown."""
    with Server("--proxy-protocol", "--proxy-header-timeout", "300ms") as server:
        with server.connect() as sock:
            started = time.monotonic()
            assert recv_until_closed(sock) == b""
            assert time.monotonic() - started < 5
        server.wait_for_log(r"closed before its PROXY protocol header \(no header in time\)")

        with server.connect():
            pass
        server.wait_for_log(r"closed before its PROXY protocol header \(closed by the peer\)")

        # hello_client does not speak the protocol: it gets no greeting.
        result = run_client(server.port, "Michael")
        assert result.returncode != 0 and result.stdout == b"", result

    with Server("--proxy-protocol", "--proxy-header-timeout", "1m") as server:
        waiting = server.connect()
        server.wait_for_log(r"Waiting for connection")
        time.sleep(0.2)  # let the server accept it
        started = time.monotonic()
        assert server.stop() == 0
        assert time.monotonic() - started < 5, "a connection waiting for its header held up shutdown"
        server.wait_for_log(r"closed before its PROXY protocol header \(server shutting down\)")
        waiting.close()


def test_proxy_off_by_default():
    """Without --proxy-protocol a PROXY line is just a message: the flag matters."""
    with Server() as server:
        with server.connect() as sock:
            sock.sendall(b"PROXY UNKNOWN\r\nexit\n")
            assert recv_until_closed(sock) == b"Welcome!\nHello, PROXY UNKNOWN!\n"


# --- systemd socket activation ------------------------------------------------

def listening_socket():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    return sock


def as_systemd_would(listen_fd, listen_pid=None):
    """A preexec_fn that puts `listen_fd` at fd 3 and announces it."""
    def prepare():
        if listen_fd != 3:
            os.dup2(listen_fd, 3)  # the new fd 3 is inheritable
        os.environ["LISTEN_FDS"] = "1"
        os.environ["LISTEN_PID"] = str(listen_pid or os.getpid())  # the child's own pid
    return prepare


def test_socket_activation():
    with listening_socket() as inherited:
        port = inherited.getsockname()[1]
        # fd 3 is kept open through exec; prepare() has made it our socket by then.
        # (Sockets get the lowest free fd, so the parent's fd 3 exists.)
        with Server(preexec_fn=as_systemd_would(inherited.fileno()), pass_fds=(3,)) as server:
            assert server.port == port, f"listens on {server.port}, not the inherited {port}"
            server.wait_for_log(r"Using the listening socket passed by systemd \(fd 3\)")
            assert_transcript(server)
            # Connections queued while no server runs wait for the next one.
        queued = connect(port)
        with Server(preexec_fn=as_systemd_would(inherited.fileno()), pass_fds=(3,)) as server:
            expect(queued, b"Welcome!")
            queued.close()

        # LISTEN_PID naming another process: not for us, so --port applies.
        with Server(preexec_fn=as_systemd_would(inherited.fileno(), listen_pid=1), pass_fds=(3,)) as server:
            assert server.port != port
            assert "systemd" not in server.log_text()


def test_socket_activation_bad_fd():
    def run_with(preexec_fn, pass_fds=()):
        # No env=: the variables preexec_fn sets must reach the program.
        return subprocess.run([SERVER, "--port", "0"], preexec_fn=preexec_fn, pass_fds=pass_fds,
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=10)

    def announce(listen_fds):
        os.environ["LISTEN_FDS"] = listen_fds
        os.environ["LISTEN_PID"] = str(os.getpid())

    result = run_with(lambda: announce("many"))
    assert result.returncode == 1, result
    assert result.stderr.decode() == "hello_server: socket activation: invalid LISTEN_FDS 'many'\n", result.stderr

    with open(os.devnull) as not_a_socket:
        def devnull_as_fd3():
            os.dup2(not_a_socket.fileno(), 3)
            announce("1")
        result = run_with(devnull_as_fd3, pass_fds=(3,))
    assert result.returncode == 1, result
    assert b"hello_server: socket activation: fd 3 is not a listening stream socket" in result.stderr, result.stderr


# --- a real HAProxy in front of two servers -------------------------------------

SHIPPED_CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "deploy", "haproxy.cfg")


def loopback_config(port, backends, stats_socket):
    """deploy/haproxy.cfg itself with only its addresses changed: listening on
    127.0.0.1:`port`, balancing over `backends` on loopback, its stats socket
    at `stats_socket`. Everything else (maxconn, checks, timeouts) as shipped."""
    lines = []
    with open(SHIPPED_CONFIG) as shipped:
        for line in shipped:
            words = line.split()
            if words[:1] == ["bind"]:
                line = f"    bind 127.0.0.1:{port}\n"
            elif words[:1] == ["server"]:
                continue
            elif words[:2] == ["stats", "socket"]:
                line = line.replace(words[2], stats_socket)
            lines.append(line)
    config = "".join(lines) + "".join(
        f"    server hello{i} 127.0.0.1:{backend}\n" for i, backend in enumerate(backends, 1))
    assert f"127.0.0.1:{port}" in config and f"stats socket {stats_socket} " in config, config
    return config


# The hard descriptor limit deploy/haproxy.cfg promises to start under.
DESCRIPTOR_LIMIT = 20000


def limit_descriptors():
    """Popen's preexec_fn: HAProxy gets a hard limit of 20,000 descriptors."""
    resource.setrlimit(resource.RLIMIT_NOFILE, (DESCRIPTOR_LIMIT, DESCRIPTOR_LIMIT))


def find_haproxy():
    return shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/usr/local/sbin")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class HAProxy:
    def __init__(self, program, config_dir, first, second):
        self.port = free_port()
        self.stats_socket = os.path.join(config_dir, "admin.sock")
        self.config = os.path.join(config_dir, "haproxy.cfg")
        with open(self.config, "w") as config:
            config.write(loopback_config(self.port, [first, second], self.stats_socket))
        self.command = [program, "-db", "-f", self.config]

    def __enter__(self):
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(self.command, stdin=subprocess.DEVNULL, stdout=self.log,
                                        stderr=subprocess.STDOUT, preexec_fn=limit_descriptors)
        deadline = time.monotonic() + 10
        while True:
            try:
                connect(self.port, timeout=1).close()
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"haproxy did not start: {self.output()}")
                time.sleep(0.05)

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def command_line(self, command):
        """One command on HAProxy's runtime API (the stats socket); its answer."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as api:
            api.settimeout(10)
            api.connect(self.stats_socket)
            api.sendall(command.encode() + b"\n")
            return recv_until_closed(api).decode()

    def server_status(self, name):
        """hello_servers/`name`'s status from `show stat`: UP, DOWN, DRAIN, ..."""
        rows = [line.split(",") for line in self.command_line("show stat").splitlines() if line]
        header = rows[0]
        header[0] = header[0].lstrip("# ")
        for row in rows[1:]:
            if row[header.index("pxname")] == "hello_servers" and row[header.index("svname")] == name:
                return row[header.index("status")]
        raise AssertionError(f"no server {name} in show stat: {rows}")

    def wait_for_status(self, name, prefix, timeout=15):
        deadline = time.monotonic() + timeout
        while not self.server_status(name).startswith(prefix):
            if time.monotonic() > deadline:
                raise AssertionError(f"{name} not {prefix} within {timeout}s: {self.server_status(name)}")
            time.sleep(0.1)


def client_through(port, name):
    """One client's conversation through the balancer; returns its own address."""
    with connect(port) as sock:
        client = "%s:%d" % sock.getsockname()
        converse(sock, name)
        return client


def run_clients(port, count, prefix):
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        names = [f"{prefix}{i}" for i in range(count)]
        return list(pool.map(lambda name: client_through(port, name), names))


def accepted_clients(server):
    return set(re.findall(r"Accept new connection from (127\.0\.0\.1:\d+)\.\.\.$", server.log_text(), re.M))


def test_haproxy():
    program = find_haproxy()
    if program is None:
        pytest.skip("haproxy is not installed (on Debian: apt-get install haproxy)")

    if resource.getrlimit(resource.RLIMIT_NOFILE)[1] < DESCRIPTOR_LIMIT:
        pytest.skip(f"the hard descriptor limit here is below {DESCRIPTOR_LIMIT}, which deploy/haproxy.cfg needs")

    with Server("--proxy-protocol") as first, Server("--proxy-protocol") as second, \
            tempfile.TemporaryDirectory() as config_dir, \
            HAProxy(program, config_dir, first.port, second.port) as haproxy:
        # HAProxy's health checks say LOCAL and are answered like any client.
        first.wait_for_log(r"\(proxy's own connection\)")
        second.wait_for_log(r"\(proxy's own connection\)")

        clients = run_clients(haproxy.port, 40, "client")
        clients += [client_through(haproxy.port, "Tracy")]
        for _ in range(2):  # the real hello_client too
            result = run_client(haproxy.port, "Michael", "Tracy", "Sarah")
            assert result.returncode == 0 and result.stdout.decode() == TRANSCRIPT, result

        # Every client was logged under its own address by one back end, and
        # both back ends served some.
        first_served, second_served = accepted_clients(first), accepted_clients(second)
        assert first_served and second_served, (first.log_text(), second.log_text())
        for client in clients:
            assert (client in first_served) != (client in second_served), f"{client} not logged once"

        # The runtime API the upgrade steps in docs/DEPLOY.md use: drain a
        # server (no new clients), then put it back.
        haproxy.wait_for_status("hello1", "UP")
        assert haproxy.command_line("set server hello_servers/hello1 state drain").strip() == ""
        assert haproxy.server_status("hello1") == "DRAIN"
        drained_before = len(accepted_clients(first))
        drained = run_clients(haproxy.port, 10, "drained")
        assert all(client in accepted_clients(second) for client in drained)
        assert len(accepted_clients(first)) == drained_before
        assert haproxy.command_line("set server hello_servers/hello1 state ready").strip() == ""
        haproxy.wait_for_status("hello1", "UP")

        # Failover: one back end dies; new clients are still served, at once
        # (retried on the other) and after the health checks (inter 2s fall 2)
        # have taken it out of rotation.
        first.process.kill()
        first.expected_exit = -signal.SIGKILL
        first.process.wait(timeout=10)
        run_clients(haproxy.port, 20, "after")
        haproxy.wait_for_status("hello1", "DOWN")
        served_before = len(accepted_clients(second))
        later = run_clients(haproxy.port, 10, "later")
        assert all(client in accepted_clients(second) for client in later)
        assert len(accepted_clients(second)) == served_before + 10


# --- meson install ----------------------------------------------------------------

def test_installed_units_verify():
    """The example units, copied where an administrator puts them, pass
    `systemd-analyze verify` against the installed files: ExecStart= names
    the installed program, Documentation= its installed man page."""
    meson, analyze = shutil.which("meson"), shutil.which("systemd-analyze")
    if meson is None or analyze is None:
        pytest.skip("needs meson and systemd-analyze (apt-get install systemd)")
    build_dir = os.path.dirname(SERVER)
    with tempfile.TemporaryDirectory() as root:
        subprocess.run([meson, "install", "-C", build_dir, "--no-rebuild", "--quiet", "--destdir", root],
                       check=True, capture_output=True, timeout=60)
        docs = next(os.path.join(where, "") for where, _, names in os.walk(root) if "hello-server.service" in names)
        prefix = docs[:-len("share/doc/hello-asio/")]
        units = os.path.join(root, "etc/systemd/system")
        os.makedirs(units)
        for unit in ("hello-server.service", "hello-server.socket"):
            shutil.copy(os.path.join(docs, unit), units)
        # The system's own units (sysinit.target, ...) that ours depend on, inside the root.
        shutil.copytree("/usr/lib/systemd/system", os.path.join(root, "usr/lib/systemd/system"), symlinks=True,
                        dirs_exist_ok=True)
        result = subprocess.run([analyze, "verify", f"--root={root}", "hello-server.service", "hello-server.socket"],
                                capture_output=True, text=True, timeout=60,
                                env={**os.environ, "MANPATH": os.path.join(prefix, "share/man")})
        complaints = [line for line in result.stderr.splitlines() if line.startswith("hello-server")]
        assert result.returncode == 0 and not complaints, result.stderr[-2000:]


def test_install():
    """`meson install --destdir` puts the programs, man pages and examples in place."""
    meson = shutil.which("meson")
    if meson is None:
        pytest.skip("meson is not in PATH (apt-get install meson)")
    build_dir = os.path.dirname(SERVER)
    with tempfile.TemporaryDirectory() as destdir:
        subprocess.run([meson, "install", "-C", build_dir, "--no-rebuild", "--quiet", "--destdir", destdir],
                       check=True, capture_output=True, timeout=60)
        installed = {os.path.relpath(os.path.join(root, name), destdir)
                     for root, _, names in os.walk(destdir) for name in names}
        prefix = next(path for path in installed if path.endswith("bin/hello_server"))[:-len("bin/hello_server")]
        programs = ["hello_server", "hello_client", "http_get", "hello_bench"]
        for wanted in [*(f"bin/{program}" for program in programs),
                       *(f"share/man/man1/{program}.1" for program in programs),
                       *(f"share/bash-completion/completions/{program}" for program in programs),
                       "share/doc/hello-asio/hello-server.socket", "share/doc/hello-asio/hello-server.service",
                       "share/doc/hello-asio/haproxy.cfg", "share/doc/hello-asio/prometheus.yml",
                       "share/doc/hello-asio/DEPLOY.md"]:
            assert prefix + wanted in installed, f"{wanted} not installed: {sorted(installed)}"

        with open(os.path.join(destdir, prefix, "share/doc/hello-asio/hello-server.service")) as unit:
            exec_start = re.search(r"^ExecStart=(\S+)", unit.read(), re.M).group(1)
        assert exec_start == "/" + prefix + "bin/hello_server", exec_start

        # Every page states the version the program reports, and names every option its --help lists.
        for program in programs:
            binary = os.path.join(destdir, prefix, "bin", program)
            version = subprocess.run([binary, "--version"], capture_output=True, timeout=10)
            assert version.returncode == 0 and version.stdout.startswith(program.encode() + b" "), version
            number = version.stdout.split()[1].decode()
            with open(os.path.join(destdir, prefix, f"share/man/man1/{program}.1")) as page:
                text = page.read()
            assert f'"hello-asio {number}"' in text, f"{program}.1 does not state version {number}"
            help_text = subprocess.run([binary, "--help"], capture_output=True, timeout=10).stdout
            options = re.findall(rb"^ {2,8}(?:-\w, )?(--[\w-]+)", help_text, re.M)
            assert len(options) >= 3, f"no options found in {program} --help"
            for option in options:
                assert option.decode().replace("-", r"\-") in text, f"{program}.1 misses {option}"
