"""Server-side session stores: rows of ``(id, user, created, last_seen, expires)``.

- :class:`MemoryStore` keeps rows in a dict: a server restart loses them all.
- :class:`SqliteStore` keeps them in a real SQLite file, in a temporary directory that the simulation
  owns and removes on :meth:`~SqliteStore.close`: the rows survive a server restart.

``last_seen`` is the time the row was last *written* (created or extended). With ``update_age`` the
server skips writes that come too soon after the last one, so ``last_seen`` can lag behind the latest
request; ``expires`` is always ``min(last_seen + idle, created + absolute)``.

Both stores keep the rows in memory (``_rows``, and each row's JSON view in ``_json``, made once when
the row is written). The SQLite store writes every change through to its file at once and reads the
file back only when the server restarts (:meth:`SqliteStore.restart`); between restarts lookups are
answered from the in-memory rows, which are exactly what was written.

Both stores keep a ``version`` that changes on every write, and :meth:`snapshot` returns the same list
object while nothing changed. A trace does not copy the rows at every write (that made memory grow with
writes × rows): the store records each write as a *change* (row id → its new JSON view, or deleted),
with a full checkpoint only after as many changes as there were rows, and :meth:`view` gives a
:class:`StoreView` of any past version that rebuilds its rows when it is read (the row dicts are
shared: a write makes one new dict for the row it wrote).

Expired rows: a request that brings an expired session's ID deletes that row (next-auth's adapters do
the same). Rows nobody asks for again (the cookie was cleared or expired in the browser) stay until
the server's start-up cleanup: when a server with a persistent store restarts, :meth:`sweep` deletes
every row whose ``expires`` has passed (``expires <= now``, the same boundary as
:meth:`SessionRow.valid_at`). A row that is still valid is never swept, so "the row lives until the
server's timeout" holds; a memory store loses all its rows at a restart anyway.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from abc import ABC, abstractmethod
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite3

from tutor.engine.clock import format_clock
from tutor.engine.trace import Deferred


@dataclass(frozen=True, slots=True)
class SessionRow:
    id: str
    user: str | None
    created: int
    last_seen: int
    expires: int | None
    """``None`` when both timeouts are off."""
    remember: bool = False
    """The user ticked "remember me" at login: the server renews the cookie as a persistent one."""

    def valid_at(self, now: int) -> bool:
        """A session is valid while ``now < expires``: exactly at ``expires`` it is expired."""
        return self.expires is None or now < self.expires

    def to_json(self) -> dict[str, Any]:
        """``{id, user, created, last_seen, expires}``, plus ``remember: true`` for a remembered login."""
        view: dict[str, Any] = {
            "id": self.id,
            "user": self.user,
            "created": format_clock(self.created),
            "last_seen": format_clock(self.last_seen),
            "expires": None if self.expires is None else format_clock(self.expires),
        }
        if self.remember:
            view["remember"] = True
        return view


class SessionStore(ABC):
    """The interface both stores share."""

    kind = "?"
    persistent = False

    def __init__(self) -> None:
        self._rows: dict[str, SessionRow] = {}
        self._json: dict[str, dict[str, Any]] = {}
        self.version = 0
        self._snapshot: list[dict[str, Any]] = []
        self._snapshot_version = 0
        self._history = _History()

    def _changed(self, session_id: str, view: dict[str, Any] | None) -> None:
        """Record one row's change (``None``: deleted) at the current :attr:`version`."""
        self._history.change(self.version, session_id, view, len(self._json))

    def _replaced(self) -> None:
        """Record that every row may have changed at the current :attr:`version`."""
        self._history.checkpoint(self.version, self._json)

    def view(self) -> StoreView:
        """The rows as they are now, as a :class:`StoreView` that stays valid however the store
        changes later (a trace keeps one per version)."""
        return StoreView(self._history, self.version)

    def snapshot_at(self, version: int) -> list[dict[str, Any]]:
        """The rows as JSON dicts at an earlier ``version`` (treat the list as read-only)."""
        return self._history.rows_at(version)

    def get(self, session_id: str) -> SessionRow | None:
        return self._rows.get(session_id)

    def put(self, row: SessionRow) -> None:
        self._rows[row.id] = row
        view = self._json[row.id] = row.to_json()
        self.version += 1
        self._changed(row.id, view)

    def delete(self, session_id: str) -> bool:
        if session_id not in self._rows:
            return False
        del self._rows[session_id]
        del self._json[session_id]
        self.version += 1
        self._changed(session_id, None)
        return True

    def rows(self) -> list[SessionRow]:
        return list(self._rows.values())

    def sweep(self, now: int) -> int:
        """Delete every row that has expired at ``now``; returns how many. Deterministic: the rows are
        visited in the order they were created."""
        dead = [sid for sid, row in self._rows.items() if not row.valid_at(now)]
        for sid in dead:
            self._forget(sid)
        if dead:
            self.version += 1
            for sid in dead:
                self._changed(sid, None)
        return len(dead)

    def _forget(self, session_id: str) -> None:
        """Drop a row from the in-memory view (the caller bumps :attr:`version`)."""
        del self._rows[session_id]
        del self._json[session_id]

    def snapshot(self) -> list[dict[str, Any]]:
        """The rows as JSON dicts; the same list object until the next write (treat it as read-only)."""
        if self._snapshot_version != self.version:
            self._snapshot = list(self._json.values())
            self._snapshot_version = self.version
        return self._snapshot

    @abstractmethod
    def restart(self) -> int:
        """The server process restarts; returns how many rows were lost."""

    def close(self) -> None:  # noqa: B027 (optional: a store with nothing to close keeps this one)
        pass

    def __len__(self) -> int:
        return len(self._rows)


class MemoryStore(SessionStore):
    """Sessions in the server's memory."""

    kind = "memory"

    def restart(self) -> int:
        lost = len(self._rows)
        self._rows.clear()
        self._json.clear()
        self.version += 1
        self._replaced()
        return lost


def _remove_dir(path: str) -> None:
    shutil.rmtree(path, ignore_errors=True)


class SqliteStore(SessionStore):
    """Sessions in a real SQLite file (in a private temporary directory)."""

    kind = "sqlite"
    persistent = True

    def __init__(self) -> None:
        super().__init__()
        import sqlite3  # only the sqlite store needs it

        self._sqlite3 = sqlite3
        self.directory = tempfile.mkdtemp(prefix="tutor-sessions-")
        self._cleanup = weakref.finalize(self, _remove_dir, self.directory)
        self.path = Path(self.directory) / "sessions.db"
        self._conn = self._connect()
        self._conn.execute(
            "CREATE TABLE sessions (id TEXT PRIMARY KEY, user TEXT, created INTEGER NOT NULL,"
            " last_seen INTEGER NOT NULL, expires INTEGER, remember INTEGER NOT NULL DEFAULT 0)"
        )

    def _connect(self) -> sqlite3.Connection:
        # Every statement is committed to the file at once (autocommit). The file is private to this
        # store, so the connection keeps its lock until it is closed (``locking_mode=EXCLUSIVE``)
        # instead of taking and dropping file locks around every write: a write costs a third.
        conn = self._sqlite3.connect(self.path, isolation_level=None)
        conn.execute("PRAGMA journal_mode=MEMORY")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        return conn

    # ``get`` is the base class's: the in-memory rows mirror the file (every write goes through both).

    def put(self, row: SessionRow) -> None:
        values = (row.user, row.created, row.last_seen, row.expires, int(row.remember), row.id)
        if row.id in self._rows:
            self._conn.execute(
                "UPDATE sessions SET user=?, created=?, last_seen=?, expires=?, remember=? WHERE id=?", values
            )
        else:
            self._conn.execute(
                "INSERT INTO sessions (user, created, last_seen, expires, remember, id) VALUES (?, ?, ?, ?, ?, ?)",
                values,
            )
        super().put(row)

    def delete(self, session_id: str) -> bool:
        if session_id not in self._rows:
            return False
        self._conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        return super().delete(session_id)

    def sweep(self, now: int) -> int:
        """Delete the expired rows from the file and from memory; returns how many."""
        if not any(not row.valid_at(now) for row in self._rows.values()):
            return 0
        self._conn.execute("DELETE FROM sessions WHERE expires IS NOT NULL AND expires <= ?", (now,))
        return super().sweep(now)

    def restart(self) -> int:
        """Close the connection, reopen the file and read the rows back: every row is still there.

        Rows come back in creation order (``rowid``), which is the order they were kept in memory. A row
        read back unchanged keeps its JSON view, and when every row is unchanged :attr:`version` stays
        as it was, so the ``store`` view is shared across the restart."""
        self._conn.close()
        self._conn = self._connect()
        old_rows, old_json = self._rows, self._json
        rows: dict[str, SessionRow] = {}
        views: dict[str, dict[str, Any]] = {}
        same = True
        for found in self._conn.execute(
            "SELECT id, user, created, last_seen, expires, remember FROM sessions ORDER BY rowid"
        ):
            sid, user, created, last_seen, expires, remember = found
            row = SessionRow(sid, user, created, last_seen, expires, remember=bool(remember))
            rows[sid] = row
            if old_rows.get(sid) == row:
                views[sid] = old_json[sid]
            else:
                views[sid] = row.to_json()
                same = False
        if not same or list(rows) != list(old_rows):
            self._rows, self._json = rows, views
            self.version += 1
            self._replaced()
        return 0

    def close(self) -> None:
        self._conn.close()  # closing a closed connection does nothing
        self._cleanup()


class _History:
    """Every version of a store's rows, kept as changes plus occasional full checkpoints.

    A checkpoint is taken when the changes since the last one outnumber the rows it would copy, so the
    checkpoints together hold no more entries than the changes themselves (memory linear in writes), and
    rebuilding any version costs at most about twice the rows it has."""

    __slots__ = ("_versions", "_changes", "_cp_versions", "_cp_starts", "_cp_rows", "_memo")

    def __init__(self) -> None:
        self._versions: list[int] = []
        self._changes: list[tuple[str, dict[str, Any] | None]] = []
        self._cp_versions: list[int] = [0]
        self._cp_starts: list[int] = [0]
        self._cp_rows: list[dict[str, dict[str, Any]]] = [{}]
        self._memo: dict[int, list[dict[str, Any]]] = {}
        """The last few versions rebuilt (steps read the same version many times in a row)."""

    def change(self, version: int, session_id: str, view: dict[str, Any] | None, rows: int) -> None:
        self._versions.append(version)
        self._changes.append((session_id, view))
        if len(self._changes) - self._cp_starts[-1] > max(rows, 32):
            self.checkpoint(version, self._rebuild(version))

    def checkpoint(self, version: int, rows: dict[str, dict[str, Any]]) -> None:
        self._cp_versions.append(version)
        self._cp_starts.append(len(self._changes))
        self._cp_rows.append(dict(rows))

    def _rebuild(self, version: int) -> dict[str, dict[str, Any]]:
        i = bisect_right(self._cp_versions, version) - 1
        rows = dict(self._cp_rows[i])
        versions, changes = self._versions, self._changes
        k = self._cp_starts[i]
        while k < len(changes) and versions[k] <= version:
            session_id, view = changes[k]
            if view is None:
                rows.pop(session_id, None)
            else:
                rows[session_id] = view
            k += 1
        return rows

    def rows_at(self, version: int) -> list[dict[str, Any]]:
        found = self._memo.get(version)
        if found is None:
            if len(self._memo) >= 8:
                del self._memo[next(iter(self._memo))]
            found = self._memo[version] = list(self._rebuild(version).values())
        return found


class StoreView(Deferred):
    """The ``store`` variable of a step: the rows at one version, rebuilt when read."""

    __slots__ = ("_history", "version")

    def __init__(self, history: _History, version: int) -> None:
        self._history = history
        self.version = version

    def value(self) -> list[dict[str, Any]]:
        return self._history.rows_at(self.version)


def open_store(kind: str) -> SessionStore:
    if kind == "sqlite":
        return SqliteStore()
    if kind == "memory":
        return MemoryStore()
    raise ValueError(f"unknown store {kind!r}: expected memory or sqlite")


__all__ = ["MemoryStore", "SessionRow", "SessionStore", "SqliteStore", "StoreView", "open_store"]
