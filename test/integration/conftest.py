"""pytest fixtures for the integration tests.

`server` is a hello_server with its default options and `start_server(*args)`
starts one with others; both stop every server they started when the test
ends (SIGTERM, then a check that it exited cleanly: under the sanitizers that
also means no leak and no report). Every test has a time limit
(HELLO_TEST_TIMEOUT seconds, 60 by default), so a broken program fails its
test instead of hanging the run.
"""

import os
import signal

import pytest

from harness import Server


@pytest.fixture
def start_server():
    started = []

    def start(*args, **kwargs):
        server = Server(*args, **kwargs)
        server.__enter__()
        started.append(server)
        return server

    yield start
    failures = []
    for server in reversed(started):
        try:
            server.__exit__(None, None, None)
        except AssertionError as failure:
            failures.append(str(failure))
    assert not failures, "\n".join(failures)


@pytest.fixture
def server(start_server):
    return start_server()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    limit = int(os.environ.get("HELLO_TEST_TIMEOUT", "60"))

    def out_of_time(*_):
        raise TimeoutError(f"{item.nodeid} took over {limit}s")

    previous = signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(limit)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
