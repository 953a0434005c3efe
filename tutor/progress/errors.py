"""The progress store's errors: :class:`ProgressError` (one line to show), and the internal signals
that a file must be moved aside (``_Corrupt``) or opened read-only (``_Newer``)."""

from __future__ import annotations

import sqlite3

_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


class ProgressError(Exception):
    """The progress store cannot be used; ``str(error)`` is one line to show the user."""


class _Corrupt(Exception):
    """Internal: the file must be moved aside (the message says why)."""


class _Newer(Exception):
    """Internal: the file carries a newer schema (args[0]: its version); open it read-only, never move it."""


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())


def _errorcode(exc: sqlite3.Error) -> int:
    return int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def _is_corruption(exc: sqlite3.Error) -> bool:
    if _errorcode(exc) in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return True
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text
