"""Reading a progress file behind the store's back, for the schema-upgrade tests of every version."""

from __future__ import annotations

import sqlite3
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def copy_fixture(name: str, folder: Path) -> Path:
    """``tests/fixtures/NAME`` copied to ``folder/progress.sqlite3`` (the folder made if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "progress.sqlite3"
    target.write_bytes((FIXTURES / name).read_bytes())
    return target


def user_version(path: Path) -> int:
    """The schema version the file records (``PRAGMA user_version``)."""
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA user_version").fetchone()[0]
    finally:
        con.close()


def tables_and_columns(path: Path, table: str) -> tuple[set[str], set[str]]:
    """The file's table names, and the column names of ``table``."""
    con = sqlite3.connect(path)
    try:
        tables = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        columns = {row[1] for row in con.execute(f"PRAGMA table_info({table})")}
    finally:
        con.close()
    return tables, columns
