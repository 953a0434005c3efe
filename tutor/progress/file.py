"""The progress file: where it lives, opening it (checked, hardened, upgraded), read-only viewing, moving a
damaged file aside, and its permissions (folder 0700, database 0600)."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from tutor.progress.errors import ProgressError, _Corrupt, _is_corruption, _Newer, _one_line
from tutor.progress.schema import SCHEMA_VERSION, _check_schema, _migrate

FILENAME = "progress.sqlite3"
APP_NAME = "session-tutor"
#: How long a writer waits for another instance's lock, in milliseconds.
BUSY_TIMEOUT_MS = 10_000

_SQLITE_HEADER = b"SQLite format 3\x00"
_SIDE_FILES = ("-wal", "-shm", "-journal")


def default_path() -> Path:
    """``$TUTOR_HOME/progress.sqlite3``, else the platform's user data folder."""
    home = os.environ.get("TUTOR_HOME")
    if home:
        return Path(home).expanduser() / FILENAME
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / FILENAME


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
            conn = sqlite3.connect(
                uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
            )
            _harden(conn)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            rows = conn.execute("PRAGMA quick_check").fetchall()
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
                conn = None
            if _is_corruption(exc):
                raise ProgressError(
                    f"progress file {path} is damaged ({_one_line(exc)}); it was left as it is"
                ) from None
            if "immutable" in query:
                raise ProgressError(f"cannot read the progress file {path}: {_one_line(exc)}") from None
            continue
        if rows != [("ok",)]:
            conn.close()
            first = rows[0][0] if rows else "no result"
            raise ProgressError(
                f"progress file {path} is damaged (integrity check failed: {' '.join(str(first).split())}); "
                "it was left as it is"
            )
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
    """Rename the file (and its -wal/-shm/-journal companions) to ``<name>.corrupt-<n>``; never delete.

    The name is claimed with ``O_CREAT | O_EXCL | O_NOFOLLOW`` before the rename, so a link planted there, or
    an aside file another process moved meanwhile, is never replaced; a bounded number of tries."""
    from tutor.files import MAX_TRIES, create_new

    for n in range(1, MAX_TRIES + 1):
        aside = path.with_name(f"{path.name}.corrupt-{n}")
        if any(os.path.lexists(f"{aside}{s}") for s in _SIDE_FILES):
            continue
        try:
            create_new(aside, b"", mode=0o600)  # ours now: the rename below replaces only this empty file
        except FileExistsError:
            continue
        except OSError as exc:
            raise ProgressError(
                f"progress file {path} is unreadable and cannot be moved aside: {exc.strerror or _one_line(exc)}"
            ) from None
        break
    else:
        raise ProgressError(f"progress file {path} is unreadable and no name .corrupt-N is free to move it aside")
    try:
        os.replace(path, aside)
        for suffix in _SIDE_FILES:
            side = Path(f"{path}{suffix}")
            if side.exists():
                os.replace(side, Path(f"{aside}{suffix}"))
    except OSError as exc:
        raise ProgressError(
            f"progress file {path} is unreadable and cannot be moved aside: {exc.strerror or _one_line(exc)}"
        ) from None
    return aside


def open_file(target: Path, *, readonly: bool = False) -> tuple[sqlite3.Connection, str | None, str | None]:
    """Open the progress file at ``target`` for :meth:`ProgressStore.open`: ``(connection, notice,
    readonly_reason)``. ``readonly=True``: only look: nothing is created, changed or moved aside."""
    if readonly:
        try:
            return _open_readonly(target)
        except OSError as exc:
            raise ProgressError(f"cannot read the progress file {target}: {exc.strerror or _one_line(exc)}") from None
    try:
        from tutor.files import make_private_dirs

        make_private_dirs(target.parent)
    except OSError as exc:
        raise ProgressError(
            f"cannot create the progress folder {target.parent}: {exc.strerror or _one_line(exc)}"
        ) from None
    try:
        _private_file(target)
        return _open(target)
    except OSError as exc:  # e.g. a folder we may not look into
        raise ProgressError(f"cannot open the progress file {target}: {exc.strerror or _one_line(exc)}") from None


def _open_readonly(target: Path) -> tuple[sqlite3.Connection, str | None, str | None]:
    if not target.exists() or (target.is_file() and target.stat().st_size == 0):
        existing = target.parent
        while not existing.exists() and existing.parent != existing:
            existing = existing.parent
        if not existing.is_dir():
            raise ProgressError(f"cannot use {target} for progress: {existing} is not a folder")
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        _prepare(conn)  # an empty store of the current schema
        return conn, None, f"progress file {target} was opened for viewing"
    if not target.is_file():
        raise ProgressError(f"cannot use {target} for progress: it is not a file")
    conn, note = _connect_readonly(target)
    return conn, note, f"progress file {target} was opened for viewing"


def _open(target: Path) -> tuple[sqlite3.Connection, str | None, str | None]:
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
        notice = (
            f"{reason}: it is shown read-only and new progress is not saved; update Session Tutor to keep recording"
        )
        if note:
            notice += f" ({note})"
        return conn, notice, reason
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
    return conn, notice, None
