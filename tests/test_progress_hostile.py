"""A progress file the app did not write (copied from another machine, restored, edited by hand, planted).

Issue 18 §4-5. Every value read back is checked like input from a file: a row holding a value this version
never writes is reported in one line (``PATH: warning: TABLE row N: why; skipped``) and left out, and the
other rows are still shown; nothing crashes, in `tutor progress` (text, json, xapi) and `tutor review`. A file
carrying a trigger, view or index the store did not create is refused and moved aside before anything runs
(a planted trigger never fires), and viewing progress never writes to the file.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from tutor.cli import main
from tutor.progress import ProgressError, ProgressStore
from tutor.review import ReviewDeck


@pytest.fixture()
def home(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tests/conftest.py's own TUTOR_HOME, and only the built-in lessons."""
    monkeypatch.setenv("TUTOR_LESSONS", "")
    return home


def _fill(path: Path, *, sync: bool = True) -> None:
    clock = iter(float(t) for t in range(1_790_000_000, 1_790_000_200))
    with ProgressStore.open(path, clock=lambda: next(clock)) as store:
        store.record_step("session-lifecycle", 4)
        store.record_step("expiry", 2)
        attempt = store.start_attempt("session-lifecycle", 7, ["q-cookie", "q-rotate"])
        store.record_answer("session-lifecycle", "q-cookie", "test", [1], False, 1, attempt_id=attempt.id, seconds=3.0)
        store.record_answer("expiry", "q-idle", "practice", [0], True, 0, seconds=2.0)
        store.record_answer("expiry", "q-abs", "practice", [2], False, 0, seconds=2.0)
        store.record_test("session-lifecycle", 1, 2, 50.0, attempt_id=attempt.id)
        store.record_test("expiry", 2, 2, 100.0)
        store.record_challenge("session-lifecycle", "fixation", solved=True, events=3, par=3, hints_used=0, stars=3)
        if sync:
            ReviewDeck(store).sync()


def _plant(path: Path, sql: str, *params: object) -> None:
    con = sqlite3.connect(path)
    try:
        con.execute(sql, params)
        con.commit()
    finally:
        con.close()


def _first(table: str) -> str:
    return f"(SELECT min(rowid) FROM {table})"


#: (table, column, a value this version never writes). Each is applied to the first row of its table.
HOSTILE_ROWS = [
    ("answers", "chosen", "not json"),  # JSONDecodeError before
    ("answers", "chosen", '{"a": 1}'),
    ("answers", "chosen", '[1, "two"]'),
    ("answers", "chosen", "[1e999]"),
    ("answers", "chosen", "[123456789012345678901234567890]"),
    ("answers", "at", 1e300),  # OverflowError in the xAPI timestamp before
    ("answers", "at", "yesterday"),
    ("answers", "correct", 7),
    ("answers", "hints_used", -1),
    ("answers", "seconds", "slow"),
    ("answers", "lesson_id", b"\x00\x1b[2J"),
    ("steps", "steps_reached", "many"),  # ValueError before
    ("steps", "steps_reached", -4),
    ("tests", "score", "high"),  # ValueError before
    ("tests", "score", 1e308),
    ("tests", "correct", 11),
    ("attempts", "questions", "nope"),
    ("challenge_runs", "stars", 9),
    ("challenge_runs", "solved", "yes"),
    ("review_cards", "due", 1e300),
    ("review_cards", "state", 9),
    ("review_cards", "stability", "x"),
    ("review_logs", "rating", 99),
    ("review_sync", "last_answer_id", "x"),
]


#: The tables `tutor progress` reads (attempts are read by the app's test mode: the store test below).
READ_BY_PROGRESS = ("answers", "steps", "tests", "challenge_runs", "review_cards", "review_logs", "review_sync")


@pytest.mark.parametrize(
    ("table", "column", "value"), HOSTILE_ROWS, ids=[f"{t}.{c}={v!r}"[:60] for t, c, v in HOSTILE_ROWS]
)
def test_every_reader_of_the_store_skips_a_hostile_row(home: Path, table: str, column: str, value: object) -> None:
    path = home / "progress.sqlite3"
    _fill(path)
    _plant(path, f"UPDATE {table} SET {column} = ? WHERE rowid = {_first(table)}", value)
    with ProgressStore.open(path) as store:
        store.summaries()
        store.answers()
        store.tests()
        store.attempts()
        store.last_attempt("session-lifecycle")
        store.attempt_answers(1)
        store.challenge_runs()
        store.best_challenges("session-lifecycle")
        store.review_cards()
        store.review_logs()
        store.pending_review()
        deck = ReviewDeck(store)
        deck.preview_summary()
        deck.synced_summary()
        deck.due()
        assert len(store.problems) == 1, store.problems
        assert store.problems[0].startswith(f"{path}: warning: {table} row ")
        assert column in store.problems[0]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    ("table", "column", "value"), HOSTILE_ROWS, ids=[f"{t}.{c}={v!r}"[:60] for t, c, v in HOSTILE_ROWS]
)
def test_a_hostile_row_is_reported_in_one_line_and_skipped(
    home: Path, capsys: pytest.CaptureFixture[str], table: str, column: str, value: object
) -> None:
    path = home / "progress.sqlite3"
    _fill(path)
    _plant(path, f"UPDATE {table} SET {column} = ? WHERE rowid = {_first(table)}", value)
    where = f"{table} row "
    for argv in (["progress"], ["progress", "--format", "json"], ["progress", "--format", "xapi"], ["review"]):
        code, out, err = _run(capsys, *argv)
        assert "Traceback" not in err
        if argv == ["review"]:
            assert code in (0, 1)  # 1: cards are due but this is not a terminal; never a crash
        else:
            assert code == 0, err
            assert out
        reads = {"review_cards", "review_sync"} if argv == ["review"] else set(READ_BY_PROGRESS)
        if "xapi" in argv:
            reads = {"answers", "steps", "tests"}
        if table in reads:
            warnings = [line for line in err.splitlines() if ": warning: " in line]
            assert len(warnings) == 1, (argv, err)
            assert warnings[0].startswith(f"{path}: warning: {where}") and warnings[0].endswith("; skipped"), warnings
            assert column in warnings[0]
            assert "\x1b" not in err and "\x00" not in err
    # the other rows are all still there
    code, out, err = _run(capsys, "progress", "--format", "json")
    lessons = json.loads(out)["lessons"]
    assert "expiry" in lessons and "session-lifecycle" in lessons
    if table != "tests":
        assert lessons["expiry"]["best_score"] == 100.0
    if table != "steps":
        assert lessons["expiry"]["steps_reached"] == 2


def test_a_bad_row_does_not_hide_the_good_ones(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = home / "progress.sqlite3"
    _fill(path)
    _plant(path, f"UPDATE answers SET chosen = 'x' WHERE rowid = {_first('answers')}")
    code, out, err = _run(capsys, "progress", "--format", "json")
    assert code == 0
    found = json.loads(out)["lessons"]
    assert found["session-lifecycle"]["answers"] == []  # its one answer was the bad row
    assert [a["question_id"] for a in found["expiry"]["answers"]] == ["q-idle", "q-abs"]
    assert found["session-lifecycle"]["answered"] == 0 and found["expiry"]["answered"] == 2


def test_the_review_sync_goes_past_a_bad_answer_and_repairs_a_bad_card(home: Path) -> None:
    path = home / "progress.sqlite3"
    _fill(path, sync=False)
    _plant(path, f"UPDATE answers SET at = 1e300 WHERE rowid = {_first('answers')}")
    with ProgressStore.open(path) as store:
        ReviewDeck(store).sync()
        assert [c.question_id for c in store.review_cards()] == ["q-abs"]
        assert len(store.problems) == 1
    _plant(path, "UPDATE review_cards SET due = 'soon'")
    with ProgressStore.open(path) as store:
        assert store.review_cards() == []
        store.record_answer("expiry", "q-abs", "practice", [1], False, 0)
        ReviewDeck(store).sync()  # the same question again: the bad card is written over with a good one
        assert [c.question_id for c in store.review_cards()] == ["q-abs"]


# -- schema objects the store did not create ---------------------------------------------------------------


PLANTED = [
    "CREATE TRIGGER wipe AFTER INSERT ON review_sync BEGIN DELETE FROM answers; END",
    "CREATE TRIGGER wipe2 BEFORE UPDATE ON review_sync BEGIN DELETE FROM answers; END",
    "CREATE TRIGGER wipe3 AFTER INSERT ON answers BEGIN DELETE FROM tests; END",
    "CREATE VIEW steps_view AS SELECT * FROM steps",
    "CREATE INDEX extra ON answers (mode)",
    'CREATE TABLE "odd\nname" (x)',
]


@pytest.mark.parametrize(
    "planted", PLANTED, ids=["trigger-sync-insert", "trigger-sync-update", "trigger-answers", "view", "index", "table"]
)
def test_a_planted_schema_object_is_refused_and_never_runs(
    home: Path, capsys: pytest.CaptureFixture[str], planted: str
) -> None:
    path = home / "progress.sqlite3"
    _fill(path, sync=False)  # answers not made into cards yet: viewing progress used to sync (and fire)
    _plant(path, planted)
    before = path.read_bytes()
    code, out, err = _run(capsys, "progress")
    assert code == 0, err
    assert out == "No progress yet.\n"
    notices = [line for line in err.splitlines() if line.startswith("notice:")]
    assert len(notices) == 1 and "did not create" in notices[0] and "moved to" in notices[0], err
    aside = home / "progress.sqlite3.corrupt-1"
    assert aside.read_bytes() == before  # moved exactly as found: nothing fired
    con = sqlite3.connect(aside)
    try:
        assert con.execute("SELECT count(*) FROM answers").fetchone()[0] == 3
        assert con.execute("SELECT count(*) FROM tests").fetchone()[0] == 2
    finally:
        con.close()


def test_a_planted_trigger_is_refused_when_only_viewing(home: Path) -> None:
    path = home / "progress.sqlite3"
    _fill(path)
    _plant(path, PLANTED[0])
    with pytest.raises(
        ProgressError, match=r"schema objects this version did not create \(trigger wipe\)\); it was left"
    ):
        ProgressStore.open(path, readonly=True)


def test_a_trigger_planted_in_an_older_file_is_refused_before_the_upgrade(home: Path) -> None:
    from tests.progress_support import copy_fixture

    path = copy_fixture("progress-v2.sqlite3", home)
    _plant(path, "CREATE TRIGGER t AFTER INSERT ON attempts BEGIN DELETE FROM answers; END")
    with ProgressStore.open(path) as store:
        assert store.notice is not None and "did not create (trigger t)" in store.notice
    assert (home / "progress.sqlite3.corrupt-1").is_file()


def test_files_the_store_wrote_at_every_version_are_accepted(home: Path) -> None:
    from tests.progress_support import copy_fixture

    for version in (1, 2, 3):
        path = copy_fixture(f"progress-v{version}.sqlite3", home / f"v{version}")
        with ProgressStore.open(path) as store:
            assert store.notice is None, store.notice
        with ProgressStore.open(path) as store:  # and again once upgraded
            assert store.notice is None, store.notice


# -- viewing never writes ---------------------------------------------------------------------------------


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_viewing_progress_never_writes_and_shows_the_same_review_counts(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = home / "progress.sqlite3"
    _fill(path, sync=False)
    before = _digest(path)
    for fmt in ("text", "json", "xapi"):
        code, out, err = _run(capsys, "progress", "--format", fmt)
        assert code == 0, err
        assert _digest(path) == before
        wal = Path(f"{path}-wal")
        assert not wal.exists() or wal.stat().st_size == 0
    code, out, _ = _run(capsys, "progress", "--format", "json")
    viewed = json.loads(out)["review"]
    with ProgressStore.open(path) as store:
        assert store.review_cards() == []  # nothing was made into cards by looking
        synced = ReviewDeck(store).synced_summary().to_json()
    for key in ("cards", "due", "next_due", "reviews", "recalled", "lessons"):
        assert viewed[key] == synced[key], key
