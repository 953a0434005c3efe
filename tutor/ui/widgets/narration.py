"""What the narrator says at the current step."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text
from textual.widgets import Static

from tutor.engine.trace import Step
from tutor.lesson.model import Lesson
from tutor.ui.styles import Styled
from tutor.ui.text import literal


def narration_for(lesson: Lesson, step: Step) -> str:
    """The step's own narration, else its phase's, else the step's action and result."""
    for entry in lesson.narration:
        if entry.step == step.step:
            return entry.text
    for entry in lesson.narration:
        if entry.step is None and entry.phase == step.phase:
            return entry.text
    return step.summary()


def step_text(
    lesson: Lesson, step: Step | None, total: int, verdict: Text | None = None, *, heading: bool = True
) -> Text:
    """The heading and narration of ``step`` (None: before the first step), with a predict verdict
    (``heading=False``: without the heading line, which the walkthrough's status line then shows)."""
    text = Text()
    if step is None:
        if heading:
            text.append(f"Step 0 of {total}\n", style="bold")
        text.append_text(literal("Press → (or n) to play the first step."))
        return text
    if heading:
        text.append(f"Step {step.step} of {total} · {step.phase}\n", style="bold")
    text.append_text(literal(narration_for(lesson, step)))
    if verdict is not None:
        text.append("\nYour prediction: ", style="italic")
        text.append_text(verdict)
    return text


def wrapped_height(text: Text, console: Console, width: int) -> int:
    """``len(text.wrap(console, width))``, the lines that fit ``width`` counted without wrapping them (the
    narration's height is measured over every step's text: a capture's window has 250)."""
    plain = text.plain
    if "\t" in plain or text.no_wrap:
        return len(text.wrap(console, width))
    lines = plain.split("\n")
    long = [line for line in lines if cell_len(line) > width]
    if not long:
        return len(lines)
    overflow = text.overflow
    return len(lines) - len(long) + sum(len(Text(line).wrap(console, width, overflow=overflow)) for line in long)


def short_verdict(correct: bool) -> Text:
    """The verdict as the narration shows it on a short terminal (the question showed it whole)."""
    return Text("✓ Right." if correct else "✗ Not quite (see this step's row).", style="bold")


#: Below this many rows the narration shows :func:`short_verdict` (the lesson screen's ``-short``).
SHORT_BELOW_HEIGHT = 34
#: On a short terminal the narration is at least this many lines when its text needs them, and at most
#: what the table leaves (:attr:`Narration.short_limit`; a longer one ends in :data:`MORE`).
SHORT_MAX_LINES = 5
#: On a short terminal the table keeps this many rows (its header and a few steps) under the narration.
TABLE_KEEPS = 8
#: Below this many rows the walkthrough hides its code (the lesson screen's ``-low``)...
LOW_BELOW_HEIGHT = 28
#: ... above it, on a short terminal, the code takes this many rows (walkthrough.tcss: `.-short CodeView`).
CODE_ROWS_SHORT = 4
#: The last line of a narration cut on a short terminal: where the rest is.
MORE = "… ⏎/v reads the rest"


class Narration(Styled, Static):
    """The step heading (``Step 3 of 12 · validate``) and the narration, always shown literally.

    It shares the band above the table with the code and the tracker; a step changes its text, never its
    size (no layout pass per step), and it never scrolls: a text longer than the box shows its start and
    a last line saying that Enter (or ``v``) reads the rest in the step's dialog. On a tall terminal it
    takes what the tracker leaves of the band. On a short terminal the table's rows are worth more:
    the heading is left to the walkthrough's status line, a predict verdict is shortened to its first
    words (the question showed it whole), and it is as tall as the longest step's text at its width
    (:meth:`measure`), at most what the table leaves (:attr:`short_limit`).
    """

    STYLES: ClassVar[tuple[str, ...]] = ("widgets/narration",)

    #: whether the text shown is cut (a long narration on a short terminal)
    cut = False

    def measure(self, short_texts: Callable[[], list[Text]]) -> None:
        """Every text this narration may show on a short terminal (all steps, with their possible short
        verdicts), made when first needed (a tall terminal never needs them)."""
        self._texts_for = short_texts
        self._short_texts: list[Text] | None = None
        self._heights: dict[tuple[int, int], int] = {}

    @property
    def short(self) -> bool:
        return self.is_attached and self.app.size.height < SHORT_BELOW_HEIGHT

    def get_content_height(self, container, viewport, width: int) -> int:
        """On a short terminal: the most lines any step needs at this width, at most SHORT_MAX_LINES."""
        if not (self.short and getattr(self, "_texts_for", None)):
            return super().get_content_height(container, viewport, width)
        limit = self.short_limit
        height = self._heights.get((width, limit))
        if height is None:
            if self._short_texts is None:
                self._short_texts = self._texts_for()
            console = self.app.console
            height = max(wrapped_height(t, console, max(1, width)) for t in self._short_texts)
            height = self._heights[(width, limit)] = min(height, limit)
        return height

    @property
    def short_limit(self) -> int:
        """The most lines the narration takes on a short terminal: what the rows leave after the title,
        mode strip, key bar, flow line, status line, the code's lines (28 rows and more) and
        :data:`TABLE_KEEPS` rows of the table; never fewer than :data:`SHORT_MAX_LINES`."""
        rows = self.app.size.height
        reserved = 5 + TABLE_KEEPS + (0 if rows < LOW_BELOW_HEIGHT else CODE_ROWS_SHORT)
        return max(SHORT_MAX_LINES, rows - reserved)

    def show(
        self,
        lesson: Lesson,
        step: Step | None,
        total: int,
        *,
        verdict: Text | None = None,
        short_verdict: Text | None = None,
    ) -> None:
        """Show ``step``'s heading and narration (and the verdict on its predict question, if answered;
        ``short_verdict`` on a short terminal)."""
        self._showing = (lesson, step, total, verdict, short_verdict)
        short = self.short
        text = step_text(lesson, step, total, short_verdict if short and short_verdict else verdict, heading=not short)
        self.cut = False
        width, height = self.content_region.size if self.is_mounted else (0, 0)
        if width and height and getattr(self, "_texts_for", None):
            lines = text.wrap(self.app.console, width)
            if len(lines) > height:  # the start, then where the rest is
                self.cut = True
                text = Text("\n").join(list(lines)[: height - 1] + [Text(MORE, style="italic")])
        if text == getattr(self, "_shown_text", None):
            return
        self._shown_text = text
        if not (self.is_mounted and self.content_region.width) or not getattr(self, "_texts_for", None):
            self.update(text)  # not laid out yet (or not measured: sized by its text)
            return
        self.update(text, layout=False)  # the same height as every other step's

    def on_resize(self) -> None:
        showing = getattr(self, "_showing", None)
        if showing is not None:  # the terminal may have become short (or tall): the verdict to match
            lesson, step, total, verdict, short = showing
            self.show(lesson, step, total, verdict=verdict, short_verdict=short)
