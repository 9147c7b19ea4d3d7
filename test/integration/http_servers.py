"""Web servers for http_get's integration tests, on loopback, port chosen by the OS.

A ScriptedServer reads each request's head and hands it, with the socket, to a
`respond` function that writes whatever bytes the test wants: a correct
response, a chunked one, one cut short, garbage. With a TLS context it speaks
https, using a certificate made by `make_certificates` at test time (nothing
committed that could expire).
"""

import grp
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time

from harness import Skip

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


def error_log_tail(directory):
    """The end of a web server's error.log in `directory`, for a failure message."""
    try:
        with open(os.path.join(directory, "error.log"), errors="replace") as file:
            return file.read()[-2000:]
    except OSError:
        return "(no error.log)"


def free_port(host="127.0.0.1"):
    """A port nothing listens on now (for programs that cannot be told to pick one)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def wait_until_listening(process, port, timeout=10):
    """True once something accepts on 127.0.0.1:`port`; False if `process` exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def nginx_program():
    """Debian's nginx, or None."""
    for candidate in ("/usr/sbin/nginx", shutil.which("nginx")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


class Nginx:
    """Debian's nginx on 127.0.0.1, with its own prefix and configuration in
    `directory`, serving `directory`/www over http and (with `certificate`,
    a (cert, key) pair) https, on free ports; `server_block` adds directives to
    the main server, `http_block` to the http block (more servers: "@PORT@" and
    "@TLS_PORT@" in either stand for the ports). Started and stopped by the
    `with` block."""

    def __init__(self, directory, certificate=None, server_block="", http_block=""):
        self.program = nginx_program()
        self.directory = directory
        self.root = os.path.join(directory, "www")
        self.certificate = certificate
        self.server_block = server_block
        self.http_block = http_block
        self.process = None
        self.port = self.tls_port = None

    def url(self, path="/", scheme="http", host="127.0.0.1"):
        port = self.tls_port if scheme == "https" else self.port
        return f"{scheme}://{host}:{port}{path}"

    def _config(self):
        d = self.directory
        listen = f"listen 127.0.0.1:{self.port};"
        tls = ""
        if self.certificate:
            listen += f"\n        listen 127.0.0.1:{self.tls_port} ssl;"
            tls = (f"ssl_certificate {self.certificate[0]};\n        "
                   f"ssl_certificate_key {self.certificate[1]};")
        user = "user root;" if os.geteuid() == 0 else ""
        config = f"""
{user}
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    types {{ text/plain txt; text/html html; application/octet-stream bin; }}
    default_type application/octet-stream;
    sendfile on;
    {self.http_block}
    server {{
        {listen}
        server_name localhost;
        root {self.root};
        {tls}
        {self.server_block}
    }}
}}
"""
        return config.replace("@PORT@", str(self.port)).replace("@TLS_PORT@", str(self.tls_port))

    def __enter__(self):
        if self.program is None:
            raise Skip("nginx is not installed (apt-get install nginx-light)")
        os.makedirs(self.root, exist_ok=True)
        for attempt in range(5):
            self.port, self.tls_port = free_port(), free_port()
            config = os.path.join(self.directory, "nginx.conf")
            with open(config, "w") as file:
                file.write(self._config())
            self.process = subprocess.Popen(
                [self.program, "-p", self.directory, "-c", config, "-g", "daemon off;"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if wait_until_listening(self.process, self.port):
                return self
            self.process.kill()
            self.process.wait(timeout=10)
        raise AssertionError("nginx did not start: " + self._log())

    def _log(self):
        return error_log_tail(self.directory)

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: the workers finish and exit
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def apache_program():
    """Debian's apache2, or None."""
    for candidate in ("/usr/sbin/apache2", shutil.which("apache2")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


APACHE_MODULES = "/usr/lib/apache2/modules"


class Apache:
    """Debian's apache2 on 127.0.0.1 and a free port, in the foreground, with its own
    ServerRoot, configuration, logs and document root (`root`) in a directory of its
    own, serving static files (with Apache's own ETags, ranges and 416s); `config` adds
    directives at the end of the configuration. As root (CI) the server's children run
    as nobody, so the directory is world-readable; otherwise as the current user.
    Started and stopped by the `with` block."""

    def __init__(self, config=""):
        self.program = apache_program()
        self.extra_config = config
        self.directory = self.root = self.port = None
        self.process = None

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.port}{path}"

    def _config(self):
        d = self.directory
        user = ""
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            user = f"User {nobody.pw_name}\nGroup {grp.getgrgid(nobody.pw_gid).gr_name}"
        return f"""
ServerRoot "{d}"
DefaultRuntimeDir "{d}"
PidFile "{d}/apache2.pid"
Listen 127.0.0.1:{self.port}
ServerName 127.0.0.1
LoadModule mpm_prefork_module {APACHE_MODULES}/mod_mpm_prefork.so
LoadModule authz_core_module {APACHE_MODULES}/mod_authz_core.so
{user}
StartServers 1
MinSpareServers 1
MaxSpareServers 2
ErrorLog "{d}/error.log"
LogLevel warn
DocumentRoot "{self.root}"
<Directory "{self.root}">
    Require all granted
</Directory>
{self.extra_config.replace("@ROOT@", self.root)}
"""

    def __enter__(self):
        if self.program is None or not os.path.isdir(APACHE_MODULES):
            raise Skip("apache2 is not installed (apt-get install apache2)")
        self.directory = tempfile.mkdtemp(prefix="apache-")
        os.chmod(self.directory, 0o755)  # for nobody, when we are root
        self.root = os.path.join(self.directory, "www")
        os.makedirs(self.root, mode=0o755)
        for attempt in range(5):
            self.port = free_port()
            config = os.path.join(self.directory, "apache2.conf")
            with open(config, "w") as file:
                file.write(self._config())
            # A session of its own: at shutdown Apache signals its whole process group.
            self.process = subprocess.Popen(
                [self.program, "-d", self.directory, "-f", config, "-DFOREGROUND"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                start_new_session=True)
            if wait_until_listening(self.process, self.port):
                return self
            self._stop()
        log = self._log()
        shutil.rmtree(self.directory, ignore_errors=True)
        raise AssertionError("apache2 did not start: " + log)

    def _log(self):
        return error_log_tail(self.directory)

    def _stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def __exit__(self, *exc):
        self._stop()
        shutil.rmtree(self.directory, ignore_errors=True)
