"""The engine's limits: how big a run may get, so hostile input ends in a clear error, never in a
``MemoryError`` or a machine swapping for minutes.

Lessons play 5 to 40 events with 2 to 4 browsers; the limits leave ample room above that (and above
the benchmark's 100,000-event scenario) while keeping the worst case small: the trace stores per step
only what changed (see ``tutor/engine/trace.py``), so memory grows with steps × changes, and these
caps bound both.

- :data:`MAX_BROWSERS` browsers in one run (``as:``, ``steal.to``, ``xss.to`` create them);
- :data:`MAX_EVENTS` events in one scenario or one playground session;
- :data:`MAX_STEPS` trace steps (an event records at most about ten);
- :data:`MAX_OUTPUT_BYTES` bytes of ``tutor simulate --format json`` output (every step lists every
  variable, so this is what grows with browsers × steps; the table is one line or so per step).

:func:`~tutor.engine.check_scenario` reports a scenario over the browser or event limit as a problem at
the event that crosses it (so ``tutor check`` / ``tutor simulate`` print ``FILE:LINE:COL``); the running
:class:`~tutor.engine.Simulation` raises :class:`LimitExceeded` (a ``ValueError``) for the same limits and
for the step limit, naming the event.
"""

from __future__ import annotations

#: Browsers one run may have (the default ``browser`` included).
MAX_BROWSERS = 1_000
#: Events one scenario (or one playground session) may play.
MAX_EVENTS = 100_000
#: Steps one trace may have.
MAX_STEPS = 1_000_000
#: Bytes ``tutor simulate --format json`` may print; more is refused before anything is written.
MAX_OUTPUT_BYTES = 256 * 1024 * 1024


class LimitExceeded(ValueError):
    """A run went over one of the limits. ``event`` is the 0-based index of the event being played
    (``None`` when not known); ``field`` the key of that event that crossed it (``as``, ``steal.to``)."""

    def __init__(self, message: str, event: int | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.event = event
        self.field = field


__all__ = ["LimitExceeded", "MAX_BROWSERS", "MAX_EVENTS", "MAX_OUTPUT_BYTES", "MAX_STEPS"]
