"""The teacher's view: `tutor progress --roster FILE` / `--learners DIR` shows every learner × lesson,
reads each learner's file without writing it, and exports each learner's statements with their own actor."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from tutor.cli import main
from tutor.progress import ProgressStore


@pytest.fixture()
def klass(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("TUTOR_LESSONS", "")
    learners = tmp_path / "learners"
    clock = iter(float(t) for t in range(1000, 2000))
    with ProgressStore.open(learners / "alice" / "progress.sqlite3", clock=lambda: next(clock)) as store:
        store.record_step("session-lifecycle", 3)
        store.record_answer("session-lifecycle", "q-cookie", "practice", [1], False, 1)
        store.record_answer("session-lifecycle", "q-rotate", "practice", [2], True, 0)
        store.record_test("session-lifecycle", 9, 10, 90.0)
        store.record_challenge("session-lifecycle", "fixation", solved=True, events=3, par=3, hints_used=0, stars=3)
    with ProgressStore.open(learners / "bob" / "progress.sqlite3", clock=lambda: next(clock)) as store:
        store.record_step("expiry", 2)
    roster = tmp_path / "class.txt"
    roster.write_text("alice\nbob\ncarol\n", encoding="utf-8")
    return roster, learners


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


def test_one_table_learner_by_lesson(klass, capsys) -> None:
    roster, learners = klass
    before = _digests(learners)
    assert main(["progress", "--roster", str(roster), "--learners", str(learners)]) == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert lines[0].split() == ["Learner", "Lesson", "Steps", "Quiz", "Best", "test", "Challenges", "Due"]
    alice = next(line for line in lines if line.startswith("alice"))
    cells = alice.split()
    assert cells[:2] == ["alice", "session-lifecycle"] and cells[3:6] == ["1/2", "90%", "1/1"]
    assert re.fullmatch(r"3/\d+", cells[2])  # steps reached of the lesson's steps
    assert "★3" in alice and alice.rstrip().endswith("/1")  # the missed question is a review card
    bob = next(line for line in lines if line.startswith("bob")).split()
    assert bob[:2] == ["bob", "expiry"] and re.fullmatch(r"2/\d+", bob[2]) and bob[3] == "-"
    assert next(line for line in lines if line.startswith("carol")).split()[1:] == ["(no", "progress", "yet)"]
    assert lines[-1].startswith("3 learners, 1 with no progress yet")
    assert _digests(learners) == before  # viewing changes no learner's file (SQLite's WAL reader files aside)
    assert not (learners / "carol").exists()


def test_learners_dir_alone_lists_every_learner_folder(klass, capsys) -> None:
    _, learners = klass
    (learners / "Not-A-Name").mkdir()
    assert main(["progress", "--learners", str(learners), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data["learners"]) == ["alice", "bob"]
    assert data["learners"]["alice"]["lessons"]["session-lifecycle"]["best_score"] == 90.0
    assert list(data["learners"]["bob"]["lessons"]) == ["expiry"]


def test_xapi_gives_each_learner_their_own_actor(klass, capsys) -> None:
    roster, learners = klass
    args = [
        "progress",
        "--roster",
        str(roster),
        "--learners",
        str(learners),
        "--format",
        "xapi",
        "--actor-domain",
        "school.example",
    ]
    assert main(args) == 0
    statements = json.loads(capsys.readouterr().out)
    actors = {s["actor"]["mbox"] for s in statements}
    assert actors == {"mailto:alice@school.example"}  # bob walked part of a lesson only: no statement
    assert len({s["id"] for s in statements}) == len(statements)
    assert main(args) == 0
    assert [s["id"] for s in json.loads(capsys.readouterr().out)] == [s["id"] for s in statements]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["progress", "--roster", "x", "--format", "xapi", "--actor", "mailto:a@b.example"],
            "not with --actor or --reset",
        ),
        (["progress", "--roster", "x", "--reset"], "not with --actor or --reset"),
        (["progress", "--actor-domain", "school.example"], "--actor-domain goes with --roster or --learners"),
        (
            ["progress", "--learners", ".", "--actor-domain", "bad domain\n"],
            "argument --actor-domain: expected a host name",
        ),
    ],
)
def test_usage_errors(argv: list[str], expected: str, capsys, home: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert expected in capsys.readouterr().err


def test_a_bad_roster_is_positioned_and_a_missing_folder_one_line(tmp_path: Path, capsys, home: Path) -> None:
    roster = tmp_path / "class.txt"
    roster.write_text("alice\nBob\n", encoding="utf-8")
    assert main(["progress", "--roster", str(roster)]) == 1
    assert capsys.readouterr().err.startswith(f"{roster}:2:1: error: learner name 'Bob'")
    assert main(["progress", "--learners", str(tmp_path / "nope")]) == 1
    assert capsys.readouterr().err == f"tutor progress: error: --learners {tmp_path / 'nope'}: no such folder\n"


def test_a_learner_file_that_cannot_be_read_does_not_hide_the_others(klass, capsys) -> None:
    roster, learners = klass
    (learners / "carol").mkdir()
    (learners / "carol" / "progress.sqlite3").mkdir()  # not a file
    assert main(["progress", "--roster", str(roster), "--learners", str(learners)]) == 0
    captured = capsys.readouterr()
    assert "notice: carol:" in captured.err
    assert any(line.startswith("carol") and "cannot be read" in line for line in captured.out.splitlines())
    assert any(line.startswith("alice") for line in captured.out.splitlines())
