"""The narration's height on a short terminal is the longest step's text wrapped at its width
(tutor/ui/widgets/narration.py): `wrapped_height` counts the lines that fit without wrapping them, and
must give exactly what Rich's wrap gives."""

from __future__ import annotations

import random

from rich.console import Console
from rich.text import Text

from tutor.ui.widgets.narration import wrapped_height

WORDS = ["a", "GET", "/page/12345678901234567890", "cookie", "日本語", "x" * 70, " ", "  ", "", "→", "sid=#abcd1234;"]


def test_wrapped_height_is_richs_wrap_counted() -> None:
    console = Console(width=200)
    rnd = random.Random(20)
    for _ in range(3000):
        lines = [" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(0, 14))) for _ in range(rnd.randint(1, 6))]
        if rnd.random() < 0.2:
            lines[-1] = ""  # a text ending in a newline
        if rnd.random() < 0.05:
            lines[0] += "\tx"  # (tabs: Rich's own wrap)
        text = Text("\n".join(lines))
        if rnd.random() < 0.3:
            text.stylize("bold", 0, rnd.randint(0, len(text.plain) + 1))
        if rnd.random() < 0.1:
            text.overflow = "ellipsis"
        width = rnd.randint(1, 90)
        assert wrapped_height(text, console, width) == len(text.wrap(console, width)), (text.plain, width)
