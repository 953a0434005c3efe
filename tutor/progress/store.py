"""The store: :class:`ProgressStore`, what the app and the commands record and read."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from tutor.progress.file import default_path, open_file
from tutor.progress.records import (
    AnswerRecord,
    AttemptRecord,
    ChallengeRecord,
    LessonProgress,
    TestRecord,
    _answer,
    _attempt,
    _challenge,
    _step,
    _test,
    best_runs,
)
from tutor.progress.review_cards import ReviewCards


class ProgressStore(ReviewCards):
    """The learner's progress. Open with :meth:`open`; use as a context manager or call :meth:`close`.

    The connection and its error policy are :class:`Connection`'s, the review cards :class:`ReviewCards`'s."""

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
