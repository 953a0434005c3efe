"""The variable tracker: each tracked variable's value at the current step, then recent history.

One row per variable. Columns, left to right: the variable (its name wraps, never cut), its value **now** (at the current step; wraps
onto up to :data:`NOW_LINES` lines), then the steps before it, newest first, as many as fit the width
(each one line; long values keep both ends). A value that changed at the current step is emphasised and
its previous value is always readable: in the next column, or under it (``was …``) when there is no room
for history. Every column has a heading. Like the execution table it is a line-API widget: its height is
fixed for a lesson and a width (the most lines any step needs), so a step repaints it without a layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from tutor.engine.trace import BROWSER_VARIABLE_PREFIXES
from tutor.lesson.model import Tracked
from tutor.ui.styles import Styled
from tutor.ui.text import abbreviate, format_value, literal
from tutor.ui.widgets.execution_table import GAP, PAD, StepTable, cell_text, wrap_cell

#: The most lines a value "now" may take (longer ones are shortened in the middle); one on short terminals.
NOW_LINES = 3
SHORT_BELOW_HEIGHT = 34
#: Below this many rows a variable's name is kept on one line (shortened in the middle).
LOW_BELOW_HEIGHT = 28
#: The narrowest a history column may be.
HISTORY_MIN = 16
#: A history column is never wider than this.
HISTORY_MAX = 24
#: How a changed value is emphasised (with the theme's colour of the component class).
CHANGED_STYLE = "bold"
#: The fewest characters a shortened value keeps (``d23f…a450``).
LEGIBLE = 9
#: How the tracker writes an empty cookie store (``{}``, or none yet) and a session the store deleted.
EMPTY = "empty"
DELETED = "deleted "
#: The old value of a deleted session: dimmed and struck through.
DELETED_STYLE = "dim strike"
#: Variables written ``empty`` when they hold nothing: a browser's cookies (besides ``jar.<browser>`` /
#: ``document.cookie.<browser>``) and the server's session store.
COOKIE_STORES = frozenset({"cookieStore", "store"})
#: ... and each server's store and each browser's cookies (``store.<server>``: several servers side by side).
STORE_PREFIXES = ("store.", *BROWSER_VARIABLE_PREFIXES)
#: Variables holding the session ID a step is about.
SESSION_FIELDS = frozenset({"session_id", "session"})


class VariableTracker(Styled, StepTable, can_focus=False):
    """Values of the tracked variables at the current step and before it; a value that changed is emphasised.

    It follows the walkthrough (or the playground), so it takes no keys of its own.
    """

    STYLES: ClassVar[tuple[str, ...]] = ("widgets/variable_tracker",)

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "variable-tracker--header",
        "variable-tracker--changed",
        "variable-tracker--label",
        "variable-tracker--was",
    }

    def __init__(self, variables: Sequence[Tracked], *, fit_current: bool = False, **kw) -> None:
        """``fit_current``: as tall as the current step needs, not the tallest step (for the playground,
        whose table is laid out at every event anyway: the spare rows go to its table)."""
        super().__init__(**kw)
        self.variables: tuple[Tracked, ...] = tuple(variables)
        self.fit_current = fit_current
        #: values on one line each (wrapped values would not fit the max-height)
        self._one_line = False
        self._frame: list[Strip] = []
        self._frame_key: tuple = ()
        self._height_for: tuple = ()  # (width, steps, short terminal, height limit) the height was measured for
        self._height = 0
        self._gone: list[frozenset[str]] = []  # per step: IDs the store held before and no longer holds
        self._seen: frozenset[str] = frozenset()

    def set_variables(self, variables: Sequence[Tracked]) -> None:
        """Other rows (the playground's tracker gains rows as browsers appear): measured and drawn again."""
        variables = tuple(variables)
        if variables != self.variables:
            self.variables = variables
            self._frame_key = ()
            self._height_for = ()
            self.refresh(layout=True)

    # -- values ------------------------------------------------------------------------------------
    def value(self, step_index: int, tracked: Tracked) -> Any:
        return self._steps[step_index].get(tracked.variable)

    def changed(self, step_index: int, tracked: Tracked) -> bool:
        """Did this variable change at this step (compared with the step before)?"""
        if step_index == 0:
            return self.value(0, tracked) is not None
        now, before = self.value(step_index, tracked), self.value(step_index - 1, tracked)
        return now != before and not (self.text(step_index, tracked) == self.text(step_index - 1, tracked) == EMPTY)

    def text(self, step_index: int, tracked: Tracked) -> str:
        """The value as the tracker writes it: an empty cookie store as ``empty`` (the table's "no cookie"
        is the same state), a session ID whose row the store no longer holds as ``deleted <ID>``."""
        value = self.value(step_index, tracked)
        if tracked.variable in COOKIE_STORES or tracked.variable.startswith(STORE_PREFIXES):
            if value is None or value in ({}, [], ""):
                return EMPTY
        if tracked.variable in SESSION_FIELDS and self._deleted(step_index, value):
            return DELETED + cell_text(format_value(value, tracked.variable))
        return cell_text(format_value(value, tracked.variable))

    def _deleted(self, step_index: int, value: Any) -> bool:
        """Is ``value`` a session ID the store held at an earlier step and no longer holds at this one?"""
        if not isinstance(value, str) or not value:
            return False
        gone = self._gone
        if len(gone) < len(self._steps):
            seen: set[str] = set(self._seen)
            for step in self._steps[len(gone) :]:
                rows = step.get("store")
                if rows is None:  # several servers side by side: every one's store (store.<server>)
                    stores = [v for k, v in step.variables.items() if k.startswith("store.") and isinstance(v, list)]
                    rows = [r for found in stores for r in found] if stores else None
                now = {r.get("id") for r in rows if isinstance(r, dict)} if isinstance(rows, list) else set()
                seen |= {i for i in now if isinstance(i, str)}
                missing = frozenset(seen - now) if rows is not None else frozenset()
                gone.append(gone[-1] if gone and gone[-1] == missing else missing)
            self._seen = frozenset(seen)
        return value in gone[step_index]

    def label(self, tracked: Tracked) -> str:
        return tracked.label or tracked.variable

    @property
    def now_lines(self) -> int:
        """Lines a value "now" may take: :data:`NOW_LINES`; one on a short terminal, or when the values
        on several lines would make the tracker taller than its ``max-height``."""
        if self._one_line or (self.is_attached and self.app.size.height < SHORT_BELOW_HEIGHT):
            return 1
        return NOW_LINES

    # -- StepTable hooks ----------------------------------------------------------------------------
    def _steps_changed(self, first: int) -> None:
        if first < len(self._gone):  # recount what the store held, from the start
            self._gone.clear()
            self._seen = frozenset()
        self._frame_key = ()
        self.refresh()

    def _revealed(self) -> None:
        if self.fit_current and self.is_attached and self.size.width:
            self._height_for = ()
            height = self._height
            # the height this step needs (a layout pass only when it differs)
            self.refresh(layout=self.get_content_height(None, None, self.content_region.width) != height)
            return
        self.refresh()

    # -- layout -------------------------------------------------------------------------------------
    def _widths(self, width: int) -> tuple[int, int, int]:
        """(label width, "now" width, number of history columns) for ``width`` cells."""
        labels = max((len(self.label(t)) for t in self.variables), default=8)
        label_w = min(max(labels, 8), max(8, width // 2))  # longer names wrap
        longest = max((len(self.text(i, t)) for i in range(len(self._steps)) for t in self.variables), default=8)
        rest = width - label_w - GAP
        column = HISTORY_MIN + GAP
        if longest + column <= rest:  # every value on one line, history beside it
            now_w = longest
            history = min(6, (rest - longest) // column)
        else:  # values wrap: room for a 32-character ID first, history in what is left
            history = min(3, max(0, (rest - min(longest, 34)) // column))
            now_w = rest - history * column
        now_w = max(1, now_w)
        return label_w, now_w, history

    def _cell(self, step_index: int, tracked: Tracked, width: int, lines: int) -> tuple[Text, bool]:
        """The text of a value in a cell of ``width`` × ``lines`` (shortened in the middle when longer)."""
        text = self.text(step_index, tracked)
        if len(text) > width * lines:
            text = abbreviate(text, width * lines)
        shown = literal(text)
        if text.startswith(DELETED):
            shown.stylize(DELETED_STYLE, len(DELETED))
        return shown, self.changed(step_index, tracked)

    @staticmethod
    def _inline_was(now_text: str, before_text: str, width: int, changed_style: Style, was_style: Style) -> Text:
        """``value (was before)`` in ``width`` cells, each part shortened in the middle to no fewer than
        :data:`LEGIBLE` characters; when both cannot be that legible, the value alone (it is emphasised
        as changed, and the step before is one key away)."""
        overhead = len(" (was )")
        before_room = min(len(before_text), max(LEGIBLE, (width - overhead) // 2))
        now_room = width - overhead - before_room
        if len(now_text) + overhead + len(before_text) <= width:
            now_room, before_room = len(now_text), len(before_text)
        elif now_room < min(len(now_text), LEGIBLE):
            now = literal(abbreviate(now_text, max(LEGIBLE, width)) if len(now_text) > width else now_text)
            now.stylize(changed_style)
            return now
        now = literal(abbreviate(now_text, now_room))
        now.stylize(changed_style)
        was = Text(" (was ", style=was_style) + literal(abbreviate(before_text, before_room)) + Text(")")
        was.stylize(was_style)
        return now + was

    def _name_lines(self, tracked: Tracked, width: int) -> list[list[Segment]]:
        """A variable's name in its column: wrapped at its spaces, never cut (a word wider than the
        column folds); on one line, shortened in the middle, below :data:`LOW_BELOW_HEIGHT` rows (there
        the table's rows are worth more)."""
        name = self.label(tracked)
        if self.is_attached and self.app.size.height < LOW_BELOW_HEIGHT:
            name = abbreviate(name, width)
        return wrap_cell(self.app.console, literal(name), width)

    def _render_rows(self, width: int) -> list[Strip]:
        console = self.app.console
        label_w, now_w, history = self._widths(width)
        current = self.upto - 1
        history = min(history, max(0, current))
        # history columns share what is left, no wider than HISTORY_MAX each
        left = width - label_w - now_w - 2 * GAP
        hist_w = min(HISTORY_MAX, (left - GAP * max(0, history - 1)) // history) if history else 0
        header_style = self.get_component_rich_style("variable-tracker--header")
        changed_style = self.get_component_rich_style("variable-tracker--changed")
        label_style = self.get_component_rich_style("variable-tracker--label")
        was_style = self.get_component_rich_style("variable-tracker--was")
        widths = [label_w, now_w] + [hist_w] * history
        base = self.rich_style

        def line(cells: list[list[Segment]], style: Style | None = None) -> Strip:
            segments: list[Segment] = []
            for i, cell in enumerate(cells):
                if i:
                    segments.append(Segment(" " * GAP, PAD))
                segments.extend(cell)
            used = sum(s.cell_length for s in segments)
            if used < width:
                segments.append(Segment(" " * (width - used), PAD))
            # the widget's own colours under everything (a line-API widget paints its background itself)
            segments = list(Segment.apply_style(segments, base, style))
            return Strip(segments, width).crop(0, width)

        headings = ["variable", f"now · step {current + 1}" if current >= 0 else "now"]
        headings += [f"step {current + 1 - k}" for k in range(1, history + 1)]
        head_cells = [wrap_cell(console, Text(h), w)[0] for h, w in zip(headings, widths, strict=False)]
        lines = [line(head_cells, header_style)]
        for tracked in self.variables:
            labels = [list(Segment.apply_style(cell, label_style)) for cell in self._name_lines(tracked, label_w)]
            if current < 0:
                for label in labels:
                    lines.append(line([label, wrap_cell(console, Text(""), now_w)[0]]))
                continue
            now, changed = self._cell(current, tracked, now_w, self.now_lines)
            inline_was = changed and history == 0 and current > 0 and self.now_lines == 1
            if inline_was:  # one line per variable (short terminal): "value (was before)" on it
                before_text = self.text(current - 1, tracked)
                now = self._inline_was(self.text(current, tracked), before_text, now_w, changed_style, was_style)
            elif changed:
                now.stylize(changed_style)
            now_lines = (
                wrap_cell(console, now, now_w)[: self.now_lines] if inline_was else wrap_cell(console, now, now_w)
            )
            if changed and history == 0 and current > 0 and not inline_was:  # no column for the step before
                before, _ = self._cell(current - 1, tracked, max(1, now_w - 4), 1)
                was = Text("was ", style=was_style) + before
                was.stylize(was_style)
                now_lines += wrap_cell(console, was, now_w)
            history_cells = []
            for k in range(1, history + 1):
                text, changed_then = self._cell(current - k, tracked, hist_w, 1)
                text = literal(abbreviate(text.plain, hist_w))
                if changed_then:
                    text.stylize(CHANGED_STYLE)
                history_cells.append(wrap_cell(console, text, hist_w)[0])
            blank_now = [Segment(" " * now_w, PAD)]
            for y in range(max(len(now_lines), len(labels))):
                now_line = now_lines[y] if y < len(now_lines) else blank_now
                cells = [labels[y] if y < len(labels) else [Segment(" " * label_w, PAD)], now_line]
                cells += history_cells if y == 0 else [[Segment(" " * hist_w, PAD)]] * history
                lines.append(line(cells))
        return lines

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if width <= 0:
            return Strip.blank(width)
        key = (width, self.upto, len(self._steps), self.now_lines, self.app.size.height < LOW_BELOW_HEIGHT)
        if key != self._frame_key:
            self._frame_key = key
            self._frame = self._render_rows(width)
        if y < len(self._frame):
            return self._frame[y]
        return Strip.blank(width, self.rich_style)

    def get_content_height(self, container, viewport, width: int) -> int:
        """The most lines any step needs at this width (so stepping never changes the height); with each
        value on one line when wrapped ones would pass the tracker's ``max-height``."""
        if not self.is_attached:
            return self._height or 1 + len(self.variables)
        max_height = self.styles.max_height
        limit = None
        if max_height is not None and max_height.is_cells:
            limit = int(max_height.value) - self.styles.gutter.height
        rows = self.app.size.height
        key = (width, len(self._steps), rows < SHORT_BELOW_HEIGHT, rows < LOW_BELOW_HEIGHT, limit)
        if key != self._height_for:
            self._height_for = key
            self._one_line = False
            self._height = self._measure(width)
            if limit is not None and self._height > limit and self.now_lines > 1:
                self._one_line = True
                self._height = self._measure(width)
            self._frame_key = ()
        return self._height

    def _measure(self, width: int) -> int:
        console = self.app.console
        label_w, now_w, history = self._widths(width)
        total = 1
        shown = range(len(self._steps))
        if self.fit_current:
            shown = range(self.upto - 1, self.upto) if self.upto else range(0)
        for tracked in self.variables:
            texts = {self.text(i, tracked) for i in shown}
            most = 1
            for text in texts:
                if len(text) > now_w * self.now_lines:
                    text = abbreviate(text, now_w * self.now_lines)
                if len(text) > now_w:
                    most = max(most, len(literal(text).wrap(console, now_w, overflow="fold")))
            changes = any(self.changed(i, tracked) for i in shown if i >= 1)
            if history == 0 and changes and self.now_lines > 1:
                most += 1  # "was ..." under a changed value (on the same line on short terminals)
            names = len(self._name_lines(tracked, label_w))
            total += max(names, min(most, self.now_lines + 1))
        return total

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._frame_key = ()

    def on_resize(self) -> None:
        self.refresh()
