"""Checks that no test file is left out of `meson test` and that the docs name
only tests that exist. Run by Meson as the test "names" (MESON and
HELLO_BUILD_DIR say which meson and build directory to ask).

pytest finds every test function of a registered file by itself; what it
cannot know is a test file test/meson.build does not list.
"""

import ast
import fnmatch
import os
import re
import shlex
import subprocess

import pytest

TEST_DIR = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(TEST_DIR)
INTEGRATION_DIR = os.path.join(TEST_DIR, "integration")
UNIT_DIR = os.path.join(TEST_DIR, "unit")


@pytest.fixture(scope="module")
def meson_tests():
    """({test names}, {suite names}) from `meson test --list`."""
    if "MESON" not in os.environ:
        pytest.skip("run by `meson test`, which sets MESON and HELLO_BUILD_DIR")
    listing = subprocess.run([os.environ["MESON"], "test", "-C", os.environ["HELLO_BUILD_DIR"], "--list",
                              "--no-rebuild"], capture_output=True, text=True, check=True, timeout=60).stdout
    # Lines look like "hello-asio:unit / unit/cli/values" (project:suite / name).
    names, suites = set(), set()
    for line in listing.splitlines():
        if " / " in line:
            project_suites, name = line.rsplit(" / ", 1)
            names.add(name.strip())
            for suite in project_suites.split("+"):
                suites.update({suite.strip(), suite.strip().split(":")[-1]})
    assert names, "`meson test --list` listed no tests"
    return names, suites


def files_in_tree():
    """Meson test names the test files ask for, as test/meson.build makes them."""
    unit = {"unit/" + os.path.relpath(os.path.join(root, name), UNIT_DIR)[: -len("_test.cpp")]
            for root, _, names in os.walk(UNIT_DIR) for name in names if name.endswith("_test.cpp")}
    integration = {"integration/" + name[len("test_"):-len(".py")] for name in os.listdir(INTEGRATION_DIR)
                   if name.startswith("test_") and name.endswith(".py")}
    return unit | integration


def test_every_test_file_is_a_meson_test(meson_tests):
    names, _ = meson_tests
    missing = sorted(files_in_tree() - names)
    assert not missing, (f"test files that `meson test` does not run: {missing}; add them to test/meson.build "
                         "(unit tests in test/unit/DIR/NAME_test.cpp for src/DIR/NAME.cpp)")


def integration_functions():
    """{"test_FILE.py::test_NAME"} for every test function of the integration tests."""
    found = set()
    for file_name in os.listdir(INTEGRATION_DIR):
        if file_name.startswith("test_") and file_name.endswith(".py"):
            with open(os.path.join(INTEGRATION_DIR, file_name), encoding="utf-8") as source:
                tree = ast.parse(source.read(), file_name)
            found.update(f"{file_name}::{node.name}" for node in tree.body
                         if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"))
    return found


# A test the docs name in backquotes: `unit/cli/values`, `unit/http/*`,
# `test_hello.py::test_transcript`, `test_deploy.py::test_proxy_*`.
NAMED_TEST = re.compile(r"`(unit/[\w/*?\[\]-]+|integration/[\w*?-]+|test_\w+\.py::[\w*?\[\]-]+)`")
# A `meson test` command line, up to the end of its code span or line.
MESON_TEST = re.compile(r"meson test\b([^`\n]*)")
# `meson test` options that take a value as the next argument.
VALUED = {"-C", "--suite", "--no-suite", "--setup", "--num-processes", "-t", "--timeout-multiplier",
          "--repeat", "--wrapper", "--wrap", "--test-args", "--logbase"}


def mentions(line, in_code_block):
    """[(kind, value)]: ("test", pattern), ("function", pattern) and ("suite",
    name) named in a line of Markdown."""
    found = [("function" if "::" in name else "test", name) for name in NAMED_TEST.findall(line)]
    code = [line] if in_code_block else re.findall(r"`([^`]*)`", line)
    for command in (command for span in code for command in MESON_TEST.findall(span)):
        try:
            words = shlex.split(command.split("&&")[0].split(";")[0], comments=True)
        except ValueError:
            continue
        words = iter(words)
        for word in words:
            if word in VALUED:
                value = next(words, "")
                if word == "--suite":
                    found.append(("suite", value))
            elif word.startswith("--suite="):
                found.append(("suite", word.split("=", 1)[1]))
            elif not word.startswith("-"):
                found.append(("test", word))
    return found


def test_docs_name_real_tests(meson_tests):
    names, suites = meson_tests
    known = {"test": names, "suite": suites, "function": integration_functions()}
    paths = [os.path.join(SOURCE_ROOT, "README.md")] + sorted(
        os.path.join(SOURCE_ROOT, "docs", name) for name in os.listdir(os.path.join(SOURCE_ROOT, "docs"))
        if name.endswith(".md"))
    checked, wrong = 0, []
    for path in paths:
        with open(path, encoding="utf-8") as file:
            in_code_block = False
            for number, line in enumerate(file, 1):
                if line.startswith("```"):
                    in_code_block = not in_code_block
                for kind, value in mentions(line, in_code_block):
                    checked += 1
                    if not fnmatch.filter(known[kind], value):
                        wrong.append(f"{os.path.relpath(path, SOURCE_ROOT)}:{number}: no {kind} named '{value}'")
    assert checked > 0
    assert not wrong, "\n".join(wrong)
