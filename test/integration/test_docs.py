"""The docs that explain the code name only files, types and functions that
exist, so that a reader who follows them finds what they say."""

import os
import re

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SOURCE_SUFFIXES = (".cpp", ".hpp", ".c", ".py", ".md", ".build")


def _source_text():
    texts = []
    for folder in ("src", "bench", "test"):
        for directory, _, files in os.walk(os.path.join(ROOT, folder)):
            for name in files:
                if name.endswith(SOURCE_SUFFIXES):
                    with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as f:
                        texts.append(f.read())
    return "\n".join(texts)


def _quoted(document):
    with open(os.path.join(ROOT, document), encoding="utf-8") as f:
        return re.findall(r"`([^`\n]+)`", f.read())


def _path_exists(path):
    """A path from the top or from src/, or a bare file name anywhere in src/."""
    path = path.rstrip("/")
    if any(os.path.exists(os.path.join(ROOT, base, path)) for base in ("", "src")):
        return True
    return "/" not in path and any(path in files for _, _, files in os.walk(os.path.join(ROOT, "src")))


def test_architecture_names_real_code():
    source = _source_text()
    missing = []
    for quoted in _quoted("docs/ARCHITECTURE.md"):
        if re.fullmatch(r"[\w./-]+\.(cpp|hpp|md|build)|src/[\w/]+/?|[a-z]+/", quoted):
            if not _path_exists(quoted):
                missing.append(quoted)
        elif re.fullmatch(r"[\w:]+\(\)", quoted):
            name = quoted[:-2].split("::")[-1]
            if not re.search(r"\b" + re.escape(name) + r"\(", source):
                missing.append(quoted)
        elif re.fullmatch(r"[A-Z]\w+(::\w+)*", quoted):
            for part in quoted.split("::"):
                if not re.search(r"\b" + re.escape(part) + r"\b", source):
                    missing.append(quoted)
    assert not missing, f"docs/ARCHITECTURE.md names what the code does not have: {missing}"
