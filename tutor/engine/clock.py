"""The virtual clock and durations.

Time in the engine is a whole number of seconds since the scenario started (``0``). Nothing reads the
wall clock, so the same scenario always gives the same trace.

Durations are written ``90s``, ``31m``, ``2h``, ``7d`` or combined (``1h30m``).
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Seconds per duration unit.
UNITS: dict[str, int] = {"d": 86400, "h": 3600, "m": 60, "s": 1}

_DURATION = re.compile(r"(?:[0-9]+[smhd])+")
_PART = re.compile(r"([0-9]+)([smhd])")


def parse_duration(text: str) -> int:
    """``"1h30m"`` → ``5400``. Raises :class:`ValueError` with a one-line message on bad input."""
    if isinstance(text, str):
        return _parse_duration(text)  # memoized: scenarios repeat the same few durations
    return _parse_duration_uncached(text)


@lru_cache(maxsize=1024)
def _parse_duration(text: str) -> int:
    return _parse_duration_uncached(text)


def _parse_duration_uncached(text: str) -> int:
    if not isinstance(text, str) or not _DURATION.fullmatch(text):
        raise ValueError(
            f"invalid duration {text!r}: expected a number and a unit (s, m, h, d), e.g. 90s, 31m, 2h, 7d or 1h30m"
        )
    return sum(int(n) * UNITS[unit] for n, unit in _PART.findall(text))


def parse_optional_duration(text: str) -> int | None:
    """Like :func:`parse_duration`, but ``"none"`` (the limit is off) gives ``None``."""
    if text == "none":
        return None
    return parse_duration(text)


@lru_cache(maxsize=4096)
def format_duration(seconds: int) -> str:
    """``5400`` → ``"1h30m"``, ``0`` → ``"0s"``. Negative durations get a leading ``-``."""
    if seconds < 0:
        return "-" + format_duration(-seconds)
    if seconds == 0:
        return "0s"
    parts = []
    for unit, size in UNITS.items():
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


@lru_cache(maxsize=4096)
def format_clock(seconds: int) -> str:
    """A point on the virtual clock as shown to learners: ``+0s``, ``+31m``, ``+1d2h``."""
    return ("+" if seconds >= 0 else "") + format_duration(seconds)


def parse_clock(text: str) -> int:
    """The inverse of :func:`format_clock`: ``"+31m"`` → ``1860``."""
    body = text[1:] if text.startswith("+") else text
    if body.startswith("-"):
        return -parse_duration(body[1:])
    return parse_duration(body)


class VirtualClock:
    """Integer seconds from 0; moves only when told to."""

    __slots__ = ("now", "display")

    def __init__(self, start: int = 0) -> None:
        self.now = start
        self.display = format_clock(start)
        """``+31m``: kept up to date by :meth:`advance`."""

    def advance(self, seconds: int) -> int:
        if seconds < 0:
            raise ValueError("the clock cannot go backwards")
        self.now += seconds
        self.display = format_clock(self.now)
        return self.now

    def __repr__(self) -> str:
        return f"VirtualClock({self.display})"


__all__ = [
    "UNITS",
    "VirtualClock",
    "format_clock",
    "format_duration",
    "parse_clock",
    "parse_duration",
    "parse_optional_duration",
]
