"""The SQLite progress store (tutor/progress/store.py); split into its modules in the next commit."""

from __future__ import annotations

from tutor.progress.store import *  # noqa: F403
from tutor.progress.store import __all__ as __all__
from tutor.progress.store import _MIGRATIONS as _MIGRATIONS
from tutor.progress.store import APP_NAME as APP_NAME
from tutor.progress.store import BUSY_TIMEOUT_MS as BUSY_TIMEOUT_MS
from tutor.progress.store import FILENAME as FILENAME
from tutor.progress.store import MAX_TIME as MAX_TIME
