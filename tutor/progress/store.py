"""The progress store: steps reached, answers, test scores, challenge runs and review cards, kept in SQLite.

Where: ``$TUTOR_HOME/progress.sqlite3`` when ``TUTOR_HOME`` is set, else
``platformdirs.user_data_dir("session-tutor")/progress.sqlite3``.

Durability:

* ``journal_mode=WAL``: readers never block the writer, so two app instances can run at once.
* ``synchronous=FULL``: every commit is fsynced to the WAL before it returns, so an answer the app has
  confirmed survives a crash *and* a power loss. (``NORMAL`` would survive a process crash but could lose
  the last commits on power loss.) One fsync per answer is nothing at human answering speed.
* Each ``record_*`` call is one committed transaction (the connection runs in autocommit mode).
* ``busy_timeout``: a writer that finds the database locked by another instance waits instead of failing.
* The schema version lives in ``PRAGMA user_version``. An older file is upgraded in place when it is
  opened, one step at a time (:data:`_MIGRATIONS`), inside the same transaction that checks it: the
  upgrade happens completely or not at all, and nothing recorded is dropped. A new file is created at
  version 1 and migrated the same way, so new and upgraded files always have the same schema.

A file that is not a SQLite database, fails ``PRAGMA quick_check`` or carries tables this version does not
know is moved aside to ``progress.sqlite3.corrupt-<n>`` (never deleted), a fresh database is started
and :attr:`ProgressStore.notice` says so in one line. A file with a *newer* schema is not corrupt (a newer
Session Tutor may be writing it right now): it is opened read-only, :attr:`ProgressStore.readonly` is set,
the notice says why, and recording raises :class:`ProgressError`. Anything that still goes wrong (an
unwritable folder, a full disk) raises :class:`ProgressError` with a one-line message callers can show.

Privacy: the folder is created ``0700`` and the database ``0600`` (SQLite gives its ``-wal``/``-shm``
files the database's mode); an existing database of this user that others could read is made ``0600``.
``ProgressStore.open(readonly=True)`` (``tutor progress`` when the folder cannot be written) never
creates or changes a file: a missing database reads as empty.
"""

from __future__ import annotations

import json
import math
import os
import re
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

_T = TypeVar("_T")

#: The schema this module writes (``PRAGMA user_version``).
#: 1: steps, answers, tests. 2: test attempts (seed and questions asked), answers and results linked to them.
#: 3: challenge runs (solved, events used against par, hints, stars).
#: 4: seconds taken per answer; review cards (FSRS state, due time) and their review logs (tutor/review.py).
SCHEMA_VERSION = 4
FILENAME = "progress.sqlite3"
APP_NAME = "session-tutor"
#: How long a writer waits for another instance's lock, in milliseconds.
BUSY_TIMEOUT_MS = 10_000

_SQLITE_HEADER = b"SQLite format 3\x00"
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
_SIDE_FILES = ("-wal", "-shm", "-journal")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS steps (
    lesson_id     TEXT PRIMARY KEY,
    steps_reached INTEGER NOT NULL,
    at            REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS answers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    lesson_id   TEXT NOT NULL,
    question_id TEXT NOT NULL,
    mode        TEXT NOT NULL,
    chosen      TEXT NOT NULL,
    correct     INTEGER NOT NULL,
    hints_used  INTEGER NOT NULL,
    at          REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_lesson ON answers (lesson_id, id);
CREATE TABLE IF NOT EXISTS tests (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    lesson_id TEXT NOT NULL,
    correct   INTEGER NOT NULL,
    total     INTEGER NOT NULL,
    score     REAL NOT NULL,
    at        REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS tests_lesson ON tests (lesson_id, id);
"""
#: ``_MIGRATIONS[n]`` upgrades a version-``n`` file to version ``n + 1`` (run in one transaction).
_MIGRATIONS: dict[int, str] = {
    1: """
CREATE TABLE IF NOT EXISTS attempts (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    lesson_id TEXT NOT NULL,
    number    INTEGER NOT NULL,
    seed      INTEGER NOT NULL,
    questions TEXT NOT NULL,
    at        REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_lesson ON attempts (lesson_id, id);
ALTER TABLE answers ADD COLUMN attempt_id INTEGER;
ALTER TABLE tests ADD COLUMN attempt_id INTEGER;
""",
    2: """
CREATE TABLE IF NOT EXISTS challenge_runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    lesson_id    TEXT NOT NULL,
    challenge_id TEXT NOT NULL,
    solved       INTEGER NOT NULL,
    events       INTEGER NOT NULL,
    par          INTEGER NOT NULL,
    hints_used   INTEGER NOT NULL,
    stars        INTEGER NOT NULL,
    at           REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS challenge_runs_lesson ON challenge_runs (lesson_id, challenge_id, id);
""",
    3: """
ALTER TABLE answers ADD COLUMN seconds REAL;
CREATE TABLE IF NOT EXISTS review_cards (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    lesson_id   TEXT NOT NULL,
    question_id TEXT NOT NULL,
    state       INTEGER NOT NULL,
    step        INTEGER,
    stability   REAL,
    difficulty  REAL,
    due         REAL NOT NULL,
    last_review REAL,
    created     REAL NOT NULL,
    UNIQUE (lesson_id, question_id)
);
CREATE INDEX IF NOT EXISTS review_cards_due ON review_cards (due);
CREATE TABLE IF NOT EXISTS review_logs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    card_id     INTEGER NOT NULL REFERENCES review_cards (id),
    rating      INTEGER NOT NULL,
    at          REAL NOT NULL,
    duration_ms INTEGER,
    mode        TEXT NOT NULL,
    answer_id   INTEGER
);
CREATE INDEX IF NOT EXISTS review_logs_card ON review_logs (card_id, id);
CREATE TABLE IF NOT EXISTS review_sync (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    last_answer_id INTEGER NOT NULL
);
""",
}
_TABLES_V1 = frozenset({"steps", "answers", "tests"})
#: The tables a file of each version has (an older file missing one is moved aside, not half upgraded).
_TABLES_AT: dict[int, frozenset[str]] = {
    1: _TABLES_V1,
    2: _TABLES_V1 | {"attempts"},
    3: _TABLES_V1 | {"attempts", "challenge_runs"},
    4: _TABLES_V1 | {"attempts", "challenge_runs", "review_cards", "review_logs", "review_sync"},
}
_TABLES = _TABLES_AT[SCHEMA_VERSION]


class ProgressError(Exception):
    """The progress store cannot be used; ``str(error)`` is one line to show the user."""


class _Corrupt(Exception):
    """Internal: the file must be moved aside (the message says why)."""


class _Newer(Exception):
    """Internal: the file carries a newer schema (args[0]: its version); open it read-only, never move it."""


@dataclass(frozen=True, slots=True)
class LessonProgress:
    """What a learner has done in one lesson.

    ``answered``: distinct questions answered at least once (any mode);
    ``correct``: distinct questions answered correctly at least once;
    ``best_score``: the best test percentage (0–100), ``None`` when no test was taken.
    """

    steps_reached: int = 0
    best_score: float | None = None
    answered: int = 0
    correct: int = 0


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    """One recorded answer (``chosen`` indexes are in the question's file order)."""

    lesson_id: str
    question_id: str
    mode: str
    chosen: tuple[int, ...]
    correct: bool
    hints_used: int
    at: float
    attempt_id: int | None = None
    """The test attempt this answer belongs to (:meth:`ProgressStore.start_attempt`); None outside tests."""
    seconds: float | None = None
    """Seconds from when the question was shown until this answer was confirmed (time spent on the quiz's
    other questions meanwhile not counted); None when not measured (answers recorded before schema
    version 4, predictions in the walkthrough)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "question_id": self.question_id,
            "mode": self.mode,
            "chosen": list(self.chosen),
            "correct": self.correct,
            "hints_used": self.hints_used,
            "seconds": self.seconds,
            "at": self.at,
        }


@dataclass(frozen=True, slots=True)
class TestRecord:
    """One recorded test result (``score`` is the percentage 0–100)."""

    lesson_id: str
    correct: int
    total: int
    score: float
    at: float
    attempt_id: int | None = None
    """The attempt this result finished (None for results recorded before schema version 2)."""

    __test__ = False  # not a pytest test class

    def to_json(self) -> dict[str, Any]:
        return {"correct": self.correct, "total": self.total, "score": self.score, "at": self.at}


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """One test attempt as it was started: enough to replay it (the seed orders the choices).

    ``number`` counts a lesson's attempts from 1; ``questions`` are the ids in the order asked.
    """

    id: int
    lesson_id: str
    number: int
    seed: int
    questions: tuple[str, ...]
    at: float

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "seed": self.seed, "questions": list(self.questions), "at": self.at}


@dataclass(frozen=True, slots=True)
class ChallengeRecord:
    """One finished challenge run: solved or not, the learner's events (``par`` as it was then), the
    hints taken and the stars earned (0 when not solved)."""

    lesson_id: str
    challenge_id: str
    solved: bool
    events: int
    par: int
    hints_used: int
    stars: int
    at: float

    def to_json(self) -> dict[str, Any]:
        return {
            "challenge_id": self.challenge_id,
            "solved": self.solved,
            "events": self.events,
            "par": self.par,
            "hints_used": self.hints_used,
            "stars": self.stars,
            "at": self.at,
        }


@dataclass(frozen=True, slots=True)
class CardRecord:
    """A review card: one question to see again, with its FSRS scheduling state (``tutor/review.py`` owns the
    rules; this is only what is stored). Times are Unix seconds; ``id`` is None for a card not yet saved."""

    id: int | None
    lesson_id: str
    question_id: str
    state: int
    """FSRS ``State``: 1 learning, 2 review, 3 relearning."""
    step: int | None
    stability: float | None
    difficulty: float | None
    due: float
    last_review: float | None
    created: float

    def to_json(self) -> dict[str, Any]:
        return {
            "lesson_id": self.lesson_id,
            "question_id": self.question_id,
            "state": self.state,
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": self.due,
            "last_review": self.last_review,
            "created": self.created,
        }


@dataclass(frozen=True, slots=True)
class ReviewLogRecord:
    """One rating given to a card: ``rating`` is FSRS's 1 Again, 2 Hard, 3 Good, 4 Easy; ``mode`` is where
    the answer was given (``review``, or the quiz mode whose answer made or moved the card);
    ``answer_id`` is the answer's row in ``answers``."""

    card_id: int
    rating: int
    at: float
    duration_ms: int | None
    mode: str
    answer_id: int | None = None


@dataclass(frozen=True, slots=True)
class CardChange:
    """What a scheduling rule decided for one answer: the card as it is now (``id`` None: a new card)
    and the log of the rating (its ``card_id`` is filled in when the card is saved)."""

    card: CardRecord
    rating: int
    at: float
    duration_ms: int | None
    mode: str
    answer_id: int | None


def best_runs(records: list[ChallengeRecord]) -> dict[tuple[str, str], ChallengeRecord]:
    """The best run of each (lesson, challenge): solved first, then the most stars, the fewest events,
    the fewest hints, the earliest."""
    best: dict[tuple[str, str], ChallengeRecord] = {}
    for r in records:
        key = (r.lesson_id, r.challenge_id)
        old = best.get(key)
        if old is None or _rank(r) < _rank(old):
            best[key] = r
    return best


def _rank(r: ChallengeRecord) -> tuple[int, int, int, int]:
    return (0 if r.solved else 1, -r.stars, r.events, r.hints_used)


def default_path() -> Path:
    """``$TUTOR_HOME/progress.sqlite3``, else the platform's user data folder."""
    home = os.environ.get("TUTOR_HOME")
    if home:
        return Path(home).expanduser() / FILENAME
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / FILENAME


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())


def _errorcode(exc: sqlite3.Error) -> int:
    return int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def _is_corruption(exc: sqlite3.Error) -> bool:
    if _errorcode(exc) in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return True
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text


class ProgressStore:
    """The learner's progress. Open with :meth:`open`; use as a context manager or call :meth:`close`."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        clock: Callable[[], float],
        notice: str | None,
        readonly: str | None = None,
    ) -> None:
        self._conn: sqlite3.Connection | None = conn
        self.path = path
        self.clock = clock
        # the app may record from a worker thread; one statement sequence at a time
        self._lock = threading.RLock()
        #: Set when a corrupted file was moved aside (one line naming both paths), or why the store is read-only.
        self.notice = notice
        #: Why nothing can be recorded (a newer schema, a read-only folder), or None when the store is writable.
        self.readonly_reason = readonly
        self._problems: dict[str, None] = {}

    @property
    def problems(self) -> tuple[str, ...]:
        """One line per stored row that was skipped because it holds a value this version never writes
        (``PATH: warning: TABLE row N: why; skipped``), in the order found; each row once."""
        return tuple(self._problems)

    def _skip(self, table: str, rowid: object, why: BadRow) -> None:
        self._problems.setdefault(f"{self.path}: warning: {table} row {rowid}: {why}; skipped", None)

    def _checked(self, table: str, rows: list[tuple[Any, ...]], build: Callable[[tuple[Any, ...]], _T]) -> list[_T]:
        """``build(row[1:])`` for each row (``row[0]`` its rowid); a row it refuses is reported and left out."""
        out: list[_T] = []
        for row in rows:
            try:
                out.append(build(row[1:]))
            except BadRow as why:
                self._skip(table, row[0], why)
        return out

    @property
    def readonly(self) -> bool:
        """True when recording raises :class:`ProgressError` (see :attr:`readonly_reason`)."""
        return self.readonly_reason is not None

    # -- opening -------------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        clock: Callable[[], float] = time.time,
        readonly: bool = False,
    ) -> ProgressStore:
        """Open (creating if needed) the store at ``path`` (default: :func:`default_path`).

        ``readonly=True``: only look (for viewing progress): nothing is created, changed or moved aside.
        """
        target = Path(path) if path is not None else default_path()
        if readonly:
            try:
                return cls._open_readonly(target, clock)
            except OSError as exc:
                raise ProgressError(f"cannot read the progress file {target}: {exc.strerror or _one_line(exc)}") from None
        try:
            from tutor.files import make_private_dirs

            make_private_dirs(target.parent)
        except OSError as exc:
            raise ProgressError(f"cannot create the progress folder {target.parent}: {exc.strerror or _one_line(exc)}") from None
        try:
            _private_file(target)
            return cls._open(target, clock)
        except OSError as exc:  # e.g. a folder we may not look into
            raise ProgressError(f"cannot open the progress file {target}: {exc.strerror or _one_line(exc)}") from None

    @classmethod
    def _open_readonly(cls, target: Path, clock: Callable[[], float]) -> ProgressStore:
        if not target.exists() or (target.is_file() and target.stat().st_size == 0):
            existing = target.parent
            while not existing.exists() and existing.parent != existing:
                existing = existing.parent
            if not existing.is_dir():
                raise ProgressError(f"cannot use {target} for progress: {existing} is not a folder")
            conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            _prepare(conn)  # an empty store of the current schema
            return cls(conn, target, clock, None, f"progress file {target} was opened for viewing")
        if not target.is_file():
            raise ProgressError(f"cannot use {target} for progress: it is not a file")
        conn, note = _connect_readonly(target)
        return cls(conn, target, clock, note, f"progress file {target} was opened for viewing")

    @classmethod
    def _open(cls, target: Path, clock: Callable[[], float]) -> ProgressStore:
        if target.exists() and not target.is_file():
            raise ProgressError(f"cannot use {target} for progress: it is not a file")
        notice: str | None = None
        try:
            conn = _connect(target)
        except _Newer as newer:
            conn, note = _connect_readonly(target)
            reason = (
                f"progress file {target} was written by a newer Session Tutor (schema version {newer.args[0]}; "
                f"this one knows {SCHEMA_VERSION})"
            )
            notice = f"{reason}: it is shown read-only and new progress is not saved; update Session Tutor to keep recording"
            if note:
                notice += f" ({note})"
            return cls(conn, target, clock, notice, reason)
        except _Corrupt as why:
            aside = _move_aside(target)
            _private_file(target)
            notice = (
                f"progress file {target} could not be used ({why}); it was moved to {aside} "
                f"and a fresh progress file was started"
            )
            try:
                conn = _connect(target)
            except _Corrupt as again:
                raise ProgressError(f"cannot start a fresh progress file at {target}: {again}") from None
        return cls(conn, target, clock, notice)

    # -- context manager -----------------------------------------------------------------------------

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.close()
                finally:
                    self._conn = None

    @property
    def closed(self) -> bool:
        return self._conn is None

    # -- internals -----------------------------------------------------------------------------------

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ProgressError("the progress store is closed")
        return self._conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One committed write transaction (taken at once, so concurrent writers queue on busy_timeout)."""
        with self._lock:
            db = self._db
            if self.readonly_reason is not None:
                raise ProgressError(f"{self.readonly_reason}; it is open read-only")
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                    db.execute("COMMIT")
                except BaseException:
                    if db.in_transaction:
                        try:
                            db.execute("ROLLBACK")
                        except sqlite3.Error:
                            pass  # the original error is the one to report
                    raise
            except sqlite3.Error as exc:
                raise ProgressError(f"cannot save progress to {self.path}: {_one_line(exc)}") from None

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            with self._lock:
                return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise ProgressError(f"cannot read progress from {self.path}: {_one_line(exc)}") from None

    # -- recording -----------------------------------------------------------------------------------

    def record_step(self, lesson_id: str, step: int) -> None:
        """The furthest step reached in a lesson (a smaller step never lowers it)."""
        step = int(step)
        if step < 0:
            raise ValueError("step must not be negative")
        with self._write() as db:
            db.execute(
                "INSERT INTO steps (lesson_id, steps_reached, at) VALUES (?, ?, ?) "
                "ON CONFLICT (lesson_id) DO UPDATE SET "
                "at = CASE WHEN excluded.steps_reached > steps_reached THEN excluded.at ELSE at END, "
                "steps_reached = max(steps_reached, excluded.steps_reached)",
                (lesson_id, step, float(self.clock())),
            )

    def record_answer(
        self,
        lesson_id: str,
        question_id: str,
        mode: str,
        chosen: list[int] | tuple[int, ...],
        correct: bool,
        hints_used: int = 0,
        *,
        attempt_id: int | None = None,
        seconds: float | None = None,
    ) -> None:
        """One answer, committed before this returns; a test answer names its attempt; ``seconds``: how long
        the question was on screen before the answer was confirmed (None: not measured)."""
        with self._write() as db:
            self._insert_answer(db, lesson_id, question_id, mode, chosen, correct, hints_used, attempt_id, seconds)

    def _insert_answer(self, db: sqlite3.Connection, lesson_id: str, question_id: str, mode: str,
                       chosen: list[int] | tuple[int, ...], correct: bool, hints_used: int,
                       attempt_id: int | None, seconds: float | None) -> tuple[int, float]:
        """Insert one answer row in the caller's transaction; its id and time."""
        picks = [int(i) for i in chosen]
        hints = int(hints_used)
        if hints < 0:
            raise ValueError("hints_used must not be negative")
        took = None if seconds is None else float(seconds)
        if took is not None and not took >= 0:  # also refuses NaN
            raise ValueError("seconds must not be negative")
        attempt = None if attempt_id is None else int(attempt_id)
        at = float(self.clock())
        cursor = db.execute(
            "INSERT INTO answers (lesson_id, question_id, mode, chosen, correct, hints_used, at, attempt_id, seconds) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (lesson_id, question_id, mode, json.dumps(picks), 1 if correct else 0, hints, at, attempt, took),
        )
        return int(cursor.lastrowid or 0), at

    def start_attempt(self, lesson_id: str, seed: int, questions: list[str] | tuple[str, ...]) -> AttemptRecord:
        """A test attempt begins: its seed and the questions drawn, numbered after the lesson's earlier ones."""
        seed = int(seed)
        if not 0 <= seed < 2**63:
            raise ValueError(f"seed {seed} does not fit in 63 bits")
        ids = [str(q) for q in questions]
        at = float(self.clock())
        with self._write() as db:
            (count,) = db.execute("SELECT count(*) FROM attempts WHERE lesson_id = ?", (lesson_id,)).fetchone()
            cursor = db.execute(
                "INSERT INTO attempts (lesson_id, number, seed, questions, at) VALUES (?, ?, ?, ?, ?)",
                (lesson_id, int(count) + 1, seed, json.dumps(ids), at),
            )
            row_id = int(cursor.lastrowid or 0)
        return AttemptRecord(row_id, lesson_id, int(count) + 1, seed, tuple(ids), at)

    def record_test(self, lesson_id: str, correct: int, total: int, score: float, *, attempt_id: int | None = None) -> None:
        """A finished test; ``score`` is the percentage 0–100 (``grading.TestScore.percentage``)."""
        correct, total, score = int(correct), int(total), float(score)
        if total < 0 or not 0 <= correct <= max(total, 0):
            raise ValueError(f"test result {correct}/{total} is impossible")
        if not 0.0 <= score <= 100.0:
            raise ValueError(f"test score {score} is not a percentage 0-100")
        with self._write() as db:
            db.execute(
                "INSERT INTO tests (lesson_id, correct, total, score, at, attempt_id) VALUES (?, ?, ?, ?, ?, ?)",
                (lesson_id, correct, total, score, float(self.clock()), None if attempt_id is None else int(attempt_id)),
            )

    def record_challenge(
        self,
        lesson_id: str,
        challenge_id: str,
        *,
        solved: bool,
        events: int,
        par: int,
        hints_used: int,
        stars: int,
    ) -> ChallengeRecord:
        """A finished challenge run (solved, or failed by a `never`), committed before this returns."""
        events, par, hints, stars = int(events), int(par), int(hints_used), int(stars)
        if events < 0 or par < 1 or hints < 0:
            raise ValueError(f"challenge run with {events} events, par {par}, {hints} hints is impossible")
        if not 0 <= stars <= 3 or (stars > 0) != bool(solved):
            raise ValueError(f"{stars} stars for a {'solved' if solved else 'failed'} run is impossible")
        at = float(self.clock())
        with self._write() as db:
            db.execute(
                "INSERT INTO challenge_runs (lesson_id, challenge_id, solved, events, par, hints_used, stars, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (lesson_id, challenge_id, 1 if solved else 0, events, par, hints, stars, at),
            )
        return ChallengeRecord(lesson_id, challenge_id, bool(solved), events, par, hints, stars, at)

    # -- review cards (the rules are tutor/review.py's) ----------------------------------------------

    def sync_review_cards(
        self, schedule: Callable[[list[tuple[int, AnswerRecord]], dict[tuple[str, str], CardRecord]], list[CardChange]]
    ) -> int:
        """Turn the answers recorded since the last call into card changes, in one transaction.

        ``schedule(answers, cards)`` gets the new answers (``(row id, record)``, oldest first) and every card by
        ``(lesson_id, question_id)``, and returns the changes to save (a card changed twice appears twice,
        in order). Each answer is handed over exactly once, even with two app instances open: the read, the
        rule and the writes happen under one write lock. Returns how many changes were saved.
        """
        with self._write() as db:
            last, rows = self._unsynced(db)
            if not rows:
                return 0
            answers = self._checked("answers", rows, lambda r: (int(r[0]), _answer(r[1:])))
            cards = {(c.lesson_id, c.question_id): c for c in self._cards(db)}
            changes = schedule(answers, cards) if answers else []
            for change in changes:
                self._save_change(db, change)
            db.execute(
                "INSERT INTO review_sync (id, last_answer_id) VALUES (1, ?) "
                "ON CONFLICT (id) DO UPDATE SET last_answer_id = excluded.last_answer_id",
                (int(rows[-1][0]),),  # past a skipped row too: it is reported, not retried forever
            )
        return len(changes)

    def _unsynced(self, db: sqlite3.Connection) -> tuple[int, list[tuple[Any, ...]]]:
        """The last answer id made into cards and the answer rows after it (each ``(id, id, ...)``). A sync
        mark that is not an answer id is reported and read as "everything so far" (nothing is rated twice)."""
        row = db.execute("SELECT last_answer_id FROM review_sync WHERE id = 1").fetchone()
        try:
            last = _int("last_answer_id", row[0], 0, 2**63 - 1) if row else 0
        except BadRow as why:
            self._skip("review_sync", 1, why)
            (top,) = db.execute("SELECT coalesce(max(id), 0) FROM answers").fetchone()
            return int(top), []
        rows = db.execute(
            "SELECT id, id, lesson_id, question_id, mode, chosen, correct, hints_used, at, attempt_id, seconds "
            "FROM answers WHERE id > ? ORDER BY id",
            (last,),
        ).fetchall()
        return last, rows

    def pending_review(self) -> tuple[list[tuple[int, AnswerRecord]], dict[tuple[str, str], CardRecord]]:
        """What :meth:`sync_review_cards` would hand its rule now, without writing anything: the answers not
        yet made into cards and every card (none in an older file viewed read-only)."""
        if not self._has_table("review_sync"):
            return [], {}
        try:
            with self._lock:
                db = self._db
                _last, rows = self._unsynced(db)
                answers = self._checked("answers", rows, lambda r: (int(r[0]), _answer(r[1:])))
                cards = {(c.lesson_id, c.question_id): c for c in self._cards(db)}
        except sqlite3.Error as exc:
            raise ProgressError(f"cannot read progress from {self.path}: {_one_line(exc)}") from None
        return answers, cards

    def record_review(
        self,
        card_id: int,
        chosen: list[int] | tuple[int, ...],
        correct: bool,
        hints_used: int,
        seconds: float | None,
        schedule: Callable[[CardRecord, float], CardChange],
    ) -> CardChange:
        """A review of a card, in one transaction: the answer (mode ``review``, which a later
        :meth:`sync_review_cards` hands over like any other: its rule leaves ``review`` answers alone), the card
        as ``schedule(card, at)`` reschedules it, and the log. Raises ProgressError when the card is gone (a
        reset meanwhile)."""
        with self._write() as db:
            found = self._cards(db, "WHERE id = ?", (int(card_id),))
            if not found:
                raise ProgressError(f"review card {card_id} is no longer in {self.path} (or is damaged)")
            card = found[0]
            answer_id, at = self._insert_answer(db, card.lesson_id, card.question_id, "review", chosen, correct,
                                                hints_used, None, seconds)
            change = schedule(card, at)
            change = CardChange(change.card, change.rating, change.at, change.duration_ms, "review", answer_id)
            self._save_change(db, change)
        return change

    def _cards(self, db: sqlite3.Connection, where: str = "", params: tuple[Any, ...] = ()) -> list[CardRecord]:
        rows = db.execute(
            "SELECT id, id, lesson_id, question_id, state, step, stability, difficulty, due, last_review, created "
            f"FROM review_cards {where} ORDER BY due, id",
            params,
        ).fetchall()
        return self._checked("review_cards", rows, _card)

    @staticmethod
    def _save_change(db: sqlite3.Connection, change: CardChange) -> None:
        c = change.card
        values = (c.state, c.step, c.stability, c.difficulty, float(c.due), c.last_review)
        if c.id is None:
            # a new card (or one made earlier in the same batch): keyed by its question
            db.execute(
                "INSERT INTO review_cards (lesson_id, question_id, state, step, stability, difficulty, due, "
                "last_review, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (lesson_id, question_id) DO UPDATE SET state = excluded.state, step = excluded.step, "
                "stability = excluded.stability, difficulty = excluded.difficulty, due = excluded.due, "
                "last_review = excluded.last_review",
                (c.lesson_id, c.question_id, *values, float(c.created)),
            )
            (card_id,) = db.execute(
                "SELECT id FROM review_cards WHERE lesson_id = ? AND question_id = ?", (c.lesson_id, c.question_id)
            ).fetchone()
        else:
            card_id = int(c.id)
            db.execute(
                "UPDATE review_cards SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, last_review = ? "
                "WHERE id = ?",
                (*values, card_id),
            )
        db.execute(
            "INSERT INTO review_logs (card_id, rating, at, duration_ms, mode, answer_id) VALUES (?, ?, ?, ?, ?, ?)",
            (card_id, int(change.rating), float(change.at), change.duration_ms, change.mode, change.answer_id),
        )

    def review_cards(self, lesson_id: str | None = None) -> list[CardRecord]:
        """Review cards, soonest due first (none in an older file viewed read-only)."""
        if not self._has_table("review_cards"):
            return []
        where, params = ("WHERE lesson_id = ?", (lesson_id,)) if lesson_id is not None else ("", ())
        try:
            with self._lock:
                return self._cards(self._db, where, params)
        except sqlite3.Error as exc:
            raise ProgressError(f"cannot read progress from {self.path}: {_one_line(exc)}") from None

    def review_logs(self, card_id: int | None = None) -> list[ReviewLogRecord]:
        """Every rating given to cards (or to one card), oldest first (none in an older file viewed read-only)."""
        if not self._has_table("review_logs"):
            return []
        where, params = ("WHERE card_id = ?", (int(card_id),)) if card_id is not None else ("", ())
        rows = self._read(f"SELECT id, card_id, rating, at, duration_ms, mode, answer_id FROM review_logs {where} ORDER BY id",
                          params)
        return self._checked("review_logs", rows, _review_log)

    def reset(self) -> None:
        """Delete all progress (one transaction)."""
        with self._write() as db:
            db.execute("DELETE FROM review_logs")
            db.execute("DELETE FROM review_cards")
            db.execute("DELETE FROM review_sync")
            db.execute("DELETE FROM challenge_runs")
            db.execute("DELETE FROM attempts")
            db.execute("DELETE FROM answers")
            db.execute("DELETE FROM tests")
            db.execute("DELETE FROM steps")

    # -- reading -------------------------------------------------------------------------------------

    def lesson_summary(self, lesson_id: str) -> LessonProgress:
        return self.summaries(lesson_id).get(lesson_id, LessonProgress())

    def summaries(self, lesson_id: str | None = None) -> dict[str, LessonProgress]:
        """Every lesson with any progress, by id (sorted)."""
        where, params = ("WHERE lesson_id = ?", (lesson_id,)) if lesson_id is not None else ("", ())
        steps = dict(self._checked("steps", self._read(f"SELECT rowid, lesson_id, steps_reached, at FROM steps {where}",
                                                       params), _step))
        best: dict[str, float] = {}
        for t in self.tests(lesson_id):
            best[t.lesson_id] = max(best.get(t.lesson_id, t.score), t.score)
        answered: dict[str, set[str]] = {}
        right: dict[str, set[str]] = {}
        for a in self.answers(lesson_id):
            answered.setdefault(a.lesson_id, set()).add(a.question_id)
            if a.correct:
                right.setdefault(a.lesson_id, set()).add(a.question_id)
        out: dict[str, LessonProgress] = {}
        for lid in sorted(set(steps) | set(best) | set(answered)):
            out[lid] = LessonProgress(
                steps_reached=steps.get(lid, 0),
                best_score=best.get(lid),
                answered=len(answered.get(lid, ())),
                correct=len(right.get(lid, ())),
            )
        return out

    def answers(self, lesson_id: str | None = None) -> list[AnswerRecord]:
        """Recorded answers, oldest first."""
        where, params = ("WHERE lesson_id = ?", (lesson_id,)) if lesson_id is not None else ("", ())
        rows = self._read(
            f"SELECT id, lesson_id, question_id, mode, chosen, correct, hints_used, at, attempt_id, {self._seconds_column()} "
            f"FROM answers {where} ORDER BY id",
            params,
        )
        return self._checked("answers", rows, _answer)

    def _has_table(self, name: str) -> bool:
        return bool(self._read("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)))

    def _seconds_column(self) -> str:
        """``seconds``, or ``NULL`` in an older file viewed read-only (its answers have no times yet)."""
        columns = {row[1] for row in self._read("PRAGMA table_info(answers)")}
        return "seconds" if "seconds" in columns else "NULL"

    def tests(self, lesson_id: str | None = None) -> list[TestRecord]:
        """Recorded test results, oldest first."""
        where, params = ("WHERE lesson_id = ?", (lesson_id,)) if lesson_id is not None else ("", ())
        rows = self._read(f"SELECT id, lesson_id, correct, total, score, at, attempt_id FROM tests {where} ORDER BY id", params)
        return self._checked("tests", rows, _test)

    def attempts(self, lesson_id: str | None = None) -> list[AttemptRecord]:
        """Test attempts (finished or not), oldest first."""
        where, params = ("WHERE lesson_id = ?", (lesson_id,)) if lesson_id is not None else ("", ())
        rows = self._read(f"SELECT id, id, lesson_id, number, seed, questions, at FROM attempts {where} ORDER BY id", params)
        return self._checked("attempts", rows, _attempt)

    def challenge_runs(self, lesson_id: str | None = None) -> list[ChallengeRecord]:
        """Finished challenge runs, oldest first (none in an older file viewed read-only, which has no
        table for them yet)."""
        if not self._read("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'challenge_runs'"):
            return []
        where, params = ("WHERE lesson_id = ?", (lesson_id,)) if lesson_id is not None else ("", ())
        rows = self._read(
            "SELECT id, lesson_id, challenge_id, solved, events, par, hints_used, stars, at "
            f"FROM challenge_runs {where} ORDER BY id",
            params,
        )
        return self._checked("challenge_runs", rows, _challenge)

    def best_challenges(self, lesson_id: str) -> dict[str, ChallengeRecord]:
        """Each challenge's best run in one lesson, by challenge id (see :func:`best_runs`)."""
        return {cid: r for (_, cid), r in best_runs(self.challenge_runs(lesson_id)).items()}

    def last_attempt(self, lesson_id: str) -> AttemptRecord | None:
        """The lesson's most recent test attempt, or None."""
        found = self.attempts(lesson_id)
        return found[-1] if found else None

    def attempt_answers(self, attempt_id: int) -> list[AnswerRecord]:
        """The answers given in one attempt, oldest first (replay: its seed orders the choices)."""
        rows = self._read(
            f"SELECT id, lesson_id, question_id, mode, chosen, correct, hints_used, at, attempt_id, {self._seconds_column()} "
            "FROM answers WHERE attempt_id = ? ORDER BY id",
            (int(attempt_id),),
        )
        return self._checked("answers", rows, _answer)


# ---------------------------------------------------------------------------------------------------
# reading back: every stored value checked like input from a file (the file may come from anywhere)


class BadRow(ValueError):
    """A stored row holds a value this version never writes; ``str(error)`` names the column and why."""


#: Times are Unix seconds from 1970 up to the year 3000 (later ones are not ours, and a date near 9999
#: overflows ``datetime`` once FSRS adds an interval).
MAX_TIME = 32_503_680_000.0
_MAX_INT = 2**31 - 1
_MAX_TEXT = 10_000
_MAX_CHOICES = 1_000


def _kind(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bytes):
        return "a blob"
    if isinstance(value, float):
        return "a real number"
    return "an integer"


def _int(name: str, value: object, low: int = 0, high: int = _MAX_INT) -> int:
    if type(value) is not int:
        raise BadRow(f"{name} is {_kind(value)}, not an integer")
    if not low <= value <= high:
        raise BadRow(f"{name} {value} is out of range ({low} to {high})")
    return value


def _int_or_none(name: str, value: object, low: int = 0, high: int = _MAX_INT) -> int | None:
    return None if value is None else _int(name, value, low, high)


def _real(name: str, value: object, low: float, high: float) -> float:
    if type(value) not in (int, float):
        raise BadRow(f"{name} is {_kind(value)}, not a number")
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number) or not low <= number <= high:
        raise BadRow(f"{name} {number:g} is out of range ({low:g} to {high:g})")
    return number


def _real_or_none(name: str, value: object, low: float, high: float) -> float | None:
    return None if value is None else _real(name, value, low, high)


def _time(name: str, value: object) -> float:
    return _real(name, value, 0.0, MAX_TIME)


def _flag(name: str, value: object) -> bool:
    return bool(_int(name, value, 0, 1))


def _text(name: str, value: object) -> str:
    if type(value) is not str:
        raise BadRow(f"{name} is {_kind(value)}, not text")
    if not value or len(value) > _MAX_TEXT:
        raise BadRow(f"{name} is {'empty' if not value else 'too long'}")
    return value


def _json_list(name: str, value: object, item: type) -> list[Any]:
    if type(value) is not str:
        raise BadRow(f"{name} is {_kind(value)}, not a JSON list")
    try:
        found = json.loads(value)
    except ValueError:  # JSONDecodeError, and numbers too long to convert
        raise BadRow(f"{name} is not JSON") from None
    if type(found) is not list or len(found) > _MAX_CHOICES or any(type(x) is not item for x in found):
        raise BadRow(f"{name} is not a list of {'choice numbers' if item is int else 'ids'}")
    return found


def _answer(row: tuple[Any, ...]) -> AnswerRecord:
    lid, qid, mode, chosen, correct, hints, at, attempt, seconds = row
    picks = _json_list("chosen", chosen, int)
    if any(not 0 <= i < _MAX_CHOICES for i in picks):
        raise BadRow("chosen holds a choice number out of range")
    return AnswerRecord(_text("lesson_id", lid), _text("question_id", qid), _text("mode", mode), tuple(picks),
                        _flag("correct", correct), _int("hints_used", hints), _time("at", at),
                        _int_or_none("attempt_id", attempt, 1, 2**63 - 1), _real_or_none("seconds", seconds, 0.0, MAX_TIME))


def _test(row: tuple[Any, ...]) -> TestRecord:
    lid, correct, total, score, at, attempt = row
    total = _int("total", total)
    correct = _int("correct", correct, 0, total)
    return TestRecord(_text("lesson_id", lid), correct, total, _real("score", score, 0.0, 100.0), _time("at", at),
                      _int_or_none("attempt_id", attempt, 1, 2**63 - 1))


def _attempt(row: tuple[Any, ...]) -> AttemptRecord:
    rowid, lid, number, seed, questions, at = row
    return AttemptRecord(_int("id", rowid, 1, 2**63 - 1), _text("lesson_id", lid), _int("number", number, 1),
                         _int("seed", seed, 0, 2**63 - 1), tuple(_json_list("questions", questions, str)), _time("at", at))


def _challenge(row: tuple[Any, ...]) -> ChallengeRecord:
    lid, cid, solved, events, par, hints, stars, at = row
    won = _flag("solved", solved)
    stars = _int("stars", stars, 0, 3)
    if (stars > 0) != won:
        raise BadRow(f"{stars} stars for a {'solved' if won else 'failed'} run")
    return ChallengeRecord(_text("lesson_id", lid), _text("challenge_id", cid), won, _int("events", events),
                           _int("par", par, 1), _int("hints_used", hints), stars, _time("at", at))


def _card(row: tuple[Any, ...]) -> CardRecord:
    cid, lid, qid, state, step, stability, difficulty, due, last, created = row
    state = _int("state", state, 1, 3)
    step = _int_or_none("step", step, 0, 100)
    stability = _real_or_none("stability", stability, 1e-6, 1e7)
    difficulty = _real_or_none("difficulty", difficulty, 1.0, 10.0)
    if (stability is None) != (difficulty is None) or (state != 1 and stability is None):
        raise BadRow(f"stability and difficulty do not fit state {state}")
    if (state == 2) != (step is None):
        raise BadRow(f"step does not fit state {state}")
    return CardRecord(_int("id", cid, 1, 2**63 - 1), _text("lesson_id", lid), _text("question_id", qid), state, step,
                      stability, difficulty, _time("due", due), None if last is None else _time("last_review", last),
                      _time("created", created))


def _review_log(row: tuple[Any, ...]) -> ReviewLogRecord:
    cid, rating, at, ms, mode, aid = row
    return ReviewLogRecord(_int("card_id", cid, 1, 2**63 - 1), _int("rating", rating, 1, 4), _time("at", at),
                           _int_or_none("duration_ms", ms, 0, 2**53), _text("mode", mode),
                           _int_or_none("answer_id", aid, 1, 2**63 - 1))


def _step(row: tuple[Any, ...]) -> tuple[str, int]:
    lid, reached, at = row
    _time("at", at)
    return _text("lesson_id", lid), _int("steps_reached", reached)


# ---------------------------------------------------------------------------------------------------
# opening, checking, moving aside


def _connect(path: Path) -> sqlite3.Connection:
    """Open and check the database, creating the schema if it is new. Raises _Corrupt or ProgressError."""
    try:
        if path.exists() and path.stat().st_size > 0:
            with path.open("rb") as fh:
                header = fh.read(len(_SQLITE_HEADER))
            if header != _SQLITE_HEADER:
                raise _Corrupt("not a SQLite database")
    except OSError as exc:
        raise ProgressError(f"cannot read the progress file {path}: {exc.strerror or _one_line(exc)}") from None

    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise ProgressError(f"cannot open the progress file {path}: {_one_line(exc)}") from None
    try:
        _prepare(conn)
    except _Corrupt:
        conn.close()
        raise
    except sqlite3.Error as exc:
        conn.close()
        if _is_corruption(exc):
            raise _Corrupt(_one_line(exc)) from None
        raise ProgressError(f"cannot open the progress file {path}: {_one_line(exc)}") from None
    except BaseException:
        conn.close()
        raise
    return conn


def _check_schema(conn: sqlite3.Connection) -> int:
    """The file's schema version, after checking it is ours (raises _Corrupt if not): every table, index,
    trigger and view in ``sqlite_master`` must be one this module creates for that version, with the same
    definition (SQLite's "Defense against dark arts": a planted trigger would run when the app writes)."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise _Newer(version)  # not corrupt: a newer tutor may be writing it right now
    if version < 0:
        raise _Corrupt(f"unknown schema version {version}")
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    tables.discard("sqlite_sequence")
    if version == 0 and tables - _TABLES:
        raise _Corrupt(f"unknown tables ({', '.join(_named(t) for t in sorted(tables - _TABLES))}) and no schema version")
    if version == SCHEMA_VERSION and not _TABLES <= tables:
        raise _Corrupt(f"missing tables ({', '.join(sorted(_TABLES - tables))})")
    found = _schema_objects(conn)
    expected = _expected_objects(max(version, 1))
    strange = sorted(found - expected)
    if strange:
        listed = ", ".join(f"{kind} {_named(name)}" for kind, name, _table, _sql in strange[:3])
        more = f" and {len(strange) - 3} more" if len(strange) > 3 else ""
        raise _Corrupt(f"schema objects this version did not create ({listed}{more})")
    if version > 0 and found != expected:
        # tables are checked above and by the upgrade; an index we made that is gone is damage, not danger
        gone = sorted(expected - found)
        tables_gone = sorted(n for k, n, _t, _s in gone if k == "table")
        if tables_gone:
            raise _Corrupt(f"missing tables ({', '.join(tables_gone)})")
        raise _Corrupt(f"missing schema objects ({', '.join(f'{k} {n}' for k, n, _t, _s in gone[:3])})")
    return version


def _normal_sql(sql: str | None) -> str | None:
    """A CREATE statement with its spacing made uniform (SQLite keeps the text as written)."""
    if sql is None:
        return None
    return " ".join(re.sub(r"\s*([(),])\s*", r" \1 ", sql).split())


def _schema_objects(conn: sqlite3.Connection) -> frozenset[tuple[str, str, str, str | None]]:
    """``(type, name, table, normalized sql)`` of everything in the file's ``sqlite_master`` (the
    statistics tables ``ANALYZE`` may add are SQLite's own and left out)."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    return frozenset(
        (str(kind), str(name), str(table), _normal_sql(None if sql is None else str(sql)))
        for kind, name, table, sql in rows
        if not (kind == "table" and str(name).startswith("sqlite_stat"))
    )


_EXPECTED: dict[int, frozenset[tuple[str, str, str, str | None]]] = {}


def _expected_objects(version: int) -> frozenset[tuple[str, str, str, str | None]]:
    """The schema objects a file of ``version`` has: made by running this module's own scripts in memory."""
    if version not in _EXPECTED:
        conn = sqlite3.connect(":memory:", isolation_level=None)
        try:
            _run_script(conn, _SCHEMA)
            for step in range(1, version):
                _run_script(conn, _MIGRATIONS[step])
            _EXPECTED[version] = _schema_objects(conn)
        finally:
            conn.close()
    return _EXPECTED[version]


def _named(name: str) -> str:
    """A name from the file, safe in a one-line message."""
    return name if name.isidentifier() else repr(name[:60])


def _harden(conn: sqlite3.Connection) -> None:
    """Before anything is read: functions and virtual tables a schema names run only if they are harmless
    (``trusted_schema=OFF``), and the file cannot be corrupted on purpose through SQL (the defensive flag,
    where Python exposes it: ``Connection.setconfig``, Python 3.12+)."""
    conn.execute("PRAGMA trusted_schema = OFF")
    setconfig = getattr(conn, "setconfig", None)
    defensive = getattr(sqlite3, "SQLITE_DBCONFIG_DEFENSIVE", None)
    if setconfig is not None and defensive is not None:
        setconfig(defensive, True)


def _prepare(conn: sqlite3.Connection) -> None:
    _harden(conn)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # look before touching anything, so a file that is moved aside is moved exactly as it was found
    rows = conn.execute("PRAGMA quick_check").fetchall()
    if rows != [("ok",)]:
        first = rows[0][0] if rows else "no result"
        raise _Corrupt(f"integrity check failed: {' '.join(str(first).split())}")
    _check_schema(conn)
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() not in ("wal", "memory"):  # memory: the empty store of a read-only view
        raise sqlite3.OperationalError(f"cannot switch to WAL journal mode (got {mode})")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("BEGIN IMMEDIATE")
    try:
        # again under the write lock: another instance may have created or upgraded the schema meanwhile
        _migrate(conn, _check_schema(conn))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    """Bring a file at ``version`` up to :data:`SCHEMA_VERSION` (0: a new file). The caller holds the
    write transaction, so a crash part-way leaves the file exactly as it was."""
    if version == 0:
        _run_script(conn, _SCHEMA)
        version = 1
    elif version < SCHEMA_VERSION:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = _TABLES_AT[version] - tables
        if missing:
            raise _Corrupt(f"missing tables ({', '.join(sorted(missing))}) in a version {version} file")
    while version < SCHEMA_VERSION:
        _run_script(conn, _MIGRATIONS[version])
        version += 1
        conn.execute(f"PRAGMA user_version = {version}")
    if conn.execute("PRAGMA user_version").fetchone()[0] != version:
        conn.execute(f"PRAGMA user_version = {version}")


def _private_file(path: Path) -> None:
    """Create the database file ``0600`` before SQLite does (it would use ``0644`` less the umask); make an
    existing one of this user that others may read or write private (with its -wal/-shm files)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except FileExistsError:
        pass
    else:
        os.close(fd)
        return
    for candidate in [path] + [Path(f"{path}{suffix}") for suffix in _SIDE_FILES]:
        try:
            st = os.lstat(candidate)
        except OSError:
            continue
        uid = os.getuid() if hasattr(os, "getuid") else None
        if stat.S_ISREG(st.st_mode) and st.st_mode & 0o077 and (uid is None or st.st_uid == uid):
            try:
                os.chmod(candidate, 0o600)
            except OSError:
                pass  # not ours to change: SQLite reports what matters


def _connect_readonly(path: Path) -> tuple[sqlite3.Connection, str | None]:
    """Open the database without writing anything, and check it; ``(connection, note)``.

    SQLite needs to create the ``-shm`` file to read a WAL database; when the folder cannot be written
    it is opened ``immutable`` instead (then answers still only in a ``-wal`` file are not seen: the note
    says so). Raises ProgressError (a damaged file is reported, never moved: this only looks).
    """
    note: str | None = None
    conn: sqlite3.Connection | None = None
    for query in ("mode=ro", "mode=ro&immutable=1"):
        uri = f"{path.resolve().as_uri()}?{query}"
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
            _harden(conn)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            rows = conn.execute("PRAGMA quick_check").fetchall()
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
                conn = None
            if _is_corruption(exc):
                raise ProgressError(f"progress file {path} is damaged ({_one_line(exc)}); it was left as it is") from None
            if "immutable" in query:
                raise ProgressError(f"cannot read the progress file {path}: {_one_line(exc)}") from None
            continue
        if rows != [("ok",)]:
            conn.close()
            first = rows[0][0] if rows else "no result"
            raise ProgressError(f"progress file {path} is damaged (integrity check failed: {' '.join(str(first).split())}); "
                                "it was left as it is")
        if "immutable" in query:
            wal = Path(f"{path}-wal")
            if wal.exists() and wal.stat().st_size > 0:
                note = f"the folder is read-only: answers still only in {wal} are not shown"
        break
    assert conn is not None
    try:
        _check_schema(conn)
    except _Newer:
        pass  # read-only anyway
    except _Corrupt as why:
        conn.close()
        raise ProgressError(f"progress file {path} cannot be used ({why}); it was left as it is") from None
    except sqlite3.Error as exc:
        conn.close()
        raise ProgressError(f"cannot read the progress file {path}: {_one_line(exc)}") from None
    return conn, note


def _move_aside(path: Path) -> Path:
    """Rename the file (and its -wal/-shm/-journal companions) to ``<name>.corrupt-<n>``; never delete."""
    n = 1
    while True:
        aside = path.with_name(f"{path.name}.corrupt-{n}")
        if not aside.exists() and not any(Path(f"{aside}{s}").exists() for s in _SIDE_FILES):
            break
        n += 1
    try:
        os.replace(path, aside)
        for suffix in _SIDE_FILES:
            side = Path(f"{path}{suffix}")
            if side.exists():
                os.replace(side, Path(f"{aside}{suffix}"))
    except OSError as exc:
        raise ProgressError(f"progress file {path} is unreadable and cannot be moved aside: {exc.strerror or _one_line(exc)}") from None
    return aside


__all__ = [
    "AnswerRecord",
    "BadRow",
    "AttemptRecord",
    "CardChange",
    "CardRecord",
    "ChallengeRecord",
    "LessonProgress",
    "ProgressError",
    "ProgressStore",
    "ReviewLogRecord",
    "SCHEMA_VERSION",
    "TestRecord",
    "best_runs",
    "default_path",
]
