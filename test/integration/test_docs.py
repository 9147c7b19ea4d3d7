"""The docs say what is true, and a test says when they stop: ARCHITECTURE.md names only files, types and
functions that exist; every option a doc or man page names is in its program's --help, with the default
--help prints; README's performance figures are BENCHMARKS.md's newest; the man pages, the fuzz targets and
the diagrams are where and as the docs say."""

import collections
import functools
import os
import re
import shlex
import subprocess

import pytest

from harness import BUILD_DIR

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


# --- Options and defaults: what the docs name against what --help prints ---
#
# A doc names an option in a code span (`--idle-timeout`) or on a line of a code block; a man page, anywhere.
# Whose option it is:
#   1. the program or tool that the same command runs (`hello_bench --port 9999 -c 100`, `meson setup build
#      --buildtype=release`); a tool's options are not checked;
#   2. else the program or tool the same sentence names last before it, by name or as a command, unless that
#      name is inside parentheses that have closed ("`pytest ...` (pytest, after building; `-n 4` runs in
#      parallel"); the word "curl" does not count: the http_get docs say "as curl" of nearly every option;
#   3. else the program the section's heading names (README's "### hello_client"), and no program at all
#      under a heading about a bench/ tool;
#   4. else the doc's own program (DOC_PROGRAM, or a man page's own).
# The curl-against-http_get tables (header "| curl | http_get |") name curl's options in the left column: they
# are http_get's too ("the same", "curl's meaning", "differs"), except in the rows whose right cell says
# "not here", which name what only curl has.

PROGRAMS = ("hello_server", "hello_client", "http_get", "hello_bench")
TOOL = "a tool"
DOC_PROGRAM = {
    "README.md": "hello_server",
    "docs/ARCHITECTURE.md": "hello_server",
    "docs/BENCHMARKS.md": "hello_server",
    "docs/DEPLOY.md": "hello_server",
    "docs/HARDENING.md": "hello_server",
    "docs/HTTP_GET.md": "http_get",
    "docs/PROTOCOL.md": "hello_server",
}
# Commands the docs run that are not ours; a path (bench/compare, build-fuzz/fuzz/framing_fuzz, .ci/run) that
# starts a command counts as one too.
TOOLS = {
    "ab", "apt-get", "clang", "clang++", "clang-format", "curl", "find", "g++", "gcc", "git", "haproxy",
    "journalctl", "man", "meson", "nc", "ninja", "openssl", "perf", "pytest", "pytest-3", "python3",
    "redis-benchmark", "ss", "strace", "systemctl", "systemd-analyze", "systemd-socket-activate", "taskset",
    "timeout", "ulimit", "valgrind", "wrk", "wrk2",
}
# Words after which the command is the next word.
TRANSPARENT = {"$", "sudo", "nice", "exec", "env", "time"}
# Tools that run the program named after their own options.
RUNNERS = {"systemd-socket-activate", "taskset", "valgrind", "strace", "perf", "timeout"}
# What the rules above give to the wrong program, (doc, option): why it is not that program's.
NOT_OURS = {
    ("docs/BENCHMARKS.md", "-O2"): "the compiler's: how a benchmark build is compiled",
    ("docs/BENCHMARKS.md", "-g"): "the compiler's: how a benchmark build is compiled",
    ("docs/BENCHMARKS.md", "-fPIC"): "the compiler's",
    ("docs/BENCHMARKS.md", "--buildtype"): "Meson's: how a benchmark build is configured",
    ("docs/BENCHMARKS.md", "--proxy-protocol"): "hello_server's, in hello_bench's section: 'for a server started "
                                                "with --proxy-protocol'",
    ("docs/HTTP_GET.md", "--speed-limit"): "curl's, named as what curl has instead of --stall-timeout",
    ("docs/HTTP_GET.md", "--speed-time"): "curl's, named as what curl has instead of --stall-timeout",
    ("README.md", "--speed-limit"): "curl's, named as what curl has instead of --stall-timeout",
    ("README.md", "--speed-time"): "curl's, named as what curl has instead of --stall-timeout",
}

# -Dname, attached, is Meson's -Dname=value or the compiler's macro, never http_get's -D FILE.
MESON_OPTION = re.compile(r"-D[A-Za-z]\w+")
OPTION = re.compile(r"^--?[A-Za-z][\w-]*$")
SPAN = re.compile(r"`([^`\n]+)`")
SENTENCE_END = re.compile(r"(?:(?<=[.!?:;])|(?<=[.!?]\)))\s+(?=[A-Z(\"])")
# Tools the docs name in prose ("(pytest, after building ...; `-n 4` runs in parallel"); not curl, which the
# http_get docs name beside nearly every option ("as curl").
TOOL_WORDS = ("meson", "ninja", "pytest", "doctest", "libFuzzer", "clang", "redis-benchmark", "ab", "wrk2")


def _help_text(program):
    binary = os.path.join(BUILD_DIR, program)
    if not os.access(binary, os.X_OK):
        pytest.skip(f"{binary} is not built")
    return subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=10, check=True).stdout


@functools.lru_cache(maxsize=None)
def _help(program):
    """{option: the text --help prints for it}, for every option it lists (aliases included)."""
    entries, names, entry = {}, [], []
    for line in _help_text(program).splitlines() + [""]:
        head = re.match(r" {2,8}(-[\w#-]+(?:, --[\w-]+)?)(?=\s|$)", line)
        if head or not line.startswith("         "):
            for name in names:
                entries[name] = " ".join(entry)
            names, entry = [], []
        if head:
            names = head.group(1).split(", ")
            entry = [line[head.end():].strip()]
        elif names:
            entry.append(line.strip())
    for description in list(entries.values()):
        for alias in re.findall(r"\(also (--[\w-]+)\)", description):
            entries[alias] = description
    return entries


def _owner(word):
    """The program or tool a command word names: one of PROGRAMS, or its own name for a tool."""
    word = re.sub(r"^ExecStart=", "", word)
    name = word.rstrip(",").rsplit("/", 1)[-1]
    if name in PROGRAMS:
        return name
    if name.lower() in TOOLS or ("/" in word and not word.startswith("-")):
        return name.lower()
    return None


def _words(command):
    command = re.sub(r"(^|\s)\(", r"\1( ", re.sub(r"\)(\s|$)", r" )\1", command))  # (test -d build || ...)
    try:
        words = shlex.split(command)
    except ValueError:  # an apostrophe in a program's output
        words = command.split()
    return [word.strip("[]") for word in words]


def _command_options(command):
    """[(option, owner or None)] for one command line or code span: each option with the program or tool that
    runs it there (PROGRAMS, or TOOL), None when the command names neither (a bare `--threads N`)."""
    found, owner, starts = [], None, True
    for word in _words(re.sub(r"^\s*\$ ", "", command)):
        if not word:
            continue
        if set(word) <= set("&|;()<>"):
            owner, starts = None, True
        elif OPTION.match(word.split("=", 1)[0]):
            found.append((word.split("=", 1)[0], owner if owner in PROGRAMS or owner is None else TOOL))
            starts = False
        elif _owner(word) in PROGRAMS and (starts or owner in RUNNERS):
            owner, starts = _owner(word), False
        elif starts and (word in TRANSPARENT or re.fullmatch(r"[A-Za-z_]+=\S*", word)):
            continue  # sudo, nice, VARIABLE=value: the command is the next word
        elif starts:
            owner, starts = _owner(word) or TOOL, False
    return found


def _scope_end(text, position):
    """Where a name said at `position` stops applying: the end of its parenthesis, else of the text."""
    depth = 0
    for index in range(position, len(text)):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            if depth == 0:
                return index
            depth -= 1
    return len(text)


def _mentioned_owners(sentence):
    """[(start, end, owner)] of the programs and tools a sentence names, as a word or as a command in a code
    span (a bare path such as `bench/hostile` or `/metrics` is a name, not a command)."""
    named = [(m.start(), m.group(1)) for m in re.finditer(r"(?<![\w/-])(" + "|".join(PROGRAMS) + r")\b", sentence)]
    named += [(m.start(), TOOL) for m in re.finditer(r"(?<![\w/-])(" + "|".join(TOOL_WORDS) + r")\b", sentence, re.I)]
    for span in SPAN.finditer(sentence):
        words = _words(span.group(1))
        owner = _owner(words[0]) if words else None
        if owner and (len(words) > 1 or owner in PROGRAMS or owner in TOOLS):
            named.append((span.start(), owner if owner in PROGRAMS else TOOL))
    return sorted((start, _scope_end(sentence, start), owner) for start, owner in named)


def _owner_at(named, position, fallback):
    """The program or tool last named before `position` whose scope reaches it, else `fallback`."""
    if fallback == TOOL:
        return TOOL
    owners = [owner for start, end, owner in named if start < position <= end]
    return owners[-1] if owners else fallback


Mention = collections.namedtuple("Mention", "doc line option program default")


def _heading_program(heading):
    """The program a heading names; TOOL for one about a tool of bench/."""
    if re.search(r"\bbench/\w", heading):
        return TOOL
    named = re.findall(r"\b(" + "|".join(PROGRAMS) + r")\b", heading)
    return named[0] if named else None


def _markdown_blocks(doc):
    """(line number, kind, text, section program) of each command in a code block (continued lines joined), each
    table row and each paragraph (a list item is a paragraph of its own)."""
    with open(os.path.join(ROOT, doc), encoding="utf-8") as f:
        lines = f.read().splitlines()
    sections, paragraph, start, fenced, command = [], [], 0, False, ""

    def program():
        return next((p for _, p in reversed(sections) if p), None) or DOC_PROGRAM[doc]

    def flush():
        if paragraph:
            yield start, "prose", " ".join(paragraph), program()
            paragraph.clear()

    for number, line in enumerate(lines, 1):
        if line.startswith("```"):
            yield from flush()
            fenced = not fenced
        elif fenced:
            start = start if command else number
            command += line.rstrip("\\") + " "
            if not line.endswith("\\"):
                yield start, "code", command, program()
                command = ""
        elif re.match(r"#+ ", line):
            yield from flush()
            level = len(line.split(" ", 1)[0])
            sections = [s for s in sections if s[0] < level] + [(level, _heading_program(line))]
        elif line.startswith("|"):
            yield from flush()
            yield number, "row", line, program()
        elif not line.strip() or line.startswith("<!--") or re.match(r"\s*([-*]|\d+\.) ", line):
            yield from flush()
            if re.match(r"\s*([-*]|\d+\.) ", line):
                start = number
                paragraph.append(line.strip())
        else:
            start = start if paragraph else number
            paragraph.append(line.strip())
    yield from flush()


def _cells(row):
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row.strip().strip("|"))]


# How a doc states an option's default, right after naming it: "`--timeout` (default 10s)", "`--max-message`
# bytes (default 4096", "`--shutdown-timeout`, default 5s", "`--max-redirs` defaults to 10"; in a column
# headed "option (default)": "`--idle-timeout` (5m)".
DEFAULT_AFTER = re.compile(r"[^`.;()]{0,25}?(?:\(default:?|, default|\bdefaults? to)\s+`?((?:[^`;,):]|:(?!\s))+)")
DEFAULT_IN_COLUMN = re.compile(r"\s*\(([^)]+)\)")
# ... or right before: "30 s to connect (`--connect-timeout`)".
DEFAULT_BEFORE = re.compile(r"(\d+(?:\.\d+)? ?(?:ms|s|m|h))\b[^`().;]{0,25}\($")


def _sentence_options(text, fallback, default_column=False):
    """[(option, program or TOOL, the default stated for it or None)] for the code spans of a paragraph or a
    table cell."""
    found = []
    for sentence in SENTENCE_END.split(text):
        named = _mentioned_owners(sentence)
        for span in SPAN.finditer(sentence):
            context = _owner_at(named, span.start(), fallback)
            options = _command_options(span.group(1))
            default = None
            if len(options) == 1:
                after = (DEFAULT_IN_COLUMN if default_column else DEFAULT_AFTER).match(sentence, span.end())
                before = DEFAULT_BEFORE.search(sentence, 0, span.start())
                if after:
                    default = after.group(1)
                elif before and sentence.startswith(")", span.end()):
                    default = before.group(1)
            found += [(option, owner or context, default) for option, owner in options]
    return found


def _row_options(cells, header, program):
    """[(option, owner, default)] for one table row. A default stated in a column headed "Default", or in a
    later cell before any code span, is the one of the options in the first cell."""
    per_cell, row_default = [], None
    for index, cell in enumerate(cells):
        title = header[index].lower() if index < len(header) else ""
        per_cell.append(_sentence_options(cell, program, default_column=title.endswith("(default)")))
        if index and title == "default":
            row_default = cell.strip("`")
        elif index and not row_default and not SPAN.search(cell.split("(default", 1)[0]):
            row_default = _stated_default(cell)
    if header[:2] == ["curl", "http_get"]:
        # The curl column: curl's options, http_get's too unless the row says "not here".
        owner = "curl" if cells[1:] and cells[1].startswith("not here") else "http_get"
        per_cell[0] = [(option, TOOL if was == TOOL else owner, default) for option, was, default in per_cell[0]]
    if per_cell and row_default:
        per_cell[0] = [(option, owner, default or row_default) for option, owner, default in per_cell[0]]
    return [each for cell in per_cell for each in cell]


def _markdown_mentions(doc):
    mentions, header = [], None
    for number, kind, text, program in _markdown_blocks(doc):
        if kind == "code":
            header = None
            found = [(option, owner or program, None) for option, owner in _command_options(text)]
        elif kind == "row":
            header = header or _cells(text)
            found = _row_options(_cells(text), header, program)
        else:
            header = None
            found = _sentence_options(text, program)
        for option, owner, default in found:
            mentions.append(Mention(doc, number, option, owner, default))
    return mentions


def _stated_default(text):
    """The default a description states: "(default 5m)", "Default: none", "off by default", "text (default)"."""
    stated = re.search(r"\(default:?\s+`?((?:[^`;,):]|:(?!\s))+)", text) or re.search(r"\bDefault:\s+([^.;]+)", text)
    if stated:
        return stated.group(1).strip()
    stated = re.search(r"\b(\w+) by default", text)
    if stated:
        return stated.group(1)
    clause = next((clause for clause in text.split(";") if "(default)" in clause), None)
    return re.match(r"\W*(\w+)", clause).group(1) if clause else None


ROFF_ESCAPES = {r"\-": "-", r"\(dq": '"', r"\(em": "-", r"\e": "\\", r"\&": "", r"\ ": " ", r"\(bu": "*"}


def _unroff(line):
    """A man page line as it reads: escapes and fonts gone, a font macro's arguments joined."""
    macro = re.match(r"\.(B|I|BI|BR|IB|IR|RB|RI)(?:\s+(.*))?$", line)
    if macro:
        arguments = _words(macro.group(2) or "")
        line = (" " if len(macro.group(1)) == 1 else "").join(arguments)
    for escape, text in ROFF_ESCAPES.items():
        line = line.replace(escape, text)
    return re.sub(r"\\f[BIRP]", "", line)


def _man_blocks(page):
    """(line number, kind, text) of a man page: each .TP's head ("head") and the paragraph under it ("body"), each
    other paragraph ("prose"), each line of an example ("code")."""
    with open(os.path.join(ROOT, page), encoding="utf-8") as f:
        lines = f.read().splitlines()
    paragraph, start, fill, head_next, in_body = [], 0, True, False, False

    def flush():
        nonlocal in_body
        if paragraph:
            yield start, "body" if in_body else "prose", " ".join(paragraph)
            paragraph.clear()
        in_body = False

    for number, line in enumerate(lines, 1):
        if line.startswith('.\\"'):
            continue
        if re.match(r"\.(TP|PP|LP|IP|SH|SS|RS|RE|TH|nf|fi)\b", line):
            yield from flush()
            fill = {".nf": False, ".fi": True}.get(line[:3], fill)
            head_next = line.startswith(".TP")
            continue
        text = _unroff(line)
        if head_next:
            yield number, "head", text
            head_next, in_body = False, True
        elif not fill:
            yield number, "code", text
        else:
            if not paragraph:
                start = number
            paragraph.append(text)
    yield from flush()


PLAIN_OPTION = re.compile(r"(?<![\w\-/.=:'\"])(--?[A-Za-z][\w-]*)")


def _man_mentions(page):
    program = os.path.basename(page).split(".")[0]
    mentions, head = [], []
    for number, kind, text in _man_blocks(page):
        if kind == "code":
            found = [(option, owner or program, None) for option, owner in _command_options(text)]
        else:
            found = []
            for sentence in SENTENCE_END.split(text):
                named = _mentioned_owners(sentence)
                for match in PLAIN_OPTION.finditer(sentence):
                    found.append((match.group(1), _owner_at(named, match.start(), program), None))
        mentions += [Mention(page, number, *each) for each in found]
        if kind == "head":
            head = mentions[len(mentions) - len(found):]
        elif kind == "body" and head and _stated_default(text):
            mentions += [each._replace(default=_stated_default(text)) for each in head]
    return mentions


DOCS = ["README.md"] + [f"docs/{name}" for name in sorted(os.listdir(os.path.join(ROOT, "docs")))
                        if name.endswith(".md")]
MAN_PAGES = sorted(f"man/{name}" for name in os.listdir(os.path.join(ROOT, "man")) if name.endswith(".1.in"))


def _mentions():
    return ([m for doc in DOCS for m in _markdown_mentions(doc)]
            + [m for page in MAN_PAGES for m in _man_mentions(page)])


def _in_help(option, program):
    """-sS is in the help when -s and -S are."""
    options = _help(program)
    if option in options:
        return True
    return bool(re.fullmatch(r"-[A-Za-z]{2,}", option)) and all("-" + letter in options for letter in option[1:])


def _value(default):
    """A default as a comparable value: a number (durations in seconds, as a bare number is), or a word;
    None for a phrase."""
    text = re.sub(r"(?<=\d),(?=\d{3})", "", default.strip().strip("`").lower())
    number = re.fullmatch(r"(-?\d+(?:\.\d+)?) ?(ms|s|m|h|bytes)?", text)
    if number:
        return float(number.group(1)) * {"ms": 0.001, "m": 60, "h": 3600}.get(number.group(2), 1)
    return text if re.fullmatch(r"[\w.:-]+", text) else None


def test_every_default_a_doc_states_is_the_one_help_prints():
    wrong = []
    for m in _mentions():
        if m.default is None or m.program not in PROGRAMS or _value(m.default) is None:
            continue
        printed = _stated_default(_help(m.program).get(m.option, ""))
        if printed is None or _value(printed) != _value(m.default):
            wrong.append(f"{m.doc}:{m.line}: {m.option} defaults to {m.default!r}, but {m.program} --help says "
                         + (repr(printed) if printed else "no default"))
    assert not wrong, "\n".join(dict.fromkeys(wrong))


def test_every_option_a_doc_names_is_in_that_programs_help():
    unknown = [f"{m.doc}:{m.line}: {m.option} is not in {m.program} --help"
               for m in _mentions()
               if m.program in PROGRAMS and not _in_help(m.option, m.program) and (m.doc, m.option) not in NOT_OURS
               and not MESON_OPTION.fullmatch(m.option)]
    assert not unknown, "\n".join(dict.fromkeys(unknown))


# --- Figures, man pages, fuzz targets, diagrams ---

FIGURES_MARK = "<!-- figures:"
FIGURE = re.compile(r"(?<![\w.,])\d+(?:,\d{3})*(?:\.\d+)?")


def _benchmark_results():
    """{title: text} of each section under docs/BENCHMARKS.md's "## Results", newest first, as it orders them."""
    with open(os.path.join(ROOT, "docs/BENCHMARKS.md"), encoding="utf-8") as f:
        results = re.search(r"^## Results\n(.*?)(?=^## )", f.read(), re.M | re.S).group(1)
    sections = re.split(r"^### ", results, flags=re.M)[1:]
    return {section.split("\n", 1)[0].split(" (", 1)[0]: section for section in sections}


def test_readme_figures_are_the_newest_in_benchmarks():
    """The README's performance paragraph names the BENCHMARKS.md sections it copies, the newest among them,
    and each of its figures is in one of them."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    assert FIGURES_MARK in readme, "README.md has lost its figures mark"
    paragraph = readme.split(FIGURES_MARK, 1)[1].split("-->", 1)[1].split("\n\n", 1)[0]
    sections = _benchmark_results()
    named = [title for title in sections if f'"{title}"' in paragraph]
    assert named, f"README.md's figures name no section of BENCHMARKS.md's Results: {list(sections)}"
    newest = next(iter(sections))
    assert newest in named, f"README.md's figures do not quote the newest section of BENCHMARKS.md, {newest!r}"
    quoted = "\n".join(sections[title] for title in named)
    without_titles = paragraph
    for title in named:
        without_titles = without_titles.replace(title, "")
    missing = [figure for figure in FIGURE.findall(without_titles)
               if not re.search(r"(?<![\w.,])" + re.escape(figure) + r"(?![\d]|[.,]\d)", quoted)]
    assert not missing, f"README.md quotes figures its BENCHMARKS.md sections ({named}) do not have: {missing}"


def test_man_pages_are_where_the_readme_says():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        said = re.findall(r"man -l\s+build/man/(\w+\.1)", f.read())
    assert said, "README.md no longer says where the rendered man pages are"
    pages = [name[:-len(".in")] for name in MAN_PAGES]
    with open(os.path.join(ROOT, "man/meson.build"), encoding="utf-8") as f:
        assert set(re.findall(r"'(\w+\.1)'", f.read())) == {os.path.basename(page) for page in pages}
    absent = [page for page in set(said) | {os.path.basename(p) for p in pages}
              if not os.path.isfile(os.path.join(BUILD_DIR, "man", page))]
    assert not absent, f"not rendered into {BUILD_DIR}/man: {absent}"


NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "thirteen", "fourteen", "fifteen", "sixteen"]


def test_hardening_counts_the_fuzz_targets_there_are():
    with open(os.path.join(ROOT, "fuzz/meson.build"), encoding="utf-8") as f:
        targets = re.findall(r"^\s*'(\w+_fuzz)':", f.read(), re.M)
    with open(os.path.join(ROOT, "docs/HARDENING.md"), encoding="utf-8") as f:
        hardening = f.read()
    counts = re.findall(r"\b(\w+) (?:libFuzzer |fuzz )?targets\b", hardening, re.I)
    stated = {NUMBER_WORDS.index(word.lower()) for word in counts if word.lower() in NUMBER_WORDS}
    assert stated == {len(targets)}, f"HARDENING.md counts {counts} fuzz targets; fuzz/meson.build has {len(targets)}"
    named = set(re.findall(r"fuzz/(\w+_fuzz)\.cpp", hardening))
    assert named <= set(targets), f"HARDENING.md names fuzz targets fuzz/meson.build lacks: {named - set(targets)}"


def test_architecture_diagrams_keep_one_row_a_line():
    """A line of a diagram too long for the page is rows merged into one."""
    with open(os.path.join(ROOT, "docs/ARCHITECTURE.md"), encoding="utf-8") as f:
        blocks = re.findall(r"^```\n(.*?)^```", f.read(), re.M | re.S)
    long_lines = [line for block in blocks for line in block.splitlines() if len(line) > 118]
    assert not long_lines, f"docs/ARCHITECTURE.md diagram lines over 118 characters: {long_lines}"


def test_deploy_installs_a_release_build_of_its_own():
    """`meson setup` keeps an existing directory's build type: configured on the README's build/ (debug), the
    install recipe would install a debug build."""
    with open(os.path.join(ROOT, "docs/DEPLOY.md"), encoding="utf-8") as f:
        installing = re.search(r"^## Installing\n(.*?)^## ", f.read(), re.M | re.S).group(1)
    setup = re.search(r"^meson setup (\S+) .*--buildtype=release", installing, re.M)
    assert setup and setup.group(1) != "build", "DEPLOY.md's recipe does not set up a release build of its own"
    used = set(re.findall(r"^(?:sudo |nice )*(?:meson \w+|ninja) -C (\S+)", installing, re.M))
    assert used == {setup.group(1)}, f"DEPLOY.md's Installing uses {used}, not only {setup.group(1)}"
