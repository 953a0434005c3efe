"""Reading a HAR 1.2 file (http://www.softwareishard.com/blog/har-12-spec/) with msgspec.

Only what the walkthrough needs is declared; every other field is ignored at decode, and the bodies
(``request.postData``, ``response.content.text``) are not declared at all, so they are never kept (a
200 MB capture is mostly bodies). The file is memory-mapped, so the raw bytes are not copied to the heap.

Browser differences handled here: Chrome's ``_resourceType`` and ``_initiator`` (DevTools, Playwright's
Chromium), its ``_fromCache`` (DevTools), ``_transferSize`` and a failed request's ``_failureText``
(Playwright) / ``_error`` (DevTools), Firefox's exports (no ``_resourceType``; several ``Set-Cookie`` lines joined by a newline in one
header), missing or negative (``-1``) timings, HTTP/2 pseudo-headers (``:authority``, ``:path``), header
names in any case, and ``cookies`` arrays where the raw headers were left out.

A file that is not a HAR gives one :class:`HarError` with the line and column of the problem: the byte
offset of a JSON syntax error, or, for a value of the wrong type, the position of the value that msgspec's
path (``$.log.entries[3].request``) names, found by :func:`locate` scanning only down that path.
"""

from __future__ import annotations

import mmap
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import msgspec
from msgspec import Struct, field

#: The most entries a capture may have (bounded memory; a 20,000-entry capture is well inside).
MAX_ENTRIES = 200_000


class NameValue(Struct, frozen=True):
    name: str
    value: str = ""


class HarCookie(Struct, frozen=True):
    name: str
    value: str = ""
    path: str | None = None
    domain: str | None = None
    expires: str | None = None
    httpOnly: bool | None = None  # noqa: N815 - the HAR's own field name
    secure: bool | None = None
    sameSite: str | None = None  # noqa: N815


class Request(Struct, frozen=True):
    method: str
    url: str
    httpVersion: str = ""  # noqa: N815
    headers: list[NameValue] = []
    cookies: list[HarCookie] = []


class Response(Struct, frozen=True):
    status: int
    statusText: str = ""  # noqa: N815
    httpVersion: str = ""  # noqa: N815
    headers: list[NameValue] = []
    cookies: list[HarCookie] = []
    redirectURL: str = ""  # noqa: N815
    transfer_size: float | None = field(default=None, name="_transferSize")
    """Chromium's bytes over the network, headers included (DevTools' HARLog ``request.transferSize``,
    Playwright's harTracer ``sizes.transferSize``; Playwright leaves ``-1`` until the request finished)."""
    failure_text: str | None = field(default=None, name="_failureText")
    """Playwright's harTracer: why the request failed, in the browser's words (``net::ERR_ABORTED``)."""
    error: str | None = field(default=None, name="_error")
    """DevTools' HARLog: the same (``localizedFailDescription``), ``null`` for a request that did not fail."""


class Initiator(Struct, frozen=True):
    type: str = ""
    url: str | None = None


class Entry(Struct, frozen=True):
    startedDateTime: str  # noqa: N815
    request: Request
    response: Response
    time: float | None = None
    pageref: str | None = None
    resource_type: str | None = field(default=None, name="_resourceType")
    initiator: Initiator | None = field(default=None, name="_initiator")
    from_cache: str | None = field(default=None, name="_fromCache")
    """DevTools' HARLog: ``memory`` or ``disk`` for a response served from that cache, absent otherwise
    (Playwright writes no such field; both write an empty ``cache`` object, so it is not read)."""


class Creator(Struct, frozen=True):
    name: str = ""
    version: str = ""


class Page(Struct, frozen=True):
    id: str = ""
    title: str = ""


class Log(Struct, frozen=True):
    entries: list[Entry]
    version: str = ""
    creator: Creator = Creator()
    browser: Creator | None = None
    pages: list[Page] = []


class Har(Struct, frozen=True):
    log: Log

    def order(self) -> list[int]:
        """The entries' indexes in time order (ties: file order)."""
        entries = self.log.entries
        return sorted(range(len(entries)), key=lambda i: (started(entries[i]), i))


@dataclass(frozen=True, slots=True)
class HarError(Exception):
    """One positioned problem: ``FILE:LINE:COL: error: MESSAGE``."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: error: {self.message}"


def header_values(headers: list[NameValue], name: str) -> list[str]:
    """Every value of header ``name`` (any case); a value holding several lines (Firefox joins
    repeated ``Set-Cookie`` headers with a newline) counts as one value per line."""
    lowered = name.lower()
    out: list[str] = []
    for h in headers:
        if h.name.lower() == lowered:
            out.extend(line for line in h.value.split("\n") if line.strip())
    return out


def started(entry: Entry) -> float:
    """An entry's start as Unix seconds (``startedDateTime`` is ISO 8601; ``Z`` and offsets both)."""
    return parse_started(entry.startedDateTime)


def parse_started(text: str) -> float:
    """A ``startedDateTime`` as Unix seconds; raises ``ValueError`` for a text that is not ISO 8601."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def read_har(path: Path) -> Har:
    """The capture in ``path``; raises :class:`HarError` (positioned) for a file that is not a HAR and
    ``OSError`` when it cannot be read."""
    name = str(path)
    with open(path, "rb") as fh:
        size = fh.seek(0, 2)
        if size == 0:
            raise HarError(name, 1, 1, "the file is empty: expected a HAR (JSON with a `log` object)")
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            try:
                har = msgspec.json.decode(buf, type=Har)
            except msgspec.ValidationError as exc:
                raise schema_error(name, buf, str(exc)) from None
            except msgspec.DecodeError as exc:
                raise syntax_error(name, buf, str(exc)) from None
            for i, entry in enumerate(har.log.entries):
                try:
                    started(entry)
                except ValueError:
                    offset = locate(buf, ["log", "entries", i, "startedDateTime"])
                    line, col = line_col(buf, offset)
                    raise HarError(
                        name, line, col, f"startedDateTime {entry.startedDateTime!r} is not an ISO 8601 date"
                    ) from None
    if len(har.log.entries) > MAX_ENTRIES:
        raise HarError(name, 1, 1, f"{len(har.log.entries)} entries, more than {MAX_ENTRIES}")
    return har


_BYTE = re.compile(r"\(byte (\d+)\)")
_AT = re.compile(r" - at `(\$[^`]*)`$")
_PART = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def syntax_error(name: str, buf: mmap.mmap | bytes, message: str) -> HarError:
    """msgspec's decode ``message`` (a JSON syntax error) as a positioned problem."""
    if "truncated" in message:
        line, col = line_col(buf, len(buf))
        return HarError(name, line, col, "the file ends too early (truncated JSON): not a whole HAR")
    found = _BYTE.search(message)
    offset = int(found[1]) if found else 0
    line, col = line_col(buf, offset)
    text = message.removeprefix("JSON is malformed: ")
    text = _BYTE.sub("", text).strip()
    return HarError(name, line, col, f"not JSON: {text}")


def schema_error(
    name: str,
    buf: mmap.mmap | bytes,
    message: str,
    *,
    prefix: tuple[str | int, ...] = (),
    part: tuple[bytes, int] | None = None,
) -> HarError:
    """msgspec's validation ``message`` as a positioned problem. ``part``: the value was decoded alone
    (one entry: its bytes and their offset in ``buf``), its path under ``prefix``."""
    found = _AT.search(message)
    where: list[str | int] = []
    if found:
        where = [int(i) if i else k for k, i in _PART.findall(found[1][1:])]
        message = message[: found.start()]
    offset = locate(buf, where) if part is None else part[1] + locate(part[0], where)
    line, col = line_col(buf, offset)
    shown = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in (*prefix, *where))
    return HarError(name, line, col, f"not a HAR: {message} (at {shown})")


# -- positions ------------------------------------------------------------------------------------------
_WS = re.compile(rb"[ \t\r\n]*")
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(rb"[^,\]}\s]*")
_STRUCTURAL = re.compile(rb'["\[\]{}]')


def _skip_ws(buf: mmap.mmap | bytes, pos: int) -> int:
    m = _WS.match(buf, pos)
    return m.end() if m else pos


def _skip_value(buf: mmap.mmap | bytes, pos: int) -> int:
    """The offset just after the JSON value at ``pos`` (the file is known to be valid JSON here)."""
    first = buf[pos : pos + 1]
    if first == b'"':
        m = _STRING.match(buf, pos)
        return m.end() if m else len(buf)
    if first not in (b"{", b"["):
        m = _SCALAR.match(buf, pos)
        return m.end() if m else pos
    depth = 0
    while True:
        m = _STRUCTURAL.search(buf, pos)
        if m is None:
            return len(buf)
        ch = m.group()
        if ch == b'"':
            s = _STRING.match(buf, m.start())
            pos = s.end() if s else len(buf)
            continue
        depth += 1 if ch in (b"{", b"[") else -1
        pos = m.end()
        if depth == 0:
            return pos


def locate(buf: mmap.mmap | bytes, where: list[str | int]) -> int:
    """The byte offset of the value at the path ``where`` (keys and list indexes) in valid JSON, or of
    the deepest container on the way that has no such member (a missing field is reported there)."""
    pos = _skip_ws(buf, 0)
    for part in where:
        opening = buf[pos : pos + 1]
        if isinstance(part, int) and opening == b"[":
            cur = _skip_ws(buf, pos + 1)
            for _ in range(part):
                cur = _skip_ws(buf, _skip_value(buf, cur))
                if buf[cur : cur + 1] != b",":
                    return pos
                cur = _skip_ws(buf, cur + 1)
            pos = cur
        elif isinstance(part, str) and opening == b"{":
            cur = _skip_ws(buf, pos + 1)
            target = msgspec.json.encode(part)
            while buf[cur : cur + 1] == b'"':
                key_end = _skip_value(buf, cur)
                key = buf[cur:key_end]
                cur = _skip_ws(buf, key_end)
                cur = _skip_ws(buf, cur + 1)  # the ':'
                if key == target or msgspec.json.decode(key) == part:
                    break
                cur = _skip_ws(buf, _skip_value(buf, cur))
                if buf[cur : cur + 1] == b",":
                    cur = _skip_ws(buf, cur + 1)
            else:
                return pos
            pos = cur
        else:
            return pos
    return pos


def line_col(buf: mmap.mmap | bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset, counted a megabyte at a time."""
    offset = max(0, min(offset, len(buf)))
    view = memoryview(buf)
    try:
        lines = 0
        chunk = 1 << 20
        for start in range(0, offset, chunk):
            lines += view[start : min(offset, start + chunk)].tobytes().count(b"\n")
        line_start = buf.rfind(b"\n", 0, offset) + 1
        column = len(view[line_start:offset].tobytes().decode("utf-8", "replace")) + 1
    finally:
        view.release()
    return lines + 1, column


__all__ = [
    "Entry",
    "Har",
    "HarCookie",
    "HarError",
    "Initiator",
    "Log",
    "NameValue",
    "Request",
    "Response",
    "header_values",
    "line_col",
    "locate",
    "parse_started",
    "read_har",
    "schema_error",
    "started",
    "syntax_error",
]
