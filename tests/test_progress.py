"""The SQLite progress store: recording, summaries, reset, corruption handling, concurrency."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from progress_support import copy_fixture, tables_and_columns, user_version

from tutor.progress import SCHEMA_VERSION, LessonProgress, ProgressError, ProgressStore, default_path

ROOT = Path(__file__).resolve().parents[1]


class FakeClock:
    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def test_location_follows_tutor_home(home: Path) -> None:
    assert default_path() == home / "progress.sqlite3"
    with ProgressStore.open() as store:
        assert store.path == home / "progress.sqlite3"
        assert store.notice is None
    assert (home / "progress.sqlite3").is_file()


def test_pragmas(home: Path) -> None:
    with ProgressStore.open() as store:
        db = store._db
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_steps_keep_the_maximum(home: Path) -> None:
    with ProgressStore.open() as store:
        assert store.lesson_summary("cookies") == LessonProgress()
        store.record_step("cookies", 4)
        store.record_step("cookies", 9)
        store.record_step("cookies", 2)
        store.record_step("other", 1)
        assert store.lesson_summary("cookies").steps_reached == 9
        assert store.lesson_summary("other").steps_reached == 1
    with ProgressStore.open() as store:  # it was committed
        assert store.lesson_summary("cookies").steps_reached == 9


def test_answers_round_trip_and_summary(home: Path) -> None:
    clock = FakeClock()
    with ProgressStore.open(clock=clock) as store:
        store.record_answer("cookies", "q1", "practice", [2], False, 1)
        store.record_answer("cookies", "q1", "practice", [1], True, 2)
        store.record_answer("cookies", "q2", "test", [0, 3], True, 0)
        store.record_answer("cookies", "q3", "visual", [1], False, 0)
        store.record_answer("jwt", "q1", "predict", [0], True, 0)
        answers = store.answers("cookies")
        assert [(a.question_id, a.mode, a.chosen, a.correct, a.hints_used, a.at) for a in answers] == [
            ("q1", "practice", (2,), False, 1, 1001.0),
            ("q1", "practice", (1,), True, 2, 1002.0),
            ("q2", "test", (0, 3), True, 0, 1003.0),
            ("q3", "visual", (1,), False, 0, 1004.0),
        ]
        assert [a.lesson_id for a in store.answers()] == ["cookies"] * 4 + ["jwt"]
        summary = store.lesson_summary("cookies")
        assert (summary.answered, summary.correct, summary.best_score) == (3, 2, None)


def test_tests_keep_the_best_score(home: Path) -> None:
    with ProgressStore.open(clock=FakeClock()) as store:
        store.record_test("cookies", 6, 10, 55.0)
        store.record_test("cookies", 9, 10, 87.5)
        store.record_test("cookies", 7, 10, 70.0)
        assert store.lesson_summary("cookies").best_score == 87.5
        assert [t.score for t in store.tests("cookies")] == [55.0, 87.5, 70.0]
        with pytest.raises(ValueError):
            store.record_test("cookies", 11, 10, 50.0)
        with pytest.raises(ValueError):
            store.record_test("cookies", 1, 10, 150.0)
        summaries = store.summaries()
        assert list(summaries) == ["cookies"]


def test_summaries_cover_every_lesson_sorted(home: Path) -> None:
    with ProgressStore.open() as store:
        store.record_test("zeta", 1, 1, 100.0)
        store.record_step("alpha", 3)
        store.record_answer("mid", "q", "practice", [0], True, 0)
        summaries = store.summaries()
        assert list(summaries) == ["alpha", "mid", "zeta"]
        assert summaries["alpha"] == LessonProgress(steps_reached=3)
        assert summaries["mid"] == LessonProgress(answered=1, correct=1)
        assert summaries["zeta"] == LessonProgress(best_score=100.0)


def test_reset_deletes_everything(home: Path) -> None:
    with ProgressStore.open() as store:
        store.record_step("a", 3)
        store.record_answer("a", "q", "practice", [0], True, 0)
        store.record_test("a", 1, 1, 100.0)
        store.reset()
        assert store.summaries() == {}
        assert store.answers() == []
    with ProgressStore.open() as store:
        assert store.summaries() == {}


def test_closed_store_raises_progress_error(home: Path) -> None:
    store = ProgressStore.open()
    store.close()
    store.close()  # twice is fine
    with pytest.raises(ProgressError, match="closed"):
        store.record_step("a", 1)


# -- corruption --------------------------------------------------------------------------------------


def _assert_moved_aside(home: Path, store: ProgressStore, original: bytes, n: int = 1) -> None:
    aside = home / f"progress.sqlite3.corrupt-{n}"
    assert aside.read_bytes() == original
    assert store.notice is not None
    assert "\n" not in store.notice
    assert str(home / "progress.sqlite3") in store.notice
    assert str(aside) in store.notice
    # and the fresh store works
    store.record_step("a", 2)
    assert store.lesson_summary("a").steps_reached == 2


def test_garbage_file_is_moved_aside(home: Path) -> None:
    home.mkdir(parents=True)
    garbage = bytes(range(256)) * 40
    (home / "progress.sqlite3").write_bytes(garbage)
    with ProgressStore.open() as store:
        _assert_moved_aside(home, store, garbage)
    # a second bad file goes to corrupt-2, the first is kept
    (home / "progress.sqlite3").write_bytes(b"not sqlite")
    (home / "progress.sqlite3-wal").unlink(missing_ok=True)
    (home / "progress.sqlite3-shm").unlink(missing_ok=True)
    with ProgressStore.open() as store:
        _assert_moved_aside(home, store, b"not sqlite", n=2)
    assert (home / "progress.sqlite3.corrupt-1").read_bytes() == garbage


def _filled_database(home: Path, answers: int = 400) -> bytes:
    with ProgressStore.open() as store:
        for i in range(answers):
            store.record_answer("lesson", f"question-{i}", "practice", [i % 4], i % 3 == 0, i % 2)
    # checkpoint so everything is in the main file, then close (the WAL is removed on last close)
    con = sqlite3.connect(home / "progress.sqlite3")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode = DELETE")
    con.close()
    return (home / "progress.sqlite3").read_bytes()


def test_truncated_database_is_moved_aside(home: Path) -> None:
    data = _filled_database(home)
    assert len(data) > 8 * 4096
    truncated = data[: len(data) // 2 + 100]
    (home / "progress.sqlite3").write_bytes(truncated)
    with ProgressStore.open() as store:
        _assert_moved_aside(home, store, truncated)
        assert store.answers() == []


def test_corrupted_pages_are_moved_aside(home: Path) -> None:
    data = bytearray(_filled_database(home))
    # scribble over the second half (b-tree pages) but keep the header valid
    for i in range(len(data) // 2, len(data), 7):
        data[i] = 0xA5
    (home / "progress.sqlite3").write_bytes(bytes(data))
    with ProgressStore.open() as store:
        _assert_moved_aside(home, store, bytes(data))


def _newer_database(path: Path, answers: int = 0) -> sqlite3.Connection:
    """A database as a newer Session Tutor writes it (our tables, a higher user_version), left open."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ProgressStore.open(path).close()
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("CREATE TABLE future (x)")
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    for i in range(answers):
        con.execute(
            "INSERT INTO answers (lesson_id, question_id, mode, chosen, correct, hints_used, at) "
            "VALUES ('l', ?, 'test', '[1]', 1, 0, 0)",
            (f"q{i}",),
        )
    return con


def test_newer_schema_is_opened_read_only_and_never_moved(home: Path) -> None:
    path = home / "progress.sqlite3"
    _newer_database(path, answers=3).close()
    original = path.read_bytes()
    with ProgressStore.open() as store:
        assert store.readonly
        assert store.notice is not None and "\n" not in store.notice
        assert "newer Session Tutor" in store.notice and f"schema version {SCHEMA_VERSION + 1}" in store.notice
        assert "read-only" in store.notice
        assert [a.question_id for a in store.answers()] == ["q0", "q1", "q2"]  # still shown
        with pytest.raises(ProgressError, match="newer Session Tutor.*; it is open read-only$"):
            store.record_answer("l", "mine", "practice", [0], True)
    assert not list(home.glob("*.corrupt-*"))
    assert path.read_bytes() == original


def test_a_newer_tutor_writing_while_this_one_opens_loses_nothing(home: Path) -> None:
    """The reported loss: 300 confirmed answers ended in .corrupt-1 and the live file was empty."""
    path = home / "progress.sqlite3"
    writer = _newer_database(path)
    try:
        for i in range(300):
            writer.execute(
                "INSERT INTO answers (lesson_id, question_id, mode, chosen, correct, hints_used, at) "
                "VALUES ('l', ?, 'test', '[1]', 1, 0, 0)",
                (f"q{i}",),
            )
            if i % 50 == 25:  # this (older) tutor starts meanwhile
                with ProgressStore.open() as store:
                    assert store.readonly and len(store.answers()) == i + 1
    finally:
        writer.close()
    assert not list(home.glob("*.corrupt-*"))
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM answers").fetchone()[0] == 300
    con.close()


def test_foreign_database_without_version_is_moved_aside(home: Path) -> None:
    home.mkdir(parents=True)
    con = sqlite3.connect(home / "progress.sqlite3")
    con.execute("CREATE TABLE contacts (name)")
    con.commit()
    con.close()
    original = (home / "progress.sqlite3").read_bytes()
    with ProgressStore.open() as store:
        _assert_moved_aside(home, store, original)


def test_empty_file_is_just_a_new_database(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "progress.sqlite3").write_bytes(b"")
    with ProgressStore.open() as store:
        assert store.notice is None
        store.record_step("a", 1)


def test_unwritable_location_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("TUTOR_HOME", str(blocker / "sub"))
    with pytest.raises(ProgressError) as info:
        ProgressStore.open()
    message = str(info.value)
    assert "\n" not in message
    assert str(blocker / "sub") in message


def test_path_that_is_a_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "progress.sqlite3").mkdir()
    with pytest.raises(ProgressError, match="not a file"):
        ProgressStore.open(tmp_path / "progress.sqlite3")


# -- two processes at once ---------------------------------------------------------------------------

_WRITER = """
import sys
from tutor.progress import ProgressStore
name, count = sys.argv[1], int(sys.argv[2])
sys.stdin.readline()  # start together
with ProgressStore.open() as store:
    for i in range(count):
        store.record_answer("race", f"{name}-{i}", "practice", [i % 4], True, 0)
        store.record_step("race", i)
print("done")
"""


def test_two_processes_writing_at_once_lose_nothing(home: Path) -> None:
    ProgressStore.open().close()  # create the schema first, as the app would have
    count = 150
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, name, str(count)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("left", "right")
    ]
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    for child in children:
        out, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
        assert out.strip() == "done"
    with ProgressStore.open() as store:
        ids = [a.question_id for a in store.answers("race")]
        assert len(ids) == 2 * count
        assert set(ids) == {f"{n}-{i}" for n in ("left", "right") for i in range(count)}
        assert store.lesson_summary("race").steps_reached == count - 1


def test_a_failed_write_is_a_progress_error_and_the_store_recovers(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tutor.progress.file as progress_file  # where the timeout is read

    monkeypatch.setattr(progress_file, "BUSY_TIMEOUT_MS", 50)
    with ProgressStore.open() as store:
        other = sqlite3.connect(store.path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another instance holds the write lock longer than the timeout
        with pytest.raises(ProgressError) as info:
            store.record_answer("a", "q", "practice", [0], True, 0)
        assert "locked" in str(info.value) and "\n" not in str(info.value)
        other.execute("ROLLBACK")
        other.close()
        store.record_answer("a", "q", "practice", [0], True, 0)
        assert len(store.answers("a")) == 1


# -- schema version 2: test attempts, and the upgrade from version 1 (issue 11) -----------------------

V1_FILE = "progress-v1.sqlite3"
"""In tests/fixtures; made by the version-1 store (tutor/progress.py of commit 8c8ff64, before attempts existed): steps for
two lessons, two practice answers, two test answers and two test results (session-lifecycle 1/2 = 50%,
expiry 9/10 = 87.5%)."""


def _v1_copy(home: Path) -> Path:
    return copy_fixture(V1_FILE, home)


def test_a_version_1_file_is_upgraded_without_loss(home: Path) -> None:
    path = _v1_copy(home)
    assert user_version(path) == 1
    with ProgressStore.open() as store:
        assert store.notice is None  # upgraded in place, not moved aside
        assert store.lesson_summary("session-lifecycle") == LessonProgress(
            steps_reached=5, best_score=50.0, answered=3, correct=1
        )
        assert store.lesson_summary("expiry") == LessonProgress(steps_reached=3, best_score=87.5, answered=0, correct=0)
        answers = store.answers("session-lifecycle")
        assert [(a.question_id, a.mode, a.chosen, a.correct, a.hints_used, a.attempt_id) for a in answers] == [
            ("q1", "practice", (0,), True, 1, None),
            ("q2", "practice", (1, 2), False, 0, None),
            ("q1", "test", (0,), True, 0, None),
            ("q3", "test", (2,), False, 0, None),
        ]
        assert [(t.lesson_id, t.correct, t.total, t.score, t.attempt_id) for t in store.tests()] == [
            ("session-lifecycle", 1, 2, 50.0, None),
            ("expiry", 9, 10, 87.5, None),
        ]
        assert store.attempts() == []
        # and the upgraded file takes the new records
        attempt = store.start_attempt("session-lifecycle", 42, ["q3", "q1"])
        assert attempt.number == 1
    assert user_version(path) == SCHEMA_VERSION == 4
    assert not [p for p in home.iterdir() if "corrupt" in p.name]


def test_a_new_file_and_an_upgraded_file_have_the_same_schema(tmp_path: Path) -> None:
    def schema(path: Path) -> list[tuple[str, str]]:
        con = sqlite3.connect(path)
        try:
            rows = con.execute(
                "SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
            ).fetchall()
        finally:
            con.close()
        return [(name, " ".join((sql or "").split())) for name, sql in rows]

    fresh = tmp_path / "fresh.sqlite3"
    ProgressStore.open(fresh).close()
    upgraded = _v1_copy(tmp_path / "old")
    ProgressStore.open(upgraded).close()
    assert schema(fresh) == schema(upgraded)
    assert {name for name, _ in schema(fresh)} >= {"steps", "answers", "tests", "attempts"}


def test_a_failed_upgrade_leaves_the_version_1_file_as_it_was(home: Path) -> None:
    from tutor import progress

    path = _v1_copy(home)
    # the upgrade fails after its first statements ran: the transaction takes all of them back
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(progress._MIGRATIONS, 1, progress._MIGRATIONS[1] + "\nCREATE TABLE answers (x);")
        with pytest.raises(ProgressError) as caught:
            ProgressStore.open(path)
    assert "\n" not in str(caught.value)
    assert user_version(path) == 1
    tables, columns = tables_and_columns(path, "answers")
    assert "attempts" not in tables and "attempt_id" not in columns
    with ProgressStore.open(path) as store:  # the real upgrade then works on the untouched file
        assert len(store.answers()) == 4 and len(store.tests()) == 2


def test_attempts_are_numbered_per_lesson_and_replayable(home: Path) -> None:
    with ProgressStore.open(clock=FakeClock()) as store:
        first = store.start_attempt("a", 123456, ["q2", "q1", "q3"])
        other = store.start_attempt("b", 7, ["x"])
        second = store.start_attempt("a", 654321, ["q1"])
        assert (first.number, other.number, second.number) == (1, 1, 2)
        store.record_answer("a", "q2", "test", [1], True, 0, attempt_id=first.id)
        store.record_answer("a", "q1", "test", [0], False, 1, attempt_id=first.id)
        store.record_answer("a", "q1", "practice", [2], True)
        store.record_test("a", 1, 3, 33.33, attempt_id=first.id)
        store.record_answer("a", "q1", "test", [3], True, 0, attempt_id=second.id)
    with ProgressStore.open() as again:
        assert [(a.number, a.seed, a.questions) for a in again.attempts("a")] == [
            (1, 123456, ("q2", "q1", "q3")),
            (2, 654321, ("q1",)),
        ]
        assert again.last_attempt("a") == second
        assert again.last_attempt("nothing") is None
        replay = again.attempt_answers(first.id)
        assert [(r.question_id, r.chosen, r.correct, r.hints_used) for r in replay] == [
            ("q2", (1,), True, 0),
            ("q1", (0,), False, 1),
        ]
        assert [r.question_id for r in again.attempt_answers(second.id)] == ["q1"]
        assert [t.attempt_id for t in again.tests("a")] == [first.id]
        assert first.to_json() == {"number": 1, "seed": 123456, "questions": ["q2", "q1", "q3"], "at": first.at}
        with pytest.raises(ValueError):
            again.start_attempt("a", -1, [])
        again.reset()
        assert again.attempts() == []


def test_a_version_1_file_missing_a_table_is_moved_aside_not_half_upgraded(home: Path) -> None:
    path = _v1_copy(home)
    con = sqlite3.connect(path)
    con.execute("DROP TABLE tests")
    con.commit()
    con.close()
    original = path.read_bytes()
    with ProgressStore.open() as store:
        _assert_moved_aside(home, store, original)
        assert "missing tables (tests)" in store.notice


# -- privacy: folder 0700, database 0600 --------------------------------------------------------------


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_folder_is_0700_and_files_0600_even_under_umask_002(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "data" / "session-tutor"
    monkeypatch.setenv("TUTOR_HOME", str(home))
    old = os.umask(0o002)
    try:
        store = ProgressStore.open()
        store.record_step("a", 1)
        files = [p for p in home.iterdir()]
        assert {p.name for p in files} >= {"progress.sqlite3", "progress.sqlite3-wal", "progress.sqlite3-shm"}
        assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}
        store.close()
    finally:
        os.umask(old)
    assert _mode(home) == 0o700 and _mode(home.parent) == 0o700


def test_an_existing_database_others_can_read_is_made_private(home: Path) -> None:
    ProgressStore.open().close()
    (home / "progress.sqlite3").chmod(0o664)
    with ProgressStore.open() as store:
        store.record_step("a", 1)
        assert _mode(home / "progress.sqlite3") == 0o600
        assert _mode(home / "progress.sqlite3-wal") == 0o600


def test_a_fresh_file_after_moving_a_corrupt_one_aside_is_private(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "progress.sqlite3").write_bytes(b"not sqlite at all")
    with ProgressStore.open() as store:
        assert store.notice
    assert _mode(home / "progress.sqlite3") == 0o600


# -- viewing without write access ---------------------------------------------------------------------


def test_a_read_only_view_of_a_missing_file_creates_nothing(home: Path) -> None:
    with ProgressStore.open(readonly=True) as store:
        assert store.summaries() == {} and store.readonly
        with pytest.raises(ProgressError, match="opened for viewing; it is open read-only"):
            store.record_step("a", 1)
    assert not home.exists()


def test_a_read_only_view_reports_a_damaged_file_and_leaves_it(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "progress.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\xa5" * 5000)
    with pytest.raises(ProgressError, match="left as it is"):
        ProgressStore.open(readonly=True)
    assert [p.name for p in home.iterdir()] == ["progress.sqlite3"]


def _as_a_user(command: list[str]) -> list[str]:
    """``command`` without root's power to write anywhere (root ignores a folder's mode)."""
    if not hasattr(os, "getuid") or os.getuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root, and setpriv (util-linux) is missing to drop CAP_DAC_OVERRIDE")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", *command]


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="needs POSIX folder permissions")
def test_tutor_progress_shows_progress_from_a_read_only_folder(home: Path) -> None:
    with ProgressStore.open() as store:
        store.record_step("expiry", 4)
        store.record_answer("expiry", "q1", "practice", [1], True)
    home.chmod(0o555)
    try:
        env = {**os.environ, "TUTOR_HOME": str(home)}
        probe = subprocess.run(_as_a_user(["touch", str(home / "probe")]), capture_output=True, env=env)
        assert probe.returncode != 0, "the folder is writable after all"
        out = subprocess.run(
            _as_a_user([sys.executable, "-m", "tutor", "progress"]), capture_output=True, text=True, env=env, timeout=60
        )
        assert out.returncode == 0, out.stderr
        assert "expiry" in out.stdout and "Total: 1 lesson, 1 answered, 1 correct" in out.stdout
        as_json = subprocess.run(
            _as_a_user([sys.executable, "-m", "tutor", "progress", "--format", "json"]),
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert as_json.returncode == 0, as_json.stderr
        assert '"steps_reached": 4' in as_json.stdout
        reset = subprocess.run(
            _as_a_user([sys.executable, "-m", "tutor", "progress", "--reset", "--yes"]),
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert reset.returncode == 1 and reset.stderr.startswith("tutor progress: error: ")  # deleting needs the folder
    finally:
        home.chmod(0o700)
    assert sorted(p.name for p in home.iterdir()) == ["progress.sqlite3"]


def test_the_suite_never_uses_the_real_progress_or_lesson_cache() -> None:
    """tests/conftest.py: a test without the home fixture still runs in a temporary TUTOR_HOME."""
    import tempfile

    from tutor.lesson.cache import cache_dir

    temp = Path(tempfile.gettempdir()).resolve()
    assert default_path().resolve().is_relative_to(temp)
    assert cache_dir().resolve().is_relative_to(temp)
