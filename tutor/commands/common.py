"""What every `tutor` command prints, in one convention (see docs/cli-errors.md).

- Normal output goes to stdout through :func:`out` (text) or :func:`out_json` (JSON).
- A problem in a file is ``FILE:LINE:COL: error: message`` (:func:`problems`); any other problem is
  ``tutor COMMAND: error: message`` (:func:`error`); both may be followed by ``hint: ...`` lines; both go to
  stderr and give exit code 1. Usage errors are argparse's (exit 2).
- All text passes through :func:`tutor.lesson.visible.visible` on the way out, so nothing from a lesson
  or scenario file (or a file name) can put an escape sequence on the terminal. A test checks that the
  commands print only through this module.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from tutor.lesson.visible import dumps, visible

#: Exit codes: 0 ok, 1 bad input or a failed check, 2 a usage error (argparse's own).
OK, FAILED, USAGE = 0, 1, 2


def out(text: str = "", *, end: str = "\n") -> None:
    """A line (or lines) of normal output on stdout."""
    sys.stdout.write(visible(text) + end)


def out_json(value: Any) -> None:
    """``value`` as indented JSON on stdout (hidden characters escaped, values exact)."""
    sys.stdout.write(dumps(value) + "\n")


def note(text: str) -> None:
    """A line for the person on stderr that is not an error (a notice, a confirmation)."""
    sys.stderr.write(visible(text) + "\n")
    sys.stderr.flush()


def error(command: str, message: str, *hints: str) -> int:
    """``tutor COMMAND: error: MESSAGE`` and ``hint: ...`` lines on stderr; returns exit code 1."""
    prefix = f"tutor {command}" if command else "tutor"
    lines = [f"{prefix}: error: {message}", *(f"hint: {hint}" for hint in hints)]
    sys.stderr.write(visible("\n".join(lines)) + "\n")
    return FAILED


def problems(found: Iterable[Any]) -> int:
    """Each problem as ``FILE:LINE:COL: error: ...`` (and its hint) on stderr; returns exit code 1."""
    text = "\n".join(str(p) for p in found)
    if text:
        sys.stderr.write(visible(text) + "\n")
    return FAILED


def prompt(question: str) -> None:
    """A question on stdout without a newline (the answer is read from stdin)."""
    sys.stdout.write(visible(question))
    sys.stdout.flush()


__all__ = ["FAILED", "OK", "USAGE", "error", "note", "out", "out_json", "problems", "prompt"]


def read_capture(command: str, args: Any) -> tuple[Any, int | None]:
    """`tutor show` on a HAR file: (the capture checked whole and replayed, None), or (None, the exit code
    after its one error line). The options are the capture's (--browser, --third-party, --session-cookie,
    --show-values)."""
    from pathlib import Path

    from tutor.capture.har import HarError
    from tutor.capture.load import load_capture

    path = Path(args.lesson)
    try:
        return load_capture(path, **capture_options(args)), None
    except (HarError, OSError) as exc:
        return None, capture_failed(command, path, exc)


def capture_options(args: Any) -> dict[str, Any]:
    """The capture's options of a command's arguments, as :func:`tutor.capture.load.load_capture` takes them."""
    return {
        "kind": args.browser,
        "third_party": getattr(args, "third_party", None),
        "session_cookie": args.session_cookie,
        "show_values": args.show_values,
    }


def capture_failed(command: str, path: Any, exc: Exception) -> int:
    """A capture that could not be read (``HarError``: its positioned line; ``OSError``): the exit code."""
    from tutor.capture.har import HarError

    if isinstance(exc, HarError):
        return problems([exc])
    return error(command, f"{path}: {getattr(exc, 'strerror', None) or exc}")
