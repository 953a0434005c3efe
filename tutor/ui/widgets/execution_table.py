"""The execution table: one row per trace step, revealed step by step.

A line-API widget (``render_line``), not a ``DataTable``: the columns are sized for the widget's width
(every column of the lesson's ``table:`` and a Step column, always with their headings), and a value that
does not fit wraps inside its cell, so the row grows. Only a word that is long by nature (a session ID, a
token) is shortened, in the middle, keeping both ends. Each row is rendered once per width and state
(current, cursor) and kept; a step re-renders at most the rows whose state changed and repaints the widget
without a layout pass (its size never depends on its content).

The rows shown are the ones ending at the cursor row (the current step unless the learner moved the
cursor with ↑/↓): the current row is always in view, and the table shows as many rows as fit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from tutor.engine.trace import Step
from tutor.lesson.model import Column
from tutor.ui.columns import column_heading
from tutor.ui.styles import Styled
from tutor.ui.text import abbreviate, format_value, literal

#: The heading of the Step column the table adds when the lesson's columns have none.
STEP_HEADING = "Step"
#: A word this long made only of ID/token characters is "long by nature": shortened in the middle.
_TOKEN = re.compile(r"[A-Za-z0-9_\-.~+/]{16,}={0,2}")
#: A column is never narrower than this (or its values' width, when they are all shorter).
MIN_COLUMN = 8
#: When space is short, an ID/token column asks for no more than this (its values are shortened).
TOKEN_COLUMN = 15
GAP = 2  # spaces between two columns
GUTTER = 2  # the marker column on the left: "▶ " on the current row, "+ " on rows the step added
#: The style of the blank cells between and after values. It looks like no style, but it is not equal to
#: the values' style, so exporters that merge equal-styled runs (Rich's SVG) keep each value where it is.
PAD = Style(meta={"pad": True})


def cell_text(value: str) -> str:
    """A value on one logical line (newlines become spaces; wrapping happens in the cell)."""
    return " ".join(value.split("\n"))


def fit_words(text: str, width: int) -> str:
    """Shorten, in the middle, every ID/token word that is wider than ``width``; other words fold."""
    if width <= 0 or len(text) <= width:
        return text
    return re.sub(r"\S+", lambda m: _fit_word(m.group(0), width), text)


def _fit_word(word: str, width: int) -> str:
    if len(word) <= width:
        return word
    match = _TOKEN.search(word)
    if match is None or len(word) - len(match.group(0)) >= width - 6:
        return word  # not a token: it folds
    token = match.group(0)
    keep = width - (len(word) - len(token))
    return word[: match.start()] + abbreviate(token, keep) + word[match.end() :]


def allocate(
    naturals: Sequence[int], minimums: Sequence[int], caps: Sequence[int], avail: int, headings: Sequence[int] = ()
) -> list[int]:
    """Column widths for ``avail`` cells.

    Natural widths when they all fit. Otherwise every column starts at its minimum; then the room is
    shared equally (water-filling) towards what each column typically needs (``caps``: its 75th-percentile
    value, an ID column less); then headings that would wrap are
    widened when that is affordable (narrowest first); what is left completes the columns that can be completed, then goes to
    the columns still cut most.
    """
    if sum(naturals) <= avail:
        return list(naturals)
    widths = [min(m, n) for m, n in zip(minimums, naturals, strict=False)]
    rest = avail - sum(widths)
    if rest <= 0:
        return widths
    wants = [max(0, min(n, c) - w) for n, c, w in zip(naturals, caps, widths, strict=False)]
    # water-filling: every column that still wants room gets an equal share, or what it wants if less
    while rest > 0:
        wanting = [i for i, want in enumerate(wants) if want > 0]
        if not wanting:
            break
        share = max(1, rest // len(wanting))
        for i in sorted(wanting, key=lambda i: wants[i]):
            give = min(wants[i], share, rest)
            widths[i] += give
            wants[i] -= give
            rest -= give
    for i in sorted(range(len(headings)), key=lambda i: headings[i] - widths[i]):
        need = headings[i] - widths[i]
        if 0 < need <= rest:
            widths[i] += need
            rest -= need
    for i in sorted(range(len(naturals)), key=lambda i: naturals[i] - widths[i]):  # whole columns first
        need = naturals[i] - widths[i]
        if 0 < need <= rest:
            widths[i] += need
            rest -= need
    while rest > 0:
        short = [i for i, (n, w) in enumerate(zip(naturals, widths, strict=False)) if w < n]
        if not short:
            break
        i = max(short, key=lambda i: naturals[i] - widths[i])
        widths[i] += 1
        rest -= 1
    return widths


def wrap_cell(console: Console, text: Text, width: int) -> list[list[Segment]]:
    """``text`` wrapped to ``width`` (long words folded), each line padded to exactly ``width`` cells."""
    lines = text.wrap(console, width, overflow="fold") if text.plain else [Text("")]
    out: list[list[Segment]] = []
    for line in lines:
        line.rstrip()
        segments = list(line.render(console))
        pad = width - line.cell_len
        if pad > 0:
            segments.append(Segment(" " * pad, PAD))
        out.append(segments)
    return out or [[Segment(" " * width, PAD)]]


class StepTable(Widget):
    """Bookkeeping shared by the execution table and the variable tracker: the steps that may be shown
    (:meth:`set_steps`, which may grow: the playground appends) and how many are shown (:meth:`reveal`)."""

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self._steps: tuple[Step, ...] = ()
        self.upto = 0
        self._revealed_before = False
        #: the steps revealed by the last call of :meth:`reveal` that moved forward (0-based indexes)
        self.added: range = range(0)

    @property
    def steps(self) -> tuple[Step, ...]:
        return self._steps

    def set_steps(self, steps: Sequence[Step]) -> None:
        """The steps that may be revealed; rows already shown that changed (a reloaded lesson) are redrawn."""
        steps = tuple(steps)
        if steps == self._steps:
            return
        common = 0
        for old, new in zip(self._steps, steps, strict=False):
            if old != new:
                break
            common += 1
        self._steps = steps
        self._steps_changed(common)
        if self.upto > len(steps):
            self.reveal(len(steps))

    def reveal(self, upto: int) -> None:
        """Steps 1..upto shown, step ``upto`` the current one (0 = none)."""
        upto = max(0, min(upto, len(self._steps)))
        # rows a move adds are marked; not the rows of the first reveal (a view opened at some step)
        self.added = range(self.upto, upto) if upto > self.upto and self._revealed_before else range(0)
        self._revealed_before = True
        self.upto = upto
        self._revealed()

    def _steps_changed(self, first: int) -> None:
        """Steps from index ``first`` on are new or different."""
        raise NotImplementedError

    def _revealed(self) -> None:
        raise NotImplementedError


class ExecutionTable(Styled, StepTable, can_focus=True):
    """Rows 1..upto of the lesson's steps; row ``upto`` is the current one (the cursor sits on it)."""

    STYLES: ClassVar[tuple[str, ...]] = ("widgets/execution_table",)

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "execution-table--header",
        "execution-table--current",
        "execution-table--cursor",
        "execution-table--added",
        "execution-table--marker",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Row up", show=False),
        Binding("down", "cursor_down", "Row down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("enter,v", "select_cursor", "Full value"),
    ]

    class ValueRequested(Message):
        """The learner asked for the full values of a row."""

        def __init__(self, table: ExecutionTable, step: Step) -> None:
            super().__init__()
            self.table = table
            self.step = step

        @property
        def control(self) -> ExecutionTable:
            return self.table

    def __init__(self, columns: Sequence[Column], **kw) -> None:
        super().__init__(**kw)
        self.lesson_columns: tuple[Column, ...] = tuple(columns)
        #: the columns drawn: a Step column first unless the lesson has one
        self.shown_columns: tuple[Column, ...] = self.lesson_columns
        if not any(c.field == "step" for c in self.lesson_columns):
            self.shown_columns = (Column(field="step", heading=STEP_HEADING), *self.lesson_columns)
        self.cursor_row = -1
        self._top = 0  # the first row drawn
        self._width = -1  # the width the widths and caches are for
        self._widths: list[int] = []
        self._header: list[Strip] = []
        self._rows: dict[tuple[int, int], list[Strip]] = {}  # (row, state) -> lines
        self._texts: list[list[str]] = []  # the cell texts of every step (the whole lesson), per column
        self._frame: list[Strip] = []  # the lines drawn now, and what they were drawn for
        self._frame_key: tuple = ()

    # -- what the rest of the app uses ------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return self.upto

    @property
    def show_cursor(self) -> bool:
        return self.upto > 0

    @staticmethod
    def cell(step: Step, column: Column) -> Text:
        """The full text of one cell (as wrapped in the table; only ID/token words get shortened there)."""
        return literal(cell_text(format_value(step.get(column.field), column.field)))

    def step_at_cursor(self) -> Step | None:
        if not 0 <= self.cursor_row < self.upto:
            return None
        return self._steps[self.cursor_row]

    def keep_cursor_in_view(self) -> None:
        """The cursor row is always in view (kept for callers of the former DataTable-based table)."""
        self.refresh()

    # -- StepTable hooks -------------------------------------------------------------------------
    def _steps_changed(self, first: int) -> None:
        del self._texts[first:]
        self._width = -1  # natural widths may change: size the columns again
        self.refresh()

    def _revealed(self) -> None:
        self.cursor_row = self.upto - 1
        self.refresh()

    # -- layout ------------------------------------------------------------------------------------
    def _cell_texts(self, index: int) -> list[str]:
        while len(self._texts) <= index:
            step = self._steps[len(self._texts)]
            self._texts.append([cell_text(format_value(step.get(c.field), c.field)) for c in self.shown_columns])
        return self._texts[index]

    def _layout(self, width: int) -> None:
        """Column widths for ``width`` cells, from every step of the lesson (so they do not change per step)."""
        if width == self._width:
            return
        self._width = width
        self._rows.clear()
        headings = [column_heading(c) for c in self.shown_columns]
        values = [self._cell_texts(i) for i in range(len(self._steps))]
        naturals, minimums, caps = [], [], []
        for col, heading in enumerate(headings):
            lengths = sorted(len(v[col]) for v in values)
            longest = lengths[-1] if lengths else 0
            typical = lengths[(len(lengths) * 3) // 4] if lengths else 0
            word = max((len(w) for w in heading.split()), default=1)
            value_word = max((len(w) for v in values for w in v[col].split() if not _TOKEN.fullmatch(w)), default=0)
            naturals.append(max(len(heading), longest, 1))
            minimums.append(max(word, min(max(longest, word), max(MIN_COLUMN, min(value_word, 14)))))
            tokens = any(_TOKEN.search(v[col]) for v in values)
            # what a column asks for when space is short: its typical (75th percentile) value on one line;
            # an ID column no more than TOKEN_COLUMN (its IDs are shortened in the middle)
            caps.append(max(word, TOKEN_COLUMN if tokens else max(typical, word)))
        avail = max(1, width - GUTTER - GAP * (len(headings) - 1))
        self._widths = allocate(naturals, minimums, caps, avail, [len(h) for h in headings])
        self._header = self._render_line_cells(
            [literal(h) for h in headings], self.get_component_rich_style("execution-table--header"), "  "
        )

    def _render_line_cells(
        self, texts: list[Text], style: Style, marker: str, marker_style: Style | None = None
    ) -> list[Strip]:
        console = self.app.console
        cells = [wrap_cell(console, text, w) for text, w in zip(texts, self._widths, strict=False)]
        height = max(len(c) for c in cells)
        lines: list[Strip] = []
        for y in range(height):
            segments = [Segment(marker, marker_style) if y == 0 else Segment(" " * GUTTER, PAD)]
            for col, (cell, w) in enumerate(zip(cells, self._widths, strict=False)):
                if col:
                    segments.append(Segment(" " * GAP, PAD))
                segments.extend(cell[y] if y < len(cell) else [Segment(" " * w, PAD)])
            pad = self._width - sum(s.cell_length for s in segments)
            if pad > 0:
                segments.append(Segment(" " * pad, PAD))
            # the widget's own colours under everything (a line-API widget paints its background itself)
            styled = Segment.apply_style(segments, self.rich_style, style)
            lines.append(Strip(styled, self._width).crop(0, self._width))
        return lines

    def _row_lines(self, index: int) -> list[Strip]:
        state = (index == self.upto - 1) * 1 + (index == self.cursor_row) * 2 + (index in self.added) * 4
        key = (index, state)
        lines = self._rows.get(key)
        if lines is None:
            style = Style()
            if state & 1:
                style = self.get_component_rich_style("execution-table--current")
            elif state & 2:
                style = self.get_component_rich_style("execution-table--cursor")
            elif state & 4:
                style = self.get_component_rich_style("execution-table--added")
            marker = "▶ " if state & 1 else ("› " if state & 2 else ("+ " if state & 4 else "  "))
            texts = []
            for text, w in zip(self._cell_texts(index), self._widths, strict=False):
                texts.append(literal(fit_words(text, w)))
            lines = self._rows[key] = self._render_line_cells(
                texts, style, marker, self.get_component_rich_style("execution-table--marker")
            )
        return lines

    def _window(self, height: int) -> list[Strip]:
        """The lines on screen: the header, then rows from ``_top`` with the cursor row in view."""
        body = height - len(self._header)
        if body <= 0 or self.upto == 0:
            return list(self._header)
        cursor = max(0, min(self.cursor_row, self.upto - 1))
        top = min(self._top, cursor)
        # the cursor row (and the rows above it, as many as fit) in view
        used = sum(len(self._row_lines(i)) for i in range(top, cursor + 1))
        while used > body and top < cursor:
            used -= len(self._row_lines(top))
            top += 1
        # room left below the last row: show earlier rows instead of blank lines
        bottom_used = used + sum(len(self._row_lines(i)) for i in range(cursor + 1, self.upto))
        while top > 0 and bottom_used + len(self._row_lines(top - 1)) <= body:
            top -= 1
            bottom_used += len(self._row_lines(top))
        self._top = top
        lines = list(self._header)
        for i in range(top, self.upto):
            lines.extend(self._row_lines(i))
            if len(lines) >= height:
                break
        return lines

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if width <= 0:
            return Strip.blank(width)
        self._layout(width)
        key = (width, self.size.height, self.upto, self.cursor_row, self.added, len(self._steps), id(self._header))
        if key != self._frame_key:
            self._frame_key = key
            self._frame = self._window(self.size.height)
        lines = self._frame
        if y < len(lines):
            return lines[y]
        return Strip.blank(width, self.rich_style)

    def full_height(self, width: int) -> int:
        """Lines the header and every step's row take at ``width`` (the whole lesson revealed)."""
        self._layout(width)
        return len(self._header) + sum(len(self._row_lines(i)) for i in range(len(self._steps)))

    #: (width, container height) -> the table's height, set by the walkthrough on tall terminals (its
    #: height then depends on every step, not the ones revealed: a step never changes it)
    height_for: Callable[[int, int], int] | None = None

    def get_content_height(self, container, viewport, width: int) -> int:
        if self.height_for is not None:
            return self.height_for(width, container.height)
        self._layout(width)
        return len(self._header) + sum(len(self._row_lines(i)) for i in range(self.upto))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._width = -1  # the theme's colours are in the cached lines

    def on_resize(self) -> None:
        self.refresh()

    # -- keys and mouse ----------------------------------------------------------------------------
    def _move_cursor(self, row: int) -> None:
        if self.upto:
            self.cursor_row = max(0, min(row, self.upto - 1))
            self.refresh()

    def action_cursor_up(self) -> None:
        self._move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self._move_cursor(self.cursor_row + 1)

    def action_page_up(self) -> None:
        self._move_cursor(self.cursor_row - max(1, self.size.height // 2))

    def action_page_down(self) -> None:
        self._move_cursor(self.cursor_row + max(1, self.size.height // 2))

    def action_select_cursor(self) -> None:
        step = self.step_at_cursor()
        if step is not None:
            self.post_message(self.ValueRequested(self, step))

    def _row_at(self, y: int) -> int | None:
        line = len(self._header)
        for i in range(self._top, self.upto):
            height = len(self._row_lines(i))
            if line <= y < line + height:
                return i
            line += height
        return None

    def on_click(self, event: events.Click) -> None:
        row = self._row_at(event.y)
        if row is not None:
            if row == self.cursor_row and event.chain > 1:
                self.action_select_cursor()
            self._move_cursor(row)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.action_cursor_up()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.action_cursor_down()

    # -- what is on screen (tests, and the walkthrough's checks) ------------------------------------
    def visible_rows(self) -> list[int]:
        """0-based indexes of the rows drawn now (whole or in part)."""
        if self._width < 0 or not self.size.height:
            return []
        shown, line = [], len(self._header)
        for i in range(self._top, self.upto):
            if line >= self.size.height:
                break
            shown.append(i)
            line += len(self._row_lines(i))
        return shown

    @property
    def column_widths(self) -> list[int]:
        return list(self._widths)
