"""The schema: the script a new file gets, ``_MIGRATIONS`` for older files (run in the transaction that
opens them), and the ``sqlite_master`` check (every table, index, trigger and view must be one these
scripts create)."""

from __future__ import annotations

import re
import sqlite3

from tutor.progress.errors import _Corrupt, _Newer

#: The schema this module writes (``PRAGMA user_version``).
#: 1: steps, answers, tests. 2: test attempts (seed and questions asked), answers and results linked to them.
#: 3: challenge runs (solved, events used against par, hints, stars).
#: 4: seconds taken per answer; review cards (FSRS state, due time) and their review logs (tutor/review.py).
SCHEMA_VERSION = 4

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
        raise _Corrupt(
            f"unknown tables ({', '.join(_named(t) for t in sorted(tables - _TABLES))}) and no schema version"
        )
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
