"""Challenge runs in the progress store: schema version 3, upgraded from a real version-2 file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from progress_support import copy_fixture, tables_and_columns, user_version

from tutor.progress import SCHEMA_VERSION, ChallengeRecord, LessonProgress, ProgressError, ProgressStore, best_runs

V2_FILE = "progress-v2.sqlite3"
"""Made by the version-2 store (tutor/progress.py of branch learner, commit 34908a0, merged at c5917db):
login-and-rotation with 6 steps reached, a practice answer, test attempt 1 (seed 99, questions rotation and
fixation) with two answers and its result 1/2 = 50%."""


class Clock:
    def __init__(self) -> None:
        self.now = 5_000.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


@pytest.fixture
def home(home: Path) -> Path:
    """The shared ``home`` fixture (tests/conftest.py), made."""
    home.mkdir()
    return home


def _v2_copy(home: Path) -> Path:
    return copy_fixture(V2_FILE, home)


def test_a_version_2_file_is_upgraded_without_loss(home: Path) -> None:
    path = _v2_copy(home)
    assert user_version(path) == 2
    with ProgressStore.open(clock=Clock()) as store:
        assert store.notice is None
        assert store.lesson_summary("login-and-rotation") == LessonProgress(
            steps_reached=6, best_score=50.0, answered=2, correct=1
        )
        (attempt,) = store.attempts("login-and-rotation")
        assert (attempt.number, attempt.seed, attempt.questions) == (1, 99, ("rotation", "fixation"))
        assert [(a.question_id, a.correct) for a in store.attempt_answers(attempt.id)] == [
            ("rotation", True),
            ("fixation", False),
        ]
        assert [t.attempt_id for t in store.tests()] == [attempt.id]
        assert store.challenge_runs() == []
        store.record_challenge("login-and-rotation", "fixation", solved=True, events=3, par=3, hints_used=0, stars=3)
        assert len(store.challenge_runs("login-and-rotation")) == 1
    assert user_version(path) == SCHEMA_VERSION == 4
    assert not [p for p in home.iterdir() if "corrupt" in p.name]


def test_a_failed_upgrade_leaves_the_version_2_file_as_it_was(home: Path) -> None:
    from tutor import progress

    path = _v2_copy(home)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(progress._MIGRATIONS, 2, progress._MIGRATIONS[2] + "\nCREATE TABLE attempts (x);")
        with pytest.raises(ProgressError):
            ProgressStore.open(path)
    assert user_version(path) == 2
    tables, _ = tables_and_columns(path, "answers")
    assert "challenge_runs" not in tables
    with ProgressStore.open(path) as store:
        assert len(store.answers()) == 3 and store.challenge_runs() == []


def test_a_version_2_file_missing_attempts_is_moved_aside(home: Path) -> None:
    path = _v2_copy(home)
    con = sqlite3.connect(path)
    con.execute("DROP TABLE attempts")
    con.commit()
    con.close()
    with ProgressStore.open() as store:
        assert store.notice is not None and "missing tables (attempts)" in store.notice
        assert (home / "progress.sqlite3.corrupt-1").exists()


def test_challenge_runs_are_kept_and_the_best_one_per_challenge_wins(home: Path) -> None:
    with ProgressStore.open(clock=Clock()) as store:
        store.record_challenge("a", "one", solved=False, events=5, par=3, hints_used=0, stars=0)
        store.record_challenge("a", "one", solved=True, events=5, par=3, hints_used=1, stars=1)
        store.record_challenge("a", "one", solved=True, events=3, par=3, hints_used=1, stars=2)
        store.record_challenge("a", "one", solved=True, events=4, par=3, hints_used=0, stars=2)
        store.record_challenge("a", "two", solved=False, events=2, par=2, hints_used=2, stars=0)
        store.record_challenge("b", "one", solved=True, events=1, par=1, hints_used=0, stars=3)
    with ProgressStore.open() as again:
        runs = again.challenge_runs("a")
        assert [(r.challenge_id, r.solved, r.events, r.stars) for r in runs] == [
            ("one", False, 5, 0),
            ("one", True, 5, 1),
            ("one", True, 3, 2),
            ("one", True, 4, 2),
            ("two", False, 2, 0),
        ]
        best = again.best_challenges("a")
        assert (best["one"].events, best["one"].stars, best["one"].hints_used) == (3, 2, 1)
        assert best["two"].solved is False
        assert set(best_runs(again.challenge_runs())) == {("a", "one"), ("a", "two"), ("b", "one")}
        assert runs[0].to_json() == {
            "challenge_id": "one",
            "solved": False,
            "events": 5,
            "par": 3,
            "hints_used": 0,
            "stars": 0,
            "at": runs[0].at,
        }
        again.reset()
        assert again.challenge_runs() == []


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(solved=True, events=3, par=3, hints_used=0, stars=0),  # solved earns a star
        dict(solved=False, events=3, par=3, hints_used=0, stars=2),  # failed earns none
        dict(solved=True, events=3, par=0, hints_used=0, stars=3),
        dict(solved=True, events=-1, par=3, hints_used=0, stars=3),
        dict(solved=True, events=3, par=3, hints_used=0, stars=4),
    ],
)
def test_impossible_challenge_runs_are_refused(home: Path, kwargs) -> None:
    with ProgressStore.open() as store:
        with pytest.raises(ValueError):
            store.record_challenge("a", "x", **kwargs)
        assert store.challenge_runs() == []


def test_a_record_is_what_was_stored(home: Path) -> None:
    with ProgressStore.open(clock=Clock()) as store:
        record = store.record_challenge("a", "x", solved=True, events=2, par=2, hints_used=1, stars=2)
        assert store.challenge_runs() == [record]
        assert isinstance(record, ChallengeRecord)


# -- `tutor progress` shows them ----------------------------------------------------------------------


def _runs() -> None:
    clock = iter(float(t) for t in range(100, 200))
    with ProgressStore.open(clock=lambda: next(clock)) as store:
        store.record_step("session-lifecycle", 4)
        store.record_challenge("login-and-rotation", "fixation", solved=False, events=4, par=3, hints_used=0, stars=0)
        store.record_challenge("login-and-rotation", "fixation", solved=True, events=3, par=3, hints_used=1, stars=2)
        store.record_challenge(
            "login-and-rotation", "logout-ends-it", solved=False, events=1, par=2, hints_used=0, stars=0
        )


def test_progress_text_lists_challenges(home: Path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    from tutor.cli import main

    monkeypatch.setenv("TUTOR_LESSONS", "")
    monkeypatch.setenv("COLUMNS", "200")
    _runs()
    assert main(["progress"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("Best test  Challenges")
    rotation = next(line for line in lines if line.startswith("login-and-rotation "))
    assert rotation.endswith("-    1 solved")  # a lesson with only challenge runs is listed too
    lifecycle = next(line for line in lines if line.startswith("session-lifecycle "))
    assert lifecycle.endswith("-           -")
    assert "Total: 2 lessons, 0 answered, 0 correct, 1 challenge solved" in lines
    assert lines[-3:] == [
        "Challenges (best run):",
        "  login-and-rotation/fixation  ✓ ★★☆  3 events (par 3), 1 hint, 2 runs",
        "  login-and-rotation/logout-ends-it  ✗ ☆☆☆  1 event (par 2), 0 hints, 1 run",
    ]


def test_progress_json_has_best_runs_and_every_run(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from tutor.cli import main

    _runs()
    assert main(["progress", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    rotation = data["lessons"]["login-and-rotation"]
    assert rotation["challenges"] == {
        "fixation": {"solved": True, "events": 3, "par": 3, "hints_used": 1, "stars": 2, "at": 102.0, "runs": 2},
        "logout-ends-it": {"solved": False, "events": 1, "par": 2, "hints_used": 0, "stars": 0, "at": 103.0, "runs": 1},
    }
    assert [r["events"] for r in rotation["challenge_runs"]] == [4, 3, 1]
    assert data["lessons"]["session-lifecycle"]["challenges"] == {}


def test_a_version_2_file_viewed_read_only_has_no_runs_and_is_not_changed(home: Path) -> None:
    path = _v2_copy(home)
    before = path.read_bytes()
    with ProgressStore.open(readonly=True) as store:
        assert store.challenge_runs() == [] and store.best_challenges("login-and-rotation") == {}
        assert store.lesson_summary("login-and-rotation").best_score == 50.0
        with pytest.raises(ProgressError):
            store.record_challenge("a", "x", solved=True, events=1, par=1, hints_used=0, stars=3)
    assert path.read_bytes() == before and user_version(path) == 2
