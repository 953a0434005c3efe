"""The store: :class:`ProgressStore`, what the app and the commands record and read."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from tutor.progress.errors import ProgressError, _one_line
from tutor.progress.file import default_path, open_file
from tutor.progress.records import (
    AnswerRecord,
    AttemptRecord,
    BadRow,
    CardChange,
    CardRecord,
    ChallengeRecord,
    LessonProgress,
    ReviewLogRecord,
    TestRecord,
    _answer,
    _attempt,
    _card,
    _challenge,
    _int,
    _review_log,
    _step,
    _test,
    best_runs,
)

_T = TypeVar("_T")


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
        conn, notice, reason = open_file(target, readonly=readonly)
        return cls(conn, target, clock, notice, reason)

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

    def _insert_answer(
        self,
        db: sqlite3.Connection,
        lesson_id: str,
        question_id: str,
        mode: str,
        chosen: list[int] | tuple[int, ...],
        correct: bool,
        hints_used: int,
        attempt_id: int | None,
        seconds: float | None,
    ) -> tuple[int, float]:
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

    def record_test(
        self, lesson_id: str, correct: int, total: int, score: float, *, attempt_id: int | None = None
    ) -> None:
        """A finished test; ``score`` is the percentage 0–100 (``grading.TestScore.percentage``)."""
        correct, total, score = int(correct), int(total), float(score)
        if total < 0 or not 0 <= correct <= max(total, 0):
            raise ValueError(f"test result {correct}/{total} is impossible")
        if not 0.0 <= score <= 100.0:
            raise ValueError(f"test score {score} is not a percentage 0-100")
        with self._write() as db:
            db.execute(
                "INSERT INTO tests (lesson_id, correct, total, score, at, attempt_id) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    lesson_id,
                    correct,
                    total,
                    score,
                    float(self.clock()),
                    None if attempt_id is None else int(attempt_id),
                ),
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
            answer_id, at = self._insert_answer(
                db, card.lesson_id, card.question_id, "review", chosen, correct, hints_used, None, seconds
            )
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
        rows = self._read(
            f"SELECT id, card_id, rating, at, duration_ms, mode, answer_id FROM review_logs {where} ORDER BY id", params
        )
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
        steps = dict(
            self._checked(
                "steps", self._read(f"SELECT rowid, lesson_id, steps_reached, at FROM steps {where}", params), _step
            )
        )
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
        rows = self._read(
            f"SELECT id, lesson_id, correct, total, score, at, attempt_id FROM tests {where} ORDER BY id", params
        )
        return self._checked("tests", rows, _test)

    def attempts(self, lesson_id: str | None = None) -> list[AttemptRecord]:
        """Test attempts (finished or not), oldest first."""
        where, params = ("WHERE lesson_id = ?", (lesson_id,)) if lesson_id is not None else ("", ())
        rows = self._read(
            f"SELECT id, id, lesson_id, number, seed, questions, at FROM attempts {where} ORDER BY id", params
        )
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
