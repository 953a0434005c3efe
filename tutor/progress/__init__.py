"""The progress store: steps reached, answers, test scores, challenge runs and review cards, kept in SQLite.

Where: ``$TUTOR_HOME/progress.sqlite3`` when ``TUTOR_HOME`` is set, else
``platformdirs.user_data_dir("session-tutor")/progress.sqlite3``.

Durability:

* ``journal_mode=WAL``: readers never block the writer, so two app instances can run at once.
* ``synchronous=FULL``: every commit is fsynced to the WAL before it returns, so an answer the app has
  confirmed survives a crash *and* a power loss. (``NORMAL`` would survive a process crash but could lose
  the last commits on power loss.) One fsync per answer is nothing at human answering speed.
* Each ``record_*`` call is one committed transaction (the connection runs in autocommit mode).
* ``busy_timeout``: a writer that finds the database locked by another instance waits instead of failing.
* The schema version lives in ``PRAGMA user_version``. An older file is upgraded in place when it is
  opened, one step at a time (:data:`_MIGRATIONS`), inside the same transaction that checks it: the
  upgrade happens completely or not at all, and nothing recorded is dropped. A new file is created at
  version 1 and migrated the same way, so new and upgraded files always have the same schema.

A file that is not a SQLite database, fails ``PRAGMA quick_check`` or carries tables this version does not
know is moved aside to ``progress.sqlite3.corrupt-<n>`` (never deleted), a fresh database is started
and :attr:`ProgressStore.notice` says so in one line. A file with a *newer* schema is not corrupt (a newer
Session Tutor may be writing it right now): it is opened read-only, :attr:`ProgressStore.readonly` is set,
the notice says why, and recording raises :class:`ProgressError`. Anything that still goes wrong (an
unwritable folder, a full disk) raises :class:`ProgressError` with a one-line message callers can show.

Privacy: the folder is created ``0700`` and the database ``0600`` (SQLite gives its ``-wal``/``-shm``
files the database's mode); an existing database of this user that others could read is made ``0600``.
``ProgressStore.open(readonly=True)`` (``tutor progress`` when the folder cannot be written) never
creates or changes a file: a missing database reads as empty.

The package: ``schema`` (the scripts, ``_MIGRATIONS``, the ``sqlite_master`` check), ``file`` (where the
file is, opening, read-only viewing, moving aside, permissions, ``trusted_schema``), ``records`` (the
record types and the read-back checks, :class:`BadRow`), ``connection`` (the connection, its lock, the one
error policy of reads and writes, the rows read back checked), ``review_cards`` (the cards and their logs),
``store`` (:class:`ProgressStore`: opening, recording, reading); ``errors`` (:class:`ProgressError`). Everything callers use is imported from ``tutor.progress``.
"""

from __future__ import annotations

from tutor.progress.errors import ProgressError
from tutor.progress.file import APP_NAME, BUSY_TIMEOUT_MS, FILENAME, default_path
from tutor.progress.records import (
    MAX_TIME,
    AnswerRecord,
    AttemptRecord,
    BadRow,
    CardChange,
    CardRecord,
    ChallengeRecord,
    LessonProgress,
    ReviewLogRecord,
    TestRecord,
    best_runs,
)
from tutor.progress.schema import _MIGRATIONS as _MIGRATIONS  # the upgrade tests patch one step
from tutor.progress.schema import SCHEMA_VERSION
from tutor.progress.store import ProgressStore

__all__ = [
    "APP_NAME",
    "BUSY_TIMEOUT_MS",
    "FILENAME",
    "MAX_TIME",
    "AnswerRecord",
    "BadRow",
    "AttemptRecord",
    "CardChange",
    "CardRecord",
    "ChallengeRecord",
    "LessonProgress",
    "ProgressError",
    "ProgressStore",
    "ReviewLogRecord",
    "SCHEMA_VERSION",
    "TestRecord",
    "best_runs",
    "default_path",
]
