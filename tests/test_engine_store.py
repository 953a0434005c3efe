"""The session stores: the SQLite store's in-memory mirror, its start-up cleanup of expired rows, and
a `store` view that stays small and shared however long the run."""

from __future__ import annotations

import pytest
from test_engine_helpers import event_steps, run, status

from tutor.engine.store import MemoryStore, SessionRow, SqliteStore


def file_rows(store: SqliteStore) -> list[tuple]:
    """What the SQLite file holds, read through the store's connection (it keeps the file locked)."""
    return store._conn.execute("SELECT id, user, created, last_seen, expires FROM sessions ORDER BY rowid").fetchall()


def test_sqlite_writes_through_and_restart_reads_the_file_back() -> None:
    store = SqliteStore()
    try:
        a, b, c = (SessionRow(ch * 32, None, 0, 0, 1800) for ch in "abc")
        for row in (a, b, c):
            store.put(row)
        store.delete(b.id)
        store.put(SessionRow(a.id, "alice", 0, 60, 1860))
        d = SessionRow("d" * 32, None, 60, 60, None)
        store.put(d)  # rowid after c: creation order is kept
        expected = [(a.id, "alice", 0, 60, 1860), (c.id, None, 0, 0, 1800), (d.id, None, 60, 60, None)]
        assert file_rows(store) == expected
        assert [
            tuple(r.__getattribute__(f) for f in ("id", "user", "created", "last_seen", "expires"))
            for r in store.rows()
        ] == expected
        snap = store.snapshot()
        version = store.version
        assert store.restart() == 0
        assert store.snapshot() is snap and store.version == version  # nothing changed: view shared
        # the restart really reads the file: a change made to it behind the in-memory rows shows up
        store._conn.execute("UPDATE sessions SET user = 'bob' WHERE id = ?", (c.id,))
        assert store.get(c.id).user is None
        store.restart()
        assert store.get(c.id).user == "bob" and store.snapshot() is not snap
        assert store.snapshot()[0] is snap[0]  # unchanged rows keep their JSON view
    finally:
        store.close()


@pytest.mark.parametrize("kind", [MemoryStore, SqliteStore])
def test_sweep_deletes_only_expired_rows(kind) -> None:
    store = kind()
    try:
        store.put(SessionRow("a" * 32, "alice", 0, 0, 1800))
        store.put(SessionRow("b" * 32, None, 0, 0, 1801))
        store.put(SessionRow("c" * 32, None, 0, 0, None))  # no timeouts: never expires
        version = store.version
        assert store.sweep(1799) == 0 and store.version == version
        assert store.sweep(1800) == 1  # expired exactly at `expires`, like SessionRow.valid_at
        assert [r.id[0] for r in store.rows()] == ["b", "c"] and store.version != version
        assert store.sweep(10**9) == 1 and [r.id[0] for r in store.rows()] == ["c"]
        if isinstance(store, SqliteStore):
            assert [r[0][0] for r in file_rows(store)] == ["c"]
    finally:
        store.close()


def test_sqlite_restart_cleans_up_expired_rows_and_keeps_valid_ones() -> None:
    events = [
        {"login": "alice"},
        {"login": "bob", "as": "phone"},
        {"clear_cookies": None, "as": "phone"},  # bob's row is abandoned
        {"advance": "20m"},
        {"request": "GET /dashboard"},  # alice's row is extended to +50m
        {"advance": "15m"},  # bob's row expired at +30m
        "restart_server",
        {"request": "GET /dashboard"},
    ]
    trace = run(events, store="sqlite")
    restart = event_steps(trace, 7)[0]
    assert restart.result == "SQLite file kept: 1 session survives; start-up cleanup deleted 1 expired row"
    assert [r["user"] for r in restart.variables["store"]] == ["alice"]
    assert status(trace, 8) == 200  # the valid session survived
    memory = run(events, store="memory")
    assert event_steps(memory, 7)[0].result == "In-memory store lost 2 sessions"


def test_sqlite_restart_without_expired_rows_reads_as_before() -> None:
    trace = run([{"login": "alice"}, "restart_server", {"request": "GET /dashboard"}], store="sqlite")
    restart = event_steps(trace, 2)[0]
    assert restart.result == "SQLite file kept: 1 session survives"
    before = event_steps(trace, 1)[-1]
    assert restart.variables["store"] is before.variables["store"]  # shared, not re-built


def test_a_swept_session_is_refused_and_nobody_is_signed_back_in() -> None:
    events = [{"login": "alice"}, {"advance": "31m"}, "restart_server", {"request": "GET /dashboard"}]
    trace = run(events, store="sqlite")
    assert "cleanup deleted 1 expired row" in event_steps(trace, 3)[0].result
    steps = event_steps(trace, 4)
    validate = next(s for s in steps if s.phase == "validate")
    assert validate.result.startswith("Unknown ID") and validate.user is None
    assert "clear_cookie" in [s.phase for s in steps] and status(trace, 4) != 200


def test_abandoned_sessions_do_not_pile_up_in_sqlite() -> None:
    """Each cycle signs in, abandons the cookie and lets it expire; restarts sweep the dead rows, so the
    `store` view stays small however many cycles run (it grew by one row per cycle before)."""
    cycle = [{"login": "alice"}, "clear_cookies", {"advance": "31m"}]
    events = []
    for i in range(150):
        events += cycle
        if i % 10 == 9:
            events.append("restart_server")
    trace = run(events, store="sqlite")
    assert max(len(s.variables["store"]) for s in trace) <= 10
    views = {id(s.variables["store"]) for s in trace}
    assert len(views) <= 2 * 150 + 20  # one view per write, shared by every step until the next
