"""Review cards in the store: answers made into cards once, reviews recorded with their card and log, cards
and logs read back. The scheduling rules are :mod:`tutor.review`'s; this module only stores what they decide,
each change in one transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from tutor.progress.connection import Connection
from tutor.progress.errors import ProgressError, _one_line
from tutor.progress.records import (
    AnswerRecord,
    BadRow,
    CardChange,
    CardRecord,
    ReviewLogRecord,
    _answer,
    _card,
    _int,
    _review_log,
)


class ReviewCards(Connection):
    """The review-card half of the store (a base of :class:`~tutor.progress.store.ProgressStore`)."""

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
