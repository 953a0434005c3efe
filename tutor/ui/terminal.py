"""Whether the app can run here: a full-screen app needs a real, capable terminal.

Without one (``TERM=dumb``, input or output redirected, as in `tutor > file` or under cron) Textual would
write escape codes into the file and wait for keys that never come. `tutor` and `tutor open` refuse at
once instead. `tutor serve` runs the app with Textual's web driver (``TEXTUAL_DRIVER``), and tests run
it headless under Pilot: neither needs a terminal.
"""

from __future__ import annotations

import os
import sys

MESSAGE = "tutor needs an interactive terminal{why}; try `tutor show LESSON`"


def terminal_problem() -> str | None:
    """Why the app cannot run in this process's terminal, or ``None`` when it can."""
    if os.environ.get("TEXTUAL_DRIVER"):  # textual-serve's web driver (or another the user chose)
        return None
    if os.environ.get("TERM", "") == "dumb":
        return MESSAGE.format(why=" (TERM=dumb)")
    for name in ("stdin", "stdout", "stderr"):
        stream = getattr(sys, f"__{name}__", None)
        try:
            tty = stream is not None and stream.isatty()
        except (ValueError, OSError):  # closed
            tty = False
        if not tty:
            return MESSAGE.format(why=f" ({name} is not a terminal)")
    return None


__all__ = ["MESSAGE", "terminal_problem"]
