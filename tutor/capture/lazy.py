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


class LazyEntries:
    """The capture's entries in file order; ``entries[i]`` reads and decodes entry ``i`` (raises a
    positioned :class:`HarError`)."""

    def __init__(self, path: Path, starts: array, array_at: int) -> None:
        self.name = str(path)
        self.starts = starts
        """Every entry's ``startedDateTime`` as Unix seconds, in file order."""
        self._offsets = array("q")  # of the entries walked so far
        self._lengths = array("q")
        self._next = array_at + 1  # where the walk goes on: just after the array's `[`
        self._fh = open(path, "rb")  # noqa: SIM115 - held for the capture's life, closed by close()
        st = os.fstat(self._fh.fileno())
        self._stamp = (st.st_size, st.st_mtime_ns)
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

    def _walk(self, index: int) -> None:
        """Find the entries up to ``index`` (and the rest of the chunk read): each one's end is where
        msgspec, decoding from its start, meets the next character (the file is valid JSON: the first
        pass said so)."""
        pos = self._next
        while len(self._offsets) <= index:
            chunk = self._read(pos, min(CHUNK, self._stamp[0] - pos))
            at = 0
            while len(self._offsets) < len(self.starts):
                while at < len(chunk) and chunk[at] in _WS:
                    at += 1
                if at < len(chunk) and chunk[at] == 0x2C:  # the `,` between entries
                    at += 1
                    while at < len(chunk) and chunk[at] in _WS:
                        at += 1
                end = _value_end(chunk, at)
                if end is None:  # the entry goes on past the chunk: read from its start, more if need be
                    if at == 0 and len(chunk) == self._stamp[0] - pos:
                        raise self._changed()
                    if at == 0:
                        chunk = self._read(pos, min(2 * len(chunk), self._stamp[0] - pos))
                        continue
                    break
                self._offsets.append(pos + at)
                self._lengths.append(end - at)
                at = end
            pos += at
        self._next = pos

    def _read(self, offset: int, length: int) -> bytes:
        st = os.fstat(self._fh.fileno())
        if (st.st_size, st.st_mtime_ns) != self._stamp:
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


def _value_end(chunk: bytes, at: int) -> int | None:
    """Where the JSON value at ``chunk[at:]`` ends (after it: whitespace, then `,` or `]`), or None when
    the chunk ends inside it."""
    with memoryview(chunk) as view:
        try:
            _RAW.decode(view[at:])
        except msgspec.DecodeError as exc:
            found = _TRAILING.search(str(exc))
            if found is None:
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


@dataclass(frozen=True, slots=True)
class LazyHar:
    """A capture as :func:`open_har` read it: ``log`` like :class:`tutor.capture.har.Har`'s, the entries
    decoded on access, and their time order known."""

    log: LazyLog

    def order(self) -> list[int]:
        """The entries' indexes in time order (ties: file order), as :meth:`Har.order`."""
        starts = self.log.entries.starts
        return sorted(range(len(starts)), key=starts.__getitem__)  # a stable sort: ties keep file order

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


__all__ = ["CHUNK", "LazyEntries", "LazyHar", "LazyLog", "open_har"]
