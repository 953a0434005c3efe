"""`tutor progress`: text and json output, --reset with and without confirmation."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tutor.cli import main
from tutor.progress import ProgressStore

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def home(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tests/conftest.py's own TUTOR_HOME, and only the built-in lessons."""
    monkeypatch.setenv("TUTOR_LESSONS", "")
    return home


def _fill() -> None:
    clock = iter(float(t) for t in range(100, 200))
    with ProgressStore.open(clock=lambda: next(clock)) as store:
        store.record_step("session-lifecycle", 12)
        store.record_answer("session-lifecycle", "q-cookie", "practice", [1], False, 1)
        store.record_answer("session-lifecycle", "q-cookie", "practice", [2], True, 0)
        store.record_answer("session-lifecycle", "q-rotate", "test", [0, 2], True, 2)
        store.record_test("session-lifecycle", 7, 10, 62.5)
        store.record_test("session-lifecycle", 9, 10, 85.0)
        store.record_step("zz-custom", 3)


def test_text_when_empty(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["progress"]) == 0
    assert capsys.readouterr().out == "No progress yet.\n"


def test_text_table(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fill()
    assert main(["progress"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split()[:1] == ["Lesson"]
    assert lines[0].endswith("Steps  Answered  Correct  Best test")
    row = next(line for line in lines if line.startswith("session-lifecycle"))
    assert row.split()[-4:] == ["12", "2", "2", "85%"]
    row = next(line for line in lines if line.startswith("zz-custom"))
    assert row.split()[-4:] == ["3", "0", "0", "-"]
    total = lines.index("Total: 2 lessons, 2 answered, 2 correct, 1 tested")
    # then the review cards the miss and the hinted answers made (tests/test_ui_review.py checks this section)
    assert lines[total + 1 : total + 3] == ["", "Review (tutor review): 2 of 2 cards due now"]


def test_text_shows_titles_from_the_catalog(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "zz-custom.yaml").write_text("id: zz-custom\ntitle: My Own Lesson\nlevel: beginner\nminutes: 5\n")
    _fill()
    assert main(["--lessons", str(folder), "progress"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "Title" in lines[0]
    assert any(line.startswith("zz-custom") and "My Own Lesson" in line for line in lines)


def test_json(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fill()
    assert main(["progress", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data["lessons"]) == ["session-lifecycle", "zz-custom"]
    lesson = data["lessons"]["session-lifecycle"]
    assert {k: lesson[k] for k in ("steps_reached", "answered", "correct", "best_score")} == {
        "steps_reached": 12,
        "answered": 2,
        "correct": 2,
        "best_score": 85.0,
    }
    assert lesson["answers"][0] == {
        "question_id": "q-cookie",
        "mode": "practice",
        "chosen": [1],
        "correct": False,
        "hints_used": 1,
        "seconds": None,
        "at": 101.0,
    }
    assert [a["question_id"] for a in lesson["answers"]] == ["q-cookie", "q-cookie", "q-rotate"]
    assert [t["score"] for t in lesson["tests"]] == [62.5, 85.0]
    assert data["lessons"]["zz-custom"]["best_score"] is None
    assert data["lessons"]["zz-custom"]["answers"] == []


def test_json_when_empty(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["progress", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "lessons": {},
        "review": {
            "cards": 0,
            "due": 0,
            "next_due": None,
            "reviews": 0,
            "recalled": 0,
            "retention": None,
            "recall_now": None,
            "lessons": {},
        },
    }


def test_reset_with_yes(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fill()
    assert main(["progress", "--reset", "--yes"]) == 0
    assert str(home / "progress.sqlite3") in capsys.readouterr().out
    with ProgressStore.open() as store:
        assert store.summaries() == {}


def test_reset_refused_without_a_tty(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill()
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))  # even a "y" on a pipe is not a confirmation
    assert main(["progress", "--reset"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("tutor progress: error: not deleting progress")
    assert err.splitlines()[1] == "hint: to delete without asking: tutor progress --reset --yes"
    with ProgressStore.open() as store:
        assert store.lesson_summary("session-lifecycle").steps_reached == 12


def _reset_on_a_tty(home: Path, answer: bytes | None) -> tuple[int, str]:
    """Run `tutor progress --reset` with a pseudo-terminal as stdin; type `answer` (None: EOF)."""
    master, slave = pty.openpty()
    env = dict(os.environ, TUTOR_HOME=str(home))
    child = subprocess.Popen(
        [sys.executable, "-m", "tutor", "progress", "--reset"],
        cwd=ROOT,
        env=env,
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    os.close(slave)
    try:
        out = b""
        deadline = time.monotonic() + 20
        while b"[y/N]" not in out and time.monotonic() < deadline:
            out += child.stdout.read1(4096)  # the prompt (waits for it, no sleeping)
            if child.poll() is not None and not out:
                break
        os.write(master, answer if answer is not None else b"\x04")  # ^D: end of input
        rest, err = child.communicate(timeout=20)
    finally:
        os.close(master)
    return child.returncode, (out + rest + err).decode()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_reset_asks_on_a_tty(home: Path) -> None:
    _fill()
    code, text = _reset_on_a_tty(home, b"n\n")
    assert code == 0  # "no" is an answer, not an error
    assert f"Delete all progress in {home / 'progress.sqlite3'}? [y/N]" in text
    assert "Nothing deleted." in text
    code, text = _reset_on_a_tty(home, None)
    assert code == 0
    with ProgressStore.open() as store:
        assert store.lesson_summary("session-lifecycle").steps_reached == 12
    code, text = _reset_on_a_tty(home, b"y\n")
    assert code == 0, text
    with ProgressStore.open() as store:
        assert store.summaries() == {}


def test_notice_is_printed_when_a_corrupt_file_was_moved_aside(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home.mkdir(parents=True)
    (home / "progress.sqlite3").write_bytes(b"\x00garbage" * 100)
    assert main(["progress"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "No progress yet.\n"
    assert "progress.sqlite3.corrupt-1" in captured.err
    assert (home / "progress.sqlite3.corrupt-1").exists()


def test_unwritable_home_is_one_line_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "file" / "home"))
    assert main(["progress"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("tutor progress: error: ") and err.count("\n") == 1


def test_command_does_not_import_textual(home: Path) -> None:
    code = "import sys; from tutor.cli import main; main(['progress']); print('textual' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=dict(os.environ, TUTOR_HOME=str(home)),
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip().endswith("False")


@pytest.mark.parametrize("columns", [72, 80, 100])
def test_text_fits_the_terminal_width(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], columns: int
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    long_title = "A very long lesson title that goes on and on about cookies, sessions and expiry " * 2
    (folder / "zz-custom.yaml").write_text(f"id: zz-custom\ntitle: {long_title}\nlevel: beginner\nminutes: 5\n")
    _fill()
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(["--lessons", str(folder), "progress"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(len(line) <= columns for line in lines), "\n".join(lines)
    row = next(line for line in lines if line.startswith("zz-custom"))
    assert "A very long" in row and "…" in row
    assert row.split()[-4:] == ["3", "0", "0", "-"]


def test_text_leaves_the_title_out_when_even_a_short_one_does_not_fit(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "zz-custom.yaml").write_text("id: zz-custom\ntitle: My Own Lesson\nlevel: beginner\nminutes: 5\n")
    _fill()
    monkeypatch.setenv("COLUMNS", "58")
    assert main(["--lessons", str(folder), "progress"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "Title" not in lines[0] and lines[0].startswith("Lesson")
    assert all(len(line) <= 58 for line in lines[:-1]), "\n".join(lines)


def test_text_is_not_cut_when_written_to_a_file(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    long_title = "Long " * 40
    (folder / "zz-custom.yaml").write_text(f"id: zz-custom\ntitle: {long_title}\nlevel: beginner\nminutes: 5\n")
    _fill()
    monkeypatch.delenv("COLUMNS", raising=False)
    assert main(["--lessons", str(folder), "progress"]) == 0  # stdout is captured: not a terminal
    assert long_title.strip() in capsys.readouterr().out
