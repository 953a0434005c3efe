"""``python -m bench.counted ARGS``: `tutor ARGS`, counting the frames it paints and the layouts it does.

Used by the terminal step benchmark (bench/term_step_bench.py), which runs it in tmux exactly where it
would run ``tutor ARGS``. Two Textual methods are wrapped, nothing else changes:

* ``App._display`` with a renderable, while the app runs: one frame written to the terminal;
* ``Screen._refresh_layout``: a layout pass of the screen (arranging its widgets), or with
  ``scroll=True`` a scroll reflow (Textual re-places the widgets of a scrolled container; a full layout
  when some widget also asked for one). Counted apart: layouts, reflows.

After every change the three counts are written to the file named by ``BENCH_COUNTS`` as one line,
``FRAMES LAYOUTS REFLOWS``, overwritten in place (a ``pwrite`` of a few bytes: microseconds, far below the
milliseconds a step costs). Read it with :func:`read_counts`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

RECORD = 32  # bytes: the record is padded so that every write replaces the whole previous one


def read_counts(path: str | Path) -> tuple[int, int, int]:
    """(frames, layouts, reflows) as last written; zeros before the first."""
    try:
        text = Path(path).read_text(encoding="ascii").split()
    except OSError:
        return 0, 0, 0
    if len(text) != 3:
        return 0, 0, 0
    return int(text[0]), int(text[1]), int(text[2])


def install(path: str) -> None:
    from textual.app import App
    from textual.screen import Screen

    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    counts = [0, 0, 0]

    def save() -> None:
        os.pwrite(fd, " ".join(map(str, counts)).ljust(RECORD - 1).encode("ascii") + b"\n", 0)

    display = App._display
    refresh_layout = Screen._refresh_layout

    def counted_display(self: App[Any], screen: Screen[Any], renderable: Any) -> None:
        if renderable is not None and self._running and not self._batch_count and not self.is_headless:
            counts[0] += 1
            save()
        display(self, screen, renderable)

    def counted_layout(self: Screen[Any], size: Any = None, scroll: bool = False) -> None:
        counts[2 if scroll and not self._layout_widgets else 1] += 1
        save()
        refresh_layout(self, size, scroll)

    App._display = counted_display  # type: ignore[method-assign]
    Screen._refresh_layout = counted_layout  # type: ignore[method-assign]
    save()


def main(argv: list[str] | None = None) -> int:
    path = os.environ.get("BENCH_COUNTS")
    if not path:
        print("python -m bench.counted: error: set BENCH_COUNTS to the file the counts go to", file=sys.stderr)
        return 2
    install(path)
    from tutor.cli import main as tutor_main

    return tutor_main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
