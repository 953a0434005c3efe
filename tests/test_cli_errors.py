"""The command line's one convention, and docs/cli-errors.md kept true.

Every command is run (in a subprocess, from a scratch folder, as a person would) with each kind of bad
input. Each answer must follow the convention: exit 1 for bad input or a failed check, 2 for a usage error;
the first line ``FILE:LINE:COL: error: ...`` for a problem in a file, else ``tutor COMMAND: error: ...``
(argparse: ``tutor COMMAND: error: ...`` after its usage lines); then only ``hint:`` lines; no traceback;
nothing on stdout. The table of all of them is docs/cli-errors.md: this test fails when the document and
the program disagree; ``UPDATE_CLI_ERRORS=1 pytest tests/test_cli_errors.py`` rewrites it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "cli-errors.md"
LESSON = ROOT / "lessons" / "session-lifecycle.yaml"

GOOD_SCENARIO = "events:\n  - request: GET /\n"
# (command, bad input, argv, expected exit code); files named in argv are made by _scratch()
CASES: list[tuple[str, str, list[str], int]] = [
    ("tutor", "not an interactive terminal", [], 1),
    ("tutor", "an unknown option", ["--colour"], 2),
    ("tutor", "an unknown command", ["frobnicate"], 2),
    ("tutor", "`--lessons` folder missing", ["--lessons", "no-such-folder"], 1),
    ("open", "no lesson given", ["open"], 2),
    ("open", "an unknown lesson id", ["open", "no-such-lesson"], 1),
    ("open", "a mistyped lesson id", ["open", "sesion-lifecycle"], 1),
    ("open", "a folder", ["open", "lessons"], 1),
    ("open", "a FIFO", ["open", "fifo.yaml"], 1),
    ("open", "not YAML", ["open", "broken.yaml"], 1),
    ("open", "an invalid lesson", ["open", "invalid.yaml"], 1),
    ("open", "an unknown mode", ["open", "session-lifecycle", "--mode", "quiz"], 2),
    ("open", "a step past the end", ["open", "session-lifecycle", "--step", "999"], 1),
    ("open", "a negative step", ["open", "session-lifecycle", "--step", "-3"], 2),
    ("open", "not an interactive terminal", ["open", "session-lifecycle"], 1),
    ("simulate", "no file given", ["simulate"], 2),
    ("simulate", "a missing file", ["simulate", "missing.yaml"], 1),
    ("simulate", "a folder", ["simulate", "lessons"], 1),
    ("simulate", "a FIFO", ["simulate", "fifo.yaml"], 1),
    ("simulate", "not YAML", ["simulate", "broken.yaml"], 1),
    ("simulate", "an unknown event", ["simulate", "bad-event.yaml"], 1),
    ("simulate", "an unknown format", ["simulate", "scenario.yaml", "--format", "xml"], 2),
    ("cookie", "no header given", ["cookie"], 2),
    ("cookie", "the `Set-Cookie:` name written too", ["cookie", "Set-Cookie: sid=1"], 1),
    ("cookie", "an empty header", ["cookie", "sid=1", ""], 1),
    ("cookie", "`--url` not an http(s) URL", ["cookie", "sid=1", "--url", "ftp://files.example/"], 1),
    ("cookie", "an unknown browser kind", ["cookie", "sid=1", "--browser", "opera"], 2),
    ("cookie", "an unknown third-party policy", ["cookie", "sid=1", "--third-party", "sometimes"], 2),
    ("check", "no path given", ["check"], 2),
    ("check", "a missing path", ["check", "missing.yaml"], 1),
    ("check", "a FIFO", ["check", "fifo.yaml"], 1),
    ("check", "not YAML", ["check", "broken.yaml"], 1),
    ("check", "an invalid lesson", ["check", "invalid.yaml"], 1),
    ("new", "no id given", ["new"], 2),
    ("new", "an invalid id", ["new", "My Lesson"], 1),
    ("new", "the file exists", ["new", "exists"], 1),
    ("new", "`--output` is a folder", ["new", "x", "--output", "lessons"], 1),
    ("schema", "an extra argument", ["schema", "lesson"], 2),
    ("show", "no lesson given", ["show"], 2),
    ("show", "an unknown lesson id", ["show", "no-such-lesson"], 1),
    ("show", "a folder", ["show", "lessons"], 1),
    ("show", "an invalid lesson", ["show", "invalid.yaml"], 1),
    ("show", "an unknown format", ["show", "session-lifecycle", "--format", "pdf"], 2),
    ("show", "a truncated HAR capture", ["show", "truncated.har"], 1),
    ("show", "a HAR that is not JSON", ["show", "not-json.har"], 1),
    ("show", "JSON that is not a HAR", ["show", "not-har.har"], 1),
    ("show", "a HAR with a wrong type deep inside", ["show", "wrong-type.har"], 1),
    ("show", "a capture option for a lesson", ["show", "session-lifecycle", "--show-values"], 1),
    ("list", "`--lessons` folder missing", ["list", "--lessons", "no-such-folder"], 1),
    ("list", "an unknown format", ["list", "--format", "xml"], 2),
    ("progress", "`--reset` without a terminal to confirm on", ["progress", "--reset"], 1),
    ("progress", "progress folder unusable", ["progress"], 1),
    ("progress", "`--actor` not a mailto: address", ["progress", "--format", "xapi", "--actor", "alice"], 2),
    ("progress", "`--actor` without `--format xapi`", ["progress", "--actor", "mailto:a@b.example"], 2),
    ("progress", "a pass mark over 100", ["progress", "--format", "xapi", "--pass-mark", "200"], 2),
    ("progress", "an unknown format", ["progress", "--format", "csv"], 2),
    ("review", "progress folder unusable", ["review"], 1),
    ("review", "`--lessons` folder missing", ["review", "--lessons", "no-such-folder"], 1),
    ("review", "an extra argument", ["review", "now"], 2),
    ("serve", "textual-serve not installed", ["serve"], 1),
    ("serve", "a port that is not a number", ["serve", "--port", "eighty"], 2),
    ("serve", "a port out of range", ["serve", "--port", "-5"], 2),
    ("serve", "no sessions allowed", ["serve", "--max-sessions", "0"], 2),
]

FILE_ERROR = re.compile(r"^[^\s:][^:]*:\d+:\d+: error: \S")
COMMAND_ERROR = re.compile(r"^tutor( [a-z]+)?: error: \S")


def _scratch(tmp: Path) -> None:
    (tmp / "lessons").mkdir()
    os.mkfifo(tmp / "fifo.yaml")
    (tmp / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    (tmp / "invalid.yaml").write_text(
        LESSON.read_text(encoding="utf-8").replace("level: beginner", "level: expert"), encoding="utf-8"
    )
    (tmp / "scenario.yaml").write_text(GOOD_SCENARIO, encoding="utf-8")
    (tmp / "bad-event.yaml").write_text("events:\n  - teleport: mars\n", encoding="utf-8")
    (tmp / "exists.yaml").write_text("already here\n", encoding="utf-8")
    (tmp / "home-is-a-file").write_text("not a folder\n", encoding="utf-8")
    (tmp / "truncated.har").write_text('{"log": {"entries": [\n  {"startedDateTime": "2026-01-01T', encoding="utf-8")
    (tmp / "not-json.har").write_text("<html>a page saved instead</html>\n", encoding="utf-8")
    (tmp / "not-har.har").write_text('{"lessons": []}\n', encoding="utf-8")
    (tmp / "wrong-type.har").write_text(
        '{"log": {"entries": [\n  {"startedDateTime": "2026-01-01T00:00:00Z",\n   "request": {"method": "GET", "url": 7},\n'
        '   "response": {"status": 200}}]}}\n',
        encoding="utf-8",
    )


def _run(tmp: Path, argv: list[str], command: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TUTOR_LESSONS", "COLUMNS", "TEXTUAL_DRIVER")}
    env["TUTOR_HOME"] = str(tmp / "home")
    env["TERM"] = "xterm-256color"
    if argv in (["progress"], ["review"]):
        env["TUTOR_HOME"] = str(tmp / "home-is-a-file" / "home")
    code = f"import sys; from tutor.cli import main; sys.exit(main({argv!r}))"
    if command == "serve":  # as on a machine without the [web] extra, whatever this one has
        code = "import sys; sys.modules['textual_serve'] = None; " + code
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def _message(text: str) -> list[str]:
    """The lines a person reads: errors and hints (argparse's usage lines and check's summary left out)."""
    return [line.strip() for line in text.splitlines() if re.search(r"(^|: )error: |^\s*hint: ", line)]


@pytest.fixture(scope="module")
def answers(
    tmp_path_factory: pytest.TempPathFactory,
) -> list[tuple[str, str, list[str], int, subprocess.CompletedProcess[str]]]:
    tmp = tmp_path_factory.mktemp("cli-errors")
    _scratch(tmp)
    out = []
    for command, what, argv, code in CASES:
        done = _run(tmp, argv, command)
        done.stdout = done.stdout.replace(str(tmp), "$TMP")
        done.stderr = done.stderr.replace(str(tmp), "$TMP")
        out.append((command, what, argv, code, done))
    return out


def test_every_answer_follows_the_convention(answers) -> None:
    for command, what, argv, code, done in answers:
        where = f"`tutor {' '.join(argv)}` ({what})"
        both = done.stdout + done.stderr
        assert done.returncode == code, f"{where}: exit {done.returncode}, not {code}:\n{both}"
        assert "Traceback" not in both, f"{where}:\n{both}"
        # `tutor check` reports a bad lesson's problems as its output; everything else errs on stderr
        stream = done.stdout if command == "check" and what in ("not YAML", "an invalid lesson") else done.stderr
        if stream is done.stderr:
            assert done.stdout == "", f"{where} wrote to stdout:\n{done.stdout}"
        lines = [line for line in stream.splitlines() if line.strip()]
        if code == 2:
            assert lines[0].startswith("usage: tutor"), f"{where}:\n{stream}"
            errors = [line for line in lines if "error:" in line]
            assert len(errors) == 1 and COMMAND_ERROR.match(errors[0]), f"{where}:\n{stream}"
            continue
        assert FILE_ERROR.match(lines[0]) or COMMAND_ERROR.match(lines[0]), f"{where}: first line {lines[0]!r}"
        expected_prefix = "tutor: error:" if command == "tutor" else f"tutor {command}: error:"
        if not FILE_ERROR.match(lines[0]):
            assert lines[0].startswith(expected_prefix) or (
                lines[0].startswith("tutor: error:") and "interactive terminal" in lines[0]
            ), f"{where}: {lines[0]!r}"
        for line in lines[1:]:
            assert (
                FILE_ERROR.match(line)
                or line.lstrip().startswith("hint: ")
                or (command == "check" and " checked, " in line)
            ), f"{where}: stray line {line!r}"


def test_specific_answers(answers) -> None:
    by_input = {(command, what): done for command, what, _argv, _code, done in answers}
    folder = by_input[("open", "a folder")].stderr
    assert "lessons is a folder, not a lesson file" in folder and "hint: " in folder and "--lessons lessons" in folder
    assert "did you mean" in by_input[("open", "a mistyped lesson id")].stderr
    for command in ("open", "simulate", "check"):
        assert "fifo.yaml: is a FIFO, not a regular file" in by_input[(command, "a FIFO")].stderr, command
    assert "tutor needs an interactive terminal" in by_input[("open", "not an interactive terminal")].stderr
    assert "try `tutor show LESSON`" in by_input[("tutor", "not an interactive terminal")].stderr
    serve = by_input[("serve", "textual-serve not installed")].stderr
    assert "pip install 'session-tutor[web]'" in serve and "pip install '.[web]'" in serve


def _document(answers) -> str:
    rows = []
    for command, what, argv, code, done in answers:
        stream = done.stderr or done.stdout
        message = "<br>".join(line.replace("|", "\\|") for line in _message(stream)[:3])
        rows.append(f"| `{command}` | {what} | `tutor {' '.join(argv)}`".rstrip() + f" | {code} | {message} |")
    return (
        "# What `tutor` answers to bad input\n\n"
        "Generated by `tests/test_cli_errors.py` from real runs (`UPDATE_CLI_ERRORS=1 pytest tests/test_cli_errors.py`\n"
        "rewrites it; the test fails when this table and the program disagree). `$TMP` is the folder the commands\n"
        "ran in.\n\n"
        "The convention: exit code **0** ok, **1** bad input or a failed check, **2** a usage error (argparse, which\n"
        "prints the usage first). A problem in a file is `FILE:LINE:COL: error: message`; any other problem is\n"
        "`tutor COMMAND: error: message`; `hint:` lines may follow. Errors go to stderr (`tutor check` prints a\n"
        "lesson's problems as its output, on stdout); nothing from a file reaches the terminal unescaped.\n\n"
        "| command | bad input | example | exit | message |\n| --- | --- | --- | --- | --- |\n" + "\n".join(rows) + "\n"
    )


def test_docs_table_is_true(answers) -> None:
    text = _document(answers)
    if os.environ.get("UPDATE_CLI_ERRORS"):
        DOC.write_text(text, encoding="utf-8")
    assert DOC.is_file(), "docs/cli-errors.md is missing: run UPDATE_CLI_ERRORS=1 pytest tests/test_cli_errors.py"
    assert DOC.read_text(encoding="utf-8") == text, (
        "docs/cli-errors.md disagrees with the program: run UPDATE_CLI_ERRORS=1 pytest tests/test_cli_errors.py"
    )
