"""Which tests exist, so that none can silently not run.

    registry.py unit              the unit test files: NAME for test/unit/NAME_test.cpp
    registry.py check NAME...     fails unless NAME... (the unit and integration
                                  tests Meson registered) are exactly the tests
                                  the tree holds now
    registry.py docs MESON BUILD  fails if README.md or docs/*.md name a test
                                  (`meson test ... NAME`, `unit/NAME`) that
                                  `meson test --list` does not know

test/meson.build registers one Meson test per unit test file ("unit/NAME") and
per integration test function ("MODULE/NAME", found by `integration/run.py
--list`) when Meson configures, and runs `check` and `docs` as tests.
"""

import fnmatch
import os
import re
import shlex
import subprocess
import sys

TEST_DIR = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(TEST_DIR)
sys.path.insert(0, os.path.join(TEST_DIR, "integration"))

from run import test_functions  # noqa: E402  (needs the path above)

UNIT_SUFFIX = "_test.cpp"


def unit_files():
    return sorted(name[: -len(UNIT_SUFFIX)] for name in os.listdir(os.path.join(TEST_DIR, "unit"))
                  if name.endswith(UNIT_SUFFIX))


def tests_in_tree():
    """The Meson test names the tree asks for, as test/meson.build makes them."""
    unit = {"unit/" + name for name in unit_files()}
    integration = {module[len("test_"):] + "/" + name for module, name in test_functions()}
    return unit | integration


def check(registered):
    wanted, registered = tests_in_tree(), set(registered)
    for name in sorted(wanted - registered):
        print(f"not registered: {name} (new since Meson configured? run `meson setup --reconfigure BUILD`)")
    for name in sorted(registered - wanted):
        print(f"registered but gone from the tree: {name} (run `meson setup --reconfigure BUILD`)")
    if wanted != registered:
        return 1
    print(f"{len(registered)} tests, all registered")
    return 0


def named_test_pattern():
    """A test name the docs give in backquotes: `unit/cli`, `deploy/proxy_*`
    (the part before the slash is "unit", "registry" or an integration module)."""
    groups = {"unit", "registry"} | {module[len("test_"):] for module, _ in test_functions()}
    return re.compile(r"`((?:" + "|".join(sorted(groups)) + r")/[\w*?\[\]-]+)`")


NAMED_TEST = named_test_pattern()

# A `meson test` command line, up to the end of its code span or line.
MESON_TEST = re.compile(r"meson test\b([^`\n]*)")
# `meson test` options that take a value as the next argument.
VALUED = {"-C", "--suite", "--no-suite", "--setup", "--num-processes", "-t", "--timeout-multiplier",
          "--repeat", "--wrapper", "--wrap", "--test-args", "--logbase"}


def mentions(line, in_code_block):
    """[(kind, value)]: ("test", pattern) and ("suite", name) named in a line
    of Markdown: `meson test` commands in code, test names in backquotes
    (`bench/compare` is a file of the tree, not a test)."""
    found = [("test", name) for name in NAMED_TEST.findall(line)
             if not os.path.exists(os.path.join(SOURCE_ROOT, name))]
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


def docs(meson, build_dir):
    listing = subprocess.run([meson, "test", "-C", build_dir, "--list", "--no-rebuild"],
                             capture_output=True, text=True, check=True).stdout
    # Lines look like "hello-asio:unit / unit/cli" (project:suite / name).
    names, suites = set(), set()
    for line in listing.splitlines():
        if " / " in line:
            project_suites, name = line.rsplit(" / ", 1)
            names.add(name.strip())
            for suite in project_suites.split("+"):
                suites.update({suite.strip(), suite.strip().split(":")[-1]})
    if not names:
        print("`meson test --list` listed no tests")
        return 1
    paths = [os.path.join(SOURCE_ROOT, "README.md")] + sorted(
        os.path.join(SOURCE_ROOT, "docs", name) for name in os.listdir(os.path.join(SOURCE_ROOT, "docs"))
        if name.endswith(".md"))
    checked, wrong = 0, 0
    for path in paths:
        with open(path, encoding="utf-8") as file:
            in_code_block = False
            for number, line in enumerate(file, 1):
                if line.startswith("```"):
                    in_code_block = not in_code_block
                for kind, value in mentions(line, in_code_block):
                    checked += 1
                    known = suites if kind == "suite" else names
                    if not fnmatch.filter(known, value):
                        wrong += 1
                        where = os.path.relpath(path, SOURCE_ROOT)
                        print(f"{where}:{number}: no {kind} named '{value}' in `meson test --list`")
    print(f"{checked} test names in the docs checked, {wrong} wrong")
    return 1 if wrong else 0


def main():
    command, arguments = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    if command == "unit" and not arguments:
        print("\n".join(unit_files()))
        return 0
    if command == "check":
        return check(arguments)
    if command == "docs" and len(arguments) == 2:
        return docs(*arguments)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
