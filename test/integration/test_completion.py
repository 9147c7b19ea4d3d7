"""Bash completion (completions/hello-asio), run in a real bash the way
bash-completion calls it: COMP_WORDS and COMP_CWORD set, the function
called, COMPREPLY read. It reads each program's --help, so these also check
that --help keeps the shape it parses."""

import os
import re
import shutil
import subprocess

import pytest

from harness import BUILD_DIR

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "completions", "hello-asio")


def complete(*words):
    """What bash offers for the last of `words` (the first is the program)."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    program = os.path.join(BUILD_DIR, words[0])
    script = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); '
              '_hello_asio; printf "%s\\n" "${COMPREPLY[@]}"')
    result = subprocess.run([bash, "-c", script, "bash", SCRIPT, program, *words[1:]],
                            capture_output=True, text=True, timeout=20)
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line]


@pytest.mark.parametrize("words, offered", [
    (("hello_bench", "--fra"), ["--framing"]),
    (("hello_bench", "--framing", ""), ["raw", "line"]),
    (("hello_server", "--log-format", ""), ["text", "json"]),
    (("hello_server", "--log-format", "j"), ["json"]),
    (("hello_client", "--"), ["--host", "--port", "--timeout", "--help", "--version"]),
    (("http_get", "--retry-c"), ["--retry-connrefused"]),
    (("http_get", "-C", ""), ["-"]),
    (("hello_server", "--port", ""), []),
])
def test_completes_options_and_their_values(words, offered):
    assert complete(*words) == offered


def test_every_option_of_every_program_is_offered():
    for program in ("hello_server", "hello_client", "hello_bench", "http_get"):
        help_text = subprocess.run([os.path.join(BUILD_DIR, program), "--help"], capture_output=True,
                                   text=True, timeout=10).stdout
        listed = set(re.findall(r"^ {2,8}(?:-\w, )?(--[\w-]+)", help_text, re.M))
        offered = set(complete(program, "--"))
        assert listed and listed <= offered, (program, sorted(listed - offered))


def test_file_names_after_an_option_that_takes_a_file(tmp_path):
    (tmp_path / "saved.html").write_text("x")
    assert complete("http_get", "-o", str(tmp_path / "sa")) == [str(tmp_path / "saved.html")]
    assert complete("hello_bench", "--latency-out", str(tmp_path / "sa")) == [str(tmp_path / "saved.html")]
