"""The connection under :class:`~tutor.progress.store.ProgressStore`: one SQLite connection, its lock and
its one error policy (a write is one committed transaction; any SQLite error becomes a one-line
:class:`ProgressError` naming the file), the rows read back checked (a row this version never writes is
reported in :attr:`Connection.problems` and left out), and the answer row both recorders insert."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self, TypeVar

from tutor.progress.errors import ProgressError, _one_line
from tutor.progress.records import BadRow

_T = TypeVar("_T")


class Connection:
    """The open file and what every part of the store does with it; :class:`ProgressStore` is the API."""

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

    # -- context manager -----------------------------------------------------------------------------

    def __enter__(self) -> Self:
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

    def _has_table(self, name: str) -> bool:
        return bool(self._read("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)))

    def _seconds_column(self) -> str:
        """``seconds``, or ``NULL`` in an older file viewed read-only (its answers have no times yet)."""
        columns = {row[1] for row in self._read("PRAGMA table_info(answers)")}
        return "seconds" if "seconds" in columns else "NULL"

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
