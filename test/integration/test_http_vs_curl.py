"""The differential test: curl 7.88 and http_get on the same command lines
against nginx and Apache on loopback (curl_differential.py has the cases).
Every case docs/HTTP_GET.md calls "the same" must be the same in saved bytes,
stdout, stderr's silence and exit status; every named difference must be
exactly that difference."""

import os
import shutil
import tempfile

import pytest

from curl_differential import compare, expected_fields, start
from harness import BUILD_DIR, Skip

HTTP_GET = os.path.abspath(os.path.join(BUILD_DIR, "http_get"))


def test_http_get_and_curl_agree_on_nginx_and_apache():
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed")
    with tempfile.TemporaryDirectory() as directory:
        servers = {}
        try:
            try:
                servers["nginx"] = start("nginx", directory)
                servers["apache"] = start("apache", directory)
            except Skip as why:
                pytest.skip(str(why))
            report = compare(HTTP_GET, curl, servers)
        finally:
            for server in servers.values():
                server.__exit__(None, None, None)
    wrong = [f"{name}: differs in {sorted(differing)} ({details}), expected {expected!r}"
             for name, expected, differing, details in report if set(differing) != expected_fields(expected)]
    assert not wrong, "\n".join(wrong)
