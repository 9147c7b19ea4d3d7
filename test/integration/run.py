"""Runs one integration test: `run.py MODULE TEST`, with a time limit.

Each test is a function `test_NAME()` in test/integration/MODULE.py that
raises (usually AssertionError) on failure. Meson runs each as its own test.
"""

import importlib
import os
import signal
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402  (needs the path above)


def main():
    module_name, test_name = sys.argv[1], sys.argv[2]
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


if __name__ == "__main__":
    sys.exit(main())
