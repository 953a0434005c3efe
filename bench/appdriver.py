"""Getting the real `TutorApp` for an in-process Pilot run, exactly as the command line builds it.

:func:`app_for` runs ``tutor.cli.main(argv)`` with ``App.run`` replaced by a function that only keeps the
app, so the benchmark (and the hardening tests) drive the very object `tutor open ...` would have run,
whatever its constructor looks like.
"""

from __future__ import annotations

from typing import Any

from textual.app import App


class NoAppError(RuntimeError):
    """The command returned without starting an app (bad arguments, or a lesson that failed to load)."""


def app_for(argv: list[str]) -> App[Any]:
    from tutor.cli import main

    captured: list[App[Any]] = []
    original = App.run

    def keep(self: App[Any], *args: Any, **kwargs: Any) -> None:
        captured.append(self)
        return None

    App.run = keep  # type: ignore[method-assign]
    try:
        code = main(argv)
    finally:
        App.run = original  # type: ignore[method-assign]
    if not captured:
        raise NoAppError(f"`tutor {' '.join(argv)}` exited {code} without starting the app")
    return captured[0]
