"""A HAR capture read lazily (issue 20: a 20,000-entry, 200 MB capture opens as fast as a lesson).

:func:`open_har` checks up front, in one pass of msgspec over the memory-mapped file with each entry kept
as :class:`msgspec.Raw` (a view, not a copy): the whole file's JSON syntax, the ``log`` object and its
``entries`` array, ``version`` / ``creator`` / ``browser`` / ``pages``, the number of entries, and every
entry's ``startedDateTime`` (a string, an ISO 8601 date: the replay needs them all for the time order).
It then keeps only each entry's byte offset and length and closes the map; an entry is read and decoded
(:class:`tutor.capture.har.Entry`, bodies not declared) when the replay reaches it, so a bad request or
response late in the file is reported, positioned as :func:`tutor.capture.har.read_har` would, when its
window is replayed (`tutor show` replays them all before it prints anything).

The file stays open (read by offset); if it is changed in place while open, the next read says so.
"""

from __future__ import annotations

import mmap
import os
import weakref
from array import array
from dataclasses import dataclass
from pathlib import Path

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
    syntax_error,
)


class _RawLog(Struct):
    entries: list[msgspec.Raw]
    version: str = ""
    creator: Creator = Creator()
    browser: Creator | None = None
    pages: list[Page] = []


class _RawHar(Struct):
    log: _RawLog


class _Start(Struct):
    startedDateTime: str  # noqa: N815 - the HAR's own field name


_SKELETON = msgspec.json.Decoder(_RawHar)
_START = msgspec.json.Decoder(_Start)
_ENTRY = msgspec.json.Decoder(Entry)
_WS = b" \t\r\n"


class LazyEntries:
    """The capture's entries in file order; ``entries[i]`` reads and decodes entry ``i`` (raises a
    positioned :class:`HarError`)."""

    def __init__(self, path: Path, offsets: array, lengths: array) -> None:
        self.name = str(path)
        self._offsets = offsets
        self._lengths = lengths
        self._fh = open(path, "rb")  # noqa: SIM115 - held for the capture's life, closed by close()
        st = os.fstat(self._fh.fileno())
        self._stamp = (st.st_size, st.st_mtime_ns)
        self._finalizer = weakref.finalize(self, self._fh.close)

    def __len__(self) -> int:
        return len(self._offsets)

    def __getitem__(self, index: int) -> Entry:
        offset, length = self._offsets[index], self._lengths[index]
        data = self._read(offset, length)
        try:
            return _ENTRY.decode(data)
        except msgspec.ValidationError as exc:
            message = str(exc)
        except msgspec.DecodeError:
            raise self._changed() from None
        with mmap.mmap(self._fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            raise schema_error(self.name, buf, message, prefix=("log", "entries", index), part=(data, offset))

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
    starts: array
    """Every entry's ``startedDateTime`` as Unix seconds, in file order."""

    def order(self) -> list[int]:
        """The entries' indexes in time order (ties: file order), as :meth:`Har.order`."""
        starts = self.starts
        return sorted(range(len(starts)), key=lambda i: (starts[i], i))

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
            log, offsets, lengths, starts = _index(name, buf)
    entries = LazyEntries(path, offsets, lengths)
    return LazyHar(LazyLog(entries, log.version, log.creator, log.browser, log.pages), starts)


def _index(name: str, buf: mmap.mmap) -> tuple[_RawLog, array, array, array]:
    try:
        skeleton = _SKELETON.decode(buf)
    except msgspec.ValidationError as exc:
        raise schema_error(name, buf, str(exc)) from None
    except msgspec.DecodeError as exc:
        raise syntax_error(name, buf, str(exc)) from None
    raws = skeleton.log.entries
    log = _RawLog([], skeleton.log.version, skeleton.log.creator, skeleton.log.browser, skeleton.log.pages)
    del skeleton
    if len(raws) > MAX_ENTRIES:
        raise HarError(name, 1, 1, f"{len(raws)} entries, more than {MAX_ENTRIES}")
    offsets, lengths, starts = array("q"), array("q"), array("d")
    failed: tuple[int, int, bytes, str | None] | None = None  # entry, offset, its bytes, msgspec's message
    # the entries lie in the array one after another, separated by a comma and whitespace (the JSON is valid)
    pos = locate(buf, ["log", "entries"]) + 1
    end = len(buf)
    for i in range(len(raws)):
        with memoryview(raws[i]) as view:
            length = len(view)
            while pos < end and (buf[pos] in _WS or buf[pos] == 44):  # 44: ","
                pos += 1
            if buf[pos : pos + 1] != view[:1]:  # not where expected: find it by walking the path
                pos = locate(buf, ["log", "entries", i])
            offsets.append(pos)
            lengths.append(length)
            try:
                starts.append(parse_started(_START.decode(view).startedDateTime))
            except msgspec.ValidationError as exc:
                failed = (i, pos, view.tobytes(), str(exc))
            except ValueError:
                failed = (i, pos, view.tobytes(), None)
        if failed:
            break
        pos += length
    raws.clear()  # the Raw views hold the map open: gone before it is closed
    if failed is None:
        return log, offsets, lengths, starts
    i, at, data, message = failed
    if message is not None:
        raise schema_error(name, buf, message, prefix=("log", "entries", i), part=(data, at))
    line, col = line_col(buf, at + locate(data, ["startedDateTime"]))
    text = _START.decode(data).startedDateTime
    raise HarError(name, line, col, f"startedDateTime {text!r} is not an ISO 8601 date")


__all__ = ["LazyEntries", "LazyHar", "LazyLog", "open_har"]
