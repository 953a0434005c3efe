"""The lesson cache: a good lesson's model and trace on disk, so start-up need not load it again.

`tutor open` and the picker's step counts would otherwise compose, validate and run every lesson at
each start (and import the whole engine to do so). :func:`tutor.lesson.loader.load_lesson_cached` keeps
them here; this module owns only the storage.

Safety (nothing read back can run code, nobody else's files are used):

* An entry is ``<cache>/lessons/<key>.msgpack``: one ASCII header line ``tutor-lesson-cache/3 <key>
  <rows> <digest>`` (the picker reads only this line; the digest, BLAKE2b of the body, makes a damaged
  body miss: MessagePack alone would decode a changed number as another valid one), then MessagePack decoded by msgspec into the very types of
  the model (:class:`~tutor.lesson.model.Lesson`, the fields of each :class:`~tutor.engine.trace.Step`
  and the run's :class:`~tutor.engine.trace.VariableLog`), which validates every field on the way in.
  A format that cannot run code: a planted entry can at worst be ignored. The variables are stored as
  the engine records them — what changed at which step — so an entry grows like the run's memory.
* The key is a SHA-256 of the file's bytes, its path, the tutor and Python versions and the size + mtime
  of every module of ``tutor.engine`` and ``tutor.lesson``: an edited lesson or changed code never hits.
* Folders are created ``0700`` and entries ``0600``. A cache folder (or entry) that is not a real folder
  owned by the user is neither read nor written; one of the user's own that others may write to (made by
  an older version under umask 002) is made ``0700`` first.
* Bounded: an entry larger than :data:`MAX_ENTRY_BYTES` is not written; beyond :data:`MAX_FILES` entries
  or :data:`MAX_TOTAL_BYTES` in all, the oldest go. Entries of older formats (``*.pickle``) are deleted
  unread.
* Files are written atomically (temporary file + rename); anything unreadable, of another key or another
  shape is ignored and the lesson is loaded normally. A cache that cannot be written only costs time.

Importing this module is cheap (no msgspec, no model): the step count needs only the header.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from tutor.files import make_private_dirs

if TYPE_CHECKING:
    from tutor.engine.trace import Step
    from tutor.lesson.model import Lesson

MAGIC = b"tutor-lesson-cache/3"
SUFFIX = ".msgpack"
#: The largest entry written (the built-in lessons take 20-70 KB; a hostile lesson made 477 MB).
MAX_ENTRY_BYTES = 4 * 1024 * 1024
#: The most entries kept, and the most bytes all of them may take.
MAX_FILES = 64
MAX_TOTAL_BYTES = 32 * 1024 * 1024
_HEADER_MAX = 200

_code_signature: bytes | None = None
_decoder: Any = None
_entry: Any = None


def cache_dir() -> Path:
    """``$TUTOR_HOME/cache`` when ``TUTOR_HOME`` is set, else the platform's user cache folder."""
    home = os.environ.get("TUTOR_HOME")
    if home:
        return Path(home).expanduser() / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir("session-tutor", appauthor=False))


# --- private folders ---------------------------------------------------------------------------------


def _uid() -> int | None:
    return os.getuid() if hasattr(os, "getuid") else None


def _ours(st: os.stat_result) -> bool:
    uid = _uid()
    return uid is None or st.st_uid == uid


def _usable(folder: Path) -> bool:
    """Is ``folder`` a real folder of this user (made private if it was not)? Never follows a symlink."""
    try:
        st = os.lstat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode) or not _ours(st):
        return False
    if _uid() is not None and st.st_mode & 0o077:
        try:
            os.chmod(folder, 0o700)
        except OSError:
            return False
    return True


def _folder(*, create: bool, name: str = "lessons") -> Path | None:
    """``<cache>/<name>`` when it (and ``<cache>``) can be trusted, else None."""
    top = cache_dir()
    folder = top / name
    if create:
        try:
            make_private_dirs(folder)
        except OSError:
            return None
    if not (_usable(top) and _usable(folder)):
        return None
    return folder


# --- keys --------------------------------------------------------------------------------------------


def _code_sig() -> bytes:
    """What changes when the code that loads a lesson changes (also in a source checkout)."""
    global _code_signature
    if _code_signature is None:
        import tutor

        parts = [getattr(tutor, "__version__", "?"), sys.version, MAGIC.decode()]
        package = Path(__file__).resolve().parent.parent
        for folder in ("engine", "lesson"):
            try:
                names = sorted(os.listdir(package / folder))
            except OSError:
                names = []
            for name in names:
                if name.endswith(".py"):
                    try:
                        st = os.stat(package / folder / name)
                    except OSError:
                        continue
                    parts.append(f"{folder}/{name}:{st.st_size}:{st.st_mtime_ns}")
        _code_signature = "\n".join(parts).encode()
    return _code_signature


def key(path: Path, data: bytes) -> str:
    """The cache key of a lesson file at ``path`` with content ``data``."""
    digest = hashlib.sha256(_code_sig())
    digest.update(b"\0" + os.fsencode(str(path)) + b"\0")
    digest.update(data)
    return digest.hexdigest()


# --- the entry format --------------------------------------------------------------------------------


def _entry_type() -> Any:
    """The msgspec struct of an entry's body (built on first use: it imports msgspec and the model).

    ``steps``: per trace step ``(step, event, actor, phase, action, cookie_present, session_id, user,
    result, position, count)`` — its fields and where its variables are in ``log``; ``log``: the run's
    :class:`~tutor.engine.trace.VariableLog` as ``(name, positions, values)`` (what changed, not a copy
    per step); ``rows``: 0-based indexes of the trace steps that are the table's rows.
    """
    global _entry
    if _entry is not None:
        return _entry
    import msgspec

    from tutor.lesson.model import Lesson

    step = tuple[int, int, str, str, str, bool, str | None, str | None, str, int, int]
    # defstruct: real types, not this module's string annotations (the model is imported only here)
    _entry = msgspec.defstruct(
        "Entry",
        [
            ("lesson", Lesson),
            ("steps", list[step]),
            ("log", list[tuple[str, list[int], list[Any]]]),
            ("rows", tuple[int, ...]),
        ],
        array_like=True,
        forbid_unknown_fields=True,  # an entry with more parts than this layout is refused, not half-read
        frozen=True,
        module=__name__,
    )
    return _entry


def _get_decoder() -> Any:
    global _decoder
    if _decoder is None:
        import msgspec

        _decoder = msgspec.msgpack.Decoder(_entry_type())
    return _decoder


def _digest(body: bytes) -> bytes:
    return hashlib.blake2b(body, digest_size=16).hexdigest().encode("ascii")


def _header(cache_key: str, rows: int, body: bytes) -> bytes:
    return b"%s %s %d %s\n" % (MAGIC, cache_key.encode("ascii"), rows, _digest(body))


def _parse_header(line: bytes, cache_key: str, body: bytes | None = None) -> int | None:
    """The row count of a header of this key (``body`` given: only when it is the body the header was
    written with)."""
    parts = line.rstrip(b"\n").split(b" ")
    if len(parts) != 4 or parts[0] != MAGIC or parts[1] != cache_key.encode("ascii") or not parts[2].isdigit():
        return None
    if body is not None and parts[3] != _digest(body):
        return None
    return int(parts[2])


def open_private(name: str, filename: str, max_bytes: int) -> BinaryIO | None:
    """``<cache>/<name>/<filename>`` open for reading when the folder can be trusted and the file is a
    regular file of this user (never through a link) of at most ``max_bytes``; else None."""
    folder = _folder(create=False, name=name)
    if folder is None:
        return None
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(folder / filename, flags)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not _ours(st) or st.st_size > max_bytes:
            os.close(fd)
            return None
        return os.fdopen(fd, "rb")
    except OSError:
        os.close(fd)
        return None


def _open_entry(cache_key: str) -> BinaryIO | None:
    return open_private("lessons", f"{cache_key}{SUFFIX}", MAX_ENTRY_BYTES)


def write_private(name: str, filename: str, data: bytes) -> bool:
    """Write ``<cache>/<name>/<filename>`` atomically (a temporary file of this writer, mode 0600, then a
    rename), the folder made private first; False when there is no usable folder or the write failed."""
    folder = _folder(create=True, name=name)
    if folder is None:
        return False
    import threading

    # unique per writer (the picker counts steps in a thread while a lesson may be opened)
    tmp = folder / f".{filename}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, folder / filename)
    except OSError:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        return False
    return True


def read_rows(cache_key: str) -> int | None:
    """How many table rows the cached lesson has (only its header is read), or None."""
    fh = _open_entry(cache_key)
    if fh is None:
        return None
    try:
        with fh:
            return _parse_header(fh.readline(_HEADER_MAX), cache_key)
    except OSError:
        return None


def read(cache_key: str) -> tuple[Lesson, tuple[Step, ...], tuple[Step, ...]] | None:
    """``(lesson, trace steps, table rows)`` of the entry, or None when there is no usable one."""
    fh = _open_entry(cache_key)
    if fh is None:
        return None
    try:
        with fh:
            line = fh.readline(_HEADER_MAX)
            body = fh.read(MAX_ENTRY_BYTES + 1)
            rows = _parse_header(line, cache_key, body)
            if rows is None:
                return None
        entry = _get_decoder().decode(body)
        trace = _steps(entry.steps, entry.log)
    except Exception:  # truncated, another shape, invalid values: load the lesson normally
        return None
    if len(entry.rows) != rows or any(not 0 <= i < len(trace) for i in entry.rows):
        return None
    import dataclasses

    table = tuple(dataclasses.replace(trace[i], step=n) for n, i in enumerate(entry.rows, 1))
    return entry.lesson, trace, table


def _steps(steps: list[tuple[Any, ...]], log_data: list[tuple[Any, ...]]) -> tuple[Step, ...]:
    """The trace's steps, their variables read from one rebuilt log (raises ValueError when inconsistent)."""
    from tutor.engine.trace import Step, StepVariables, VariableLog

    log = VariableLog.restore(log_data)
    known = len(log.names)
    out = []
    for step, event, actor, phase, action, present, session_id, user, result, position, count in steps:
        if not (0 <= count <= known and 0 <= position):
            raise ValueError("a step's variables are not in the log")
        out.append(
            Step(
                step,
                event,
                actor,
                phase,
                action,
                present,
                session_id,
                user,
                result,
                StepVariables(log, position, count),
            )
        )
    return tuple(out)


def write(cache_key: str, lesson: Lesson, trace: Sequence[Step], rows: tuple[int, ...]) -> bool:
    """Store an entry (``rows``: 0-based trace indexes of the table's rows); False when it was not:
    larger than :data:`MAX_ENTRY_BYTES` (found out while encoding, so a huge run costs little), a value
    msgspec cannot encode, a trace not recorded by the engine, or no usable folder."""
    folder = _folder(create=True)
    if folder is None:
        return False
    import msgspec

    from tutor.engine.trace import StepVariables

    log = None
    steps = []
    for s in trace:
        view = s.variables
        if not isinstance(view, StepVariables) or (log is not None and view.log is not log):
            return False  # not one engine run: not worth a format of its own
        log = view.log
        steps.append(
            (
                s.step,
                s.event,
                s.actor,
                s.phase,
                s.action,
                s.cookie_present,
                s.session_id,
                s.user,
                s.result,
                view.position,
                view.count,
            )
        )
    encode = msgspec.msgpack.Encoder().encode
    size = 0
    variables = []
    try:
        for name, positions, values in log.export() if log is not None else ():
            encoded = []
            for value in values:  # one at a time: stop as soon as the entry is too big
                raw = encode(value)
                size += len(raw)
                if size > MAX_ENTRY_BYTES:
                    return False
                encoded.append(msgspec.Raw(raw))
            variables.append((name, positions, encoded))
        body = encode([lesson, steps, variables, list(rows)])  # the Entry layout (array_like)
    except Exception:  # a value msgspec cannot encode: not worth caching
        return False
    data = _header(cache_key, len(rows), body) + body
    if len(data) > MAX_ENTRY_BYTES or not write_private("lessons", f"{cache_key}{SUFFIX}", data):
        return False
    prune(folder)
    return True


def prune(folder: Path, suffix: str = SUFFIX, max_files: int | None = None, max_total: int | None = None) -> None:
    """Keep the newest ``*suffix`` files of ``folder`` within ``max_files`` and ``max_total`` bytes
    (by default the lesson entries' :data:`MAX_FILES` and :data:`MAX_TOTAL_BYTES`); drop old formats."""
    max_files = MAX_FILES if max_files is None else max_files
    max_total = MAX_TOTAL_BYTES if max_total is None else max_total
    entries: list[tuple[int, int, Path]] = []
    try:
        with os.scandir(folder) as it:
            for item in it:
                path = Path(item.path)
                if item.name.endswith(".pickle"):  # format 1 (pickle): never read, removed
                    path.unlink(missing_ok=True)
                elif item.name.endswith(suffix) and item.is_file(follow_symlinks=False):
                    st = item.stat(follow_symlinks=False)
                    entries.append((st.st_mtime_ns, st.st_size, path))
    except OSError:
        return
    entries.sort(reverse=True)
    total = 0
    for n, (_, size, path) in enumerate(entries):
        total += size
        if n >= max_files or total > max_total:
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass


__all__ = [
    "MAX_ENTRY_BYTES",
    "MAX_FILES",
    "MAX_TOTAL_BYTES",
    "cache_dir",
    "key",
    "open_private",
    "prune",
    "read",
    "read_rows",
    "write",
    "write_private",
]
