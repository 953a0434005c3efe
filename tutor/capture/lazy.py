"""A HAR capture read lazily (issue 20: a 20,000-entry, 200 MB capture opens as fast as a lesson).

:func:`open_har` checks up front, in one pass of msgspec over the memory-mapped file that declares of
each entry only its ``startedDateTime``: the whole file's JSON syntax, the ``log`` object and its
``entries`` array, ``version`` / ``creator`` / ``browser`` / ``pages``, the number of entries, and every
entry's ``startedDateTime`` (a string, an ISO 8601 date: the replay needs them all for the time order).
It keeps those times and closes the map. An entry is read and decoded (:class:`tutor.capture.har.Entry`,
bodies not declared) when the replay reaches it: :class:`LazyEntries` finds where the entries lie by
walking the array from its start, a megabyte at a time, only as far as the replay has gone (a capture in
time order, as browsers write them, is walked only up to the window shown). A bad request or response
further on is reported, positioned as :func:`tutor.capture.har.read_har` would, when its window is
replayed (`tutor show` replays them all before it prints anything).

The file stays open (read by offset, never mapped after the first pass); if it is changed in place while
open, the next read says so.
"""

from __future__ import annotations

import mmap
import os
import re
import weakref
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import overload

import msgspec
from msgspec import Struct

from tutor.capture.har import (
    MAX_ENTRIES,
    Creator,
    Entry,
    HarError,
    Page,
    line_col,
    locate,
    parse_started,
    schema_error,
)
from tutor.capture.har import (
    syntax_error as _syntax_error,
)


class _Start(Struct):
    startedDateTime: str  # noqa: N815 - the HAR's own field name


class _StartLog(Struct):
    entries: list[_Start]
    version: str = ""
    creator: Creator = Creator()
    browser: Creator | None = None
    pages: list[Page] = []


class _StartHar(Struct):
    log: _StartLog


_STARTS = msgspec.json.Decoder(_StartHar)
_ENTRY = msgspec.json.Decoder(Entry)
_RAW = msgspec.json.Decoder(msgspec.Raw)
_WS = b" \t\r\n"
_TRAILING = re.compile(r"trailing characters \(byte (\d+)\)")
#: How much of the file one read of :meth:`LazyEntries._walk` takes (an entry longer than this: more).
CHUNK = 1 << 20
#: How much of the file :func:`open_first` reads for the ``log`` object's members before ``entries``.
HEAD = 1 << 20


class LazyEntries:
    """The capture's entries in file order; ``entries[i]`` reads and decodes entry ``i`` (raises a
    positioned :class:`HarError`)."""

    def __init__(self, path: Path, starts: array, array_at: int, *, counted: bool = True) -> None:
        self.name = str(path)
        self.path = path
        self.starts = starts
        """Every entry's ``startedDateTime`` as Unix seconds, in file order (:func:`open_first`: the first
        window's only)."""
        self.counted = counted
        """The whole file was checked and its entries counted (:func:`open_har`); else only the first
        window is known (:func:`open_first`, :meth:`LazyHar.confirm` checks the rest)."""
        self._offsets = array("q")  # of the entries walked so far
        self._lengths = array("q")
        self._next = array_at + 1  # where the walk goes on: just after the array's `[`
        self._end = False  # (not counted:) the walk met the array's `]`
        self._fh = open(path, "rb")  # noqa: SIM115 - held for the capture's life, closed by close()
        st = os.fstat(self._fh.fileno())
        self.stamp = (st.st_size, st.st_mtime_ns)
        self._finalizer = weakref.finalize(self, self._fh.close)

    def __len__(self) -> int:
        return len(self.starts)

    @overload
    def __getitem__(self, index: int) -> Entry: ...
    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...
    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self.starts)))]
        if not 0 <= index < len(self.starts):
            raise IndexError(index)
        return self._entry(index)

    def _entry(self, index: int) -> Entry:
        if index >= len(self._offsets):
            self._walk(index)
        offset, length = self._offsets[index], self._lengths[index]
        data = self._read(offset, length)
        try:
            entry = _ENTRY.decode(data)
        except msgspec.ValidationError as exc:
            message = str(exc)
        except msgspec.DecodeError:
            raise self._changed() from None
        else:
            return entry
        with mmap.mmap(self._fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            raise schema_error(self.name, buf, message, prefix=("log", "entries", index), part=(data, offset))

    def _ended(self, count: int) -> bool:
        """(Not counted:) the array holds no more than ``count`` entries."""
        try:
            self._walk(count)
        except IndexError:
            return True
        return False

    def _walk(self, index: int) -> None:
        """Find the entries up to ``index`` (and the rest of the chunk read): each one's end is where
        msgspec, decoding from its start, meets the next character (counted: the file is valid JSON, the
        first pass said so; not counted, :func:`open_first`: the walk checks the `,` between entries and
        stops at the array's `]`, an ``IndexError`` past it; what is not JSON past ``index`` is left for
        when it is asked for: the whole-file check comes later)."""
        pos = self._next
        while len(self._offsets) <= index:
            if self._end:
                raise IndexError(index)
            chunk = self._read(pos, min(CHUNK, self.stamp[0] - pos))
            at = 0
            while not self.counted or len(self._offsets) < len(self.starts):
                mark = at  # just after the last entry walked (or the array's `[`)
                while at < len(chunk) and chunk[at] in _WS:
                    at += 1
                if not self.counted and at < len(chunk) and chunk[at] == 0x5D:  # the array's `]`
                    self._end = True
                    at = mark
                    break
                comma = at < len(chunk) and chunk[at] == 0x2C  # the `,` between entries
                if comma:
                    at += 1
                    while at < len(chunk) and chunk[at] in _WS:
                        at += 1
                try:
                    if not self.counted and at < len(chunk) and comma != bool(self._offsets):
                        raise _Malformed("expected `,` between entries, and only there")
                    end = _value_end(chunk, at)
                except _Malformed:  # (counted: the first pass found the file valid JSON)
                    if self.counted:
                        raise self._changed() from None
                    if len(self._offsets) <= index:
                        raise
                    at = mark  # (past the entry asked for: the walk stops here, until asked for more)
                    break
                if end is None:  # the entry goes on past the chunk: read from its start, more if need be
                    if mark == 0 and len(chunk) == self.stamp[0] - pos:
                        raise self._changed()
                    if mark == 0:
                        chunk = self._read(pos, min(2 * len(chunk), self.stamp[0] - pos))
                        at = 0
                        continue
                    at = mark
                    break
                self._offsets.append(pos + at)
                self._lengths.append(end - at)
                at = end
            pos += at
            self._next = pos

    def _read(self, offset: int, length: int) -> bytes:
        st = os.fstat(self._fh.fileno())
        if (st.st_size, st.st_mtime_ns) != self.stamp:
            raise self._changed()
        self._fh.seek(offset)
        data = self._fh.read(length)
        if len(data) != length:
            raise self._changed()
        return data

    def _changed(self) -> HarError:
        return HarError(self.name, 1, 1, "the file changed since it was opened: open it again")

    def close(self) -> None:
        self._finalizer()


class _Malformed(ValueError):
    """Not JSON where a value should be (a file checked by :func:`open_har`: changed since)."""


def _value_end(chunk: bytes, at: int) -> int | None:
    """Where the JSON value at ``chunk[at:]`` ends (after it: whitespace, then `,` or `]`), or None when
    the chunk ends inside it."""
    with memoryview(chunk) as view:
        try:
            _RAW.decode(view[at:])
        except msgspec.DecodeError as exc:
            found = _TRAILING.search(str(exc))
            if found is None:
                if "truncated" not in str(exc):
                    raise _Malformed(str(exc)) from None
                return None  # truncated: the chunk ends inside the value
            end = at + int(found[1]) - 1  # msgspec counts the character it stopped at
        else:
            return None  # the value ends the chunk: its closer may be in the next one
    while end > at and chunk[end - 1] in _WS:
        end -= 1
    return end


@dataclass(frozen=True, slots=True)
class LazyLog:
    entries: LazyEntries
    version: str
    creator: Creator
    browser: Creator | None
    pages: list[Page]


@dataclass(slots=True)
class LazyHar:
    """A capture as :func:`open_har` read it: ``log`` like :class:`tutor.capture.har.Har`'s, the entries
    decoded on access, and their time order known."""

    log: LazyLog

    @property
    def counted(self) -> bool:
        """Checked whole, every entry counted (:func:`open_har`); else only the first window is known."""
        return self.log.entries.counted

    def order(self) -> list[int]:
        """The entries' indexes in time order (ties: file order), as :meth:`Har.order` (not counted: the
        first window's, in file order, which :func:`open_first` found in time order)."""
        starts = self.log.entries.starts
        return sorted(range(len(starts)), key=starts.__getitem__)  # a stable sort: ties keep file order

    def confirm(self) -> tuple[int, str | None]:
        """The whole-file check :func:`open_first` left for later (the same as :func:`open_har`'s; raises
        its positioned :class:`HarError`, ``OSError``): the number of entries, and ``None`` when the first
        window replayed from the file's order stands, else why it must be replayed again (an entry
        further on is earlier in time; the browser named after the entries). The capture is then as
        :func:`open_har` reads it: ``counted``, every date known, the ``log`` members the whole file's."""
        entries = self.log.entries
        name = entries.name
        with open(entries.path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if (st.st_size, st.st_mtime_ns) != entries.stamp:
                raise entries._changed()
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
                log, starts = _starts(name, buf)
        shown = entries.starts
        if not entries.counted and starts[: len(shown)] != shown:
            raise entries._changed()
        again = None
        if (log.creator, log.browser) != (self.log.creator, self.log.browser):
            again = "the capture names its browser after its entries"
        elif len(starts) > len(shown) and shown and min(starts[len(shown) :]) < shown[-1]:
            again = "the capture's entries are not in time order"
        entries.starts, entries.counted = starts, True
        self.log = LazyLog(entries, log.version, log.creator, log.browser, log.pages)
        return len(starts), again

    def close(self) -> None:
        self.log.entries.close()


def open_har(path: Path) -> LazyHar:
    """The capture in ``path``, checked as the module docstring says; raises :class:`HarError`
    (positioned) for a file that is not a HAR and ``OSError`` when it cannot be read."""
    name = str(path)
    with open(path, "rb") as fh:
        if fh.seek(0, 2) == 0:
            raise HarError(name, 1, 1, "the file is empty: expected a HAR (JSON with a `log` object)")
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            log, starts = _starts(name, buf)
            array_at = locate(buf, ["log", "entries"])
    entries = LazyEntries(path, starts, array_at)
    return LazyHar(LazyLog(entries, log.version, log.creator, log.browser, log.pages))


class _Doubt(Exception):  # noqa: N818 - not an error: open_first leaves the file to open_har
    """Something :func:`open_first` does not read on its own: the whole-file check says what."""


def open_first(path: Path, count: int) -> LazyHar:
    """The capture's first ``count`` entries in file order, for a first frame before the whole-file pass
    (browsers write entries in time order): reads the ``log`` object's members before ``entries``
    (``version``, ``creator``, ``browser``, ``pages``), then walks and decodes the first ``count``
    entries only (:class:`tutor.capture.har.Entry`: their shape and dates). The result is not
    ``counted``: :meth:`LazyHar.confirm` does the rest of :func:`open_har`'s check. Anything else (the
    log's members not found in the file's first megabyte, a syntax error, a bad entry or date, entries
    out of time order among the first ``count``, no more than ``count`` entries) is :func:`open_har`'s
    to read and report: its result, or its positioned error, exactly."""
    try:
        return _open_first(path, count)
    except _Doubt:
        return open_har(path)


def _open_first(path: Path, count: int) -> LazyHar:
    with open(path, "rb") as fh:
        head = fh.read(HEAD)
    try:
        members, array_at = _log_head(head)
        version = msgspec.json.decode(members.get("version", b'""'), type=str)
        creator = msgspec.json.decode(members.get("creator", b"{}"), type=Creator)
        browser = msgspec.json.decode(members.get("browser", b"null"), type=Creator | None)
        pages = msgspec.json.decode(members.get("pages", b"[]"), type=list[Page])
    except (msgspec.DecodeError, _Malformed):  # (ValidationError is a DecodeError)
        raise _Doubt from None
    entries = LazyEntries(path, array("d"), array_at, counted=False)
    try:
        last = float("-inf")
        for index in range(count):
            try:
                entry = entries._entry(index)
                at = parse_started(entry.startedDateTime)
            except (HarError, msgspec.DecodeError, _Malformed, ValueError, IndexError):
                raise _Doubt from None
            if at < last:
                raise _Doubt  # out of time order already: the whole file's dates say which come first
            entries.starts.append(at)
            last = at
        if entries._ended(count):  # no entry after them: the whole check costs no more than this did
            raise _Doubt
    except _Doubt:
        entries.close()
        raise
    return LazyHar(LazyLog(entries, version, creator, browser, pages))


def _log_head(head: bytes) -> tuple[dict[str, bytes], int]:
    """The ``log`` object's members before ``entries`` (as JSON text), and where ``entries``' ``[`` is."""
    pos = _ws(head, 0)
    if head[pos : pos + 1] != b"{":
        raise _Doubt
    pos += 1
    while True:  # the top-level object's members, up to "log"
        key, pos = _key(head, pos)
        if key == "log":
            break
        pos = _after(head, pos)
    if head[pos : pos + 1] != b"{":
        raise _Doubt
    pos += 1
    members: dict[str, bytes] = {}
    while True:
        key, pos = _key(head, pos)
        if key == "entries":
            if head[pos : pos + 1] != b"[" or key in members:
                raise _Doubt
            return members, pos
        end = _value_end(head, pos)
        if end is None or key in members:
            raise _Doubt
        members[key] = head[pos:end]
        pos = _after(head, end, skip=False)


def _ws(data: bytes, pos: int) -> int:
    while pos < len(data) and data[pos] in _WS:
        pos += 1
    return pos


def _key(data: bytes, pos: int) -> tuple[str, int]:
    """A member's key at ``pos`` (after whitespace) and where its value starts."""
    pos = _ws(data, pos)
    if data[pos : pos + 1] != b'"':
        raise _Doubt
    end = _value_end(data, pos)
    if end is None:
        raise _Doubt
    key = msgspec.json.decode(data[pos:end], type=str)
    pos = _ws(data, end)
    if data[pos : pos + 1] != b":":
        raise _Doubt
    return key, _ws(data, pos + 1)


def _after(data: bytes, pos: int, *, skip: bool = True) -> int:
    """Past the value at ``pos`` (``skip``) and the ``,`` after it (the object's end there: doubt)."""
    if skip:
        end = _value_end(data, pos)
        if end is None:
            raise _Doubt
        pos = end
    pos = _ws(data, pos)
    if data[pos : pos + 1] != b",":
        raise _Doubt  # (the closer, or anything else)
    return pos + 1


def _starts(name: str, buf: mmap.mmap) -> tuple[_StartLog, array]:
    try:
        log = _STARTS.decode(buf).log
    except msgspec.ValidationError as exc:
        raise schema_error(name, buf, str(exc)) from None
    except msgspec.DecodeError as exc:
        raise _syntax_error(name, buf, str(exc)) from None
    if len(log.entries) > MAX_ENTRIES:
        raise HarError(name, 1, 1, f"{len(log.entries)} entries, more than {MAX_ENTRIES}")
    starts = array("d")
    for i, entry in enumerate(log.entries):
        try:
            starts.append(parse_started(entry.startedDateTime))
        except ValueError:
            line, col = line_col(buf, locate(buf, ["log", "entries", i, "startedDateTime"]))
            raise HarError(
                name, line, col, f"startedDateTime {entry.startedDateTime!r} is not an ISO 8601 date"
            ) from None
    log.entries.clear()
    return log, starts


__all__ = ["CHUNK", "LazyEntries", "LazyHar", "LazyLog", "open_first", "open_har"]
