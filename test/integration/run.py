"""Runs one integration test: `run.py MODULE TEST`, with a time limit.

Each test is a function `test_NAME()` in test/integration/MODULE.py (a module
whose name starts with test_) that raises (usually AssertionError) on failure.
Meson runs each as its own test, "MODULE/NAME" without the test_ prefixes; it
finds them with `run.py --list`, which prints "MODULE NAME" for every test
function of every module, so a new test cannot be left out.
"""

import ast
import importlib
import os
import signal
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402  (needs the path above)


def test_functions(directory=HERE):
    """[(module, name)] for every `def test_NAME` of every test_*.py, sorted.

    Read from the source, not imported: listing runs when Meson configures,
    and must not depend on the programs being built.
    """
    found = []
    for file_name in sorted(os.listdir(directory)):
        if not (file_name.startswith("test_") and file_name.endswith(".py")):
            continue
        with open(os.path.join(directory, file_name), encoding="utf-8") as source:
            tree = ast.parse(source.read(), file_name)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                found.append((file_name[:-3], node.name[5:]))
    return found


def run(module_name, test_name):
    limit = int(os.environ.get("HELLO_TEST_TIMEOUT", "60"))

    def out_of_time(*_):
        raise TimeoutError(f"{module_name}.{test_name} took over {limit}s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(limit)
    test = getattr(importlib.import_module(module_name), "test_" + test_name)
    try:
        test()
    except harness.Skip as reason:
        print(f"SKIP: {reason}")
        return 77  # Meson's code for a skipped test
    except Exception:
        traceback.print_exc()
        return 1
    print(f"ok: {module_name}.{test_name}")
    return 0


def main():
    if sys.argv[1:] == ["--list"]:
        for module, name in test_functions():
            print(module, name)
        return 0
    if len(sys.argv) != 3:
        print("usage: run.py MODULE TEST | run.py --list", file=sys.stderr)
        return 2
    return run(sys.argv[1], sys.argv[2])


if __name__ == "__main__":
    sys.exit(main())
