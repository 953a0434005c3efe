"""The execution table: one row per trace step, revealed step by step."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable

from tutor.engine.trace import Step
from tutor.lesson.model import Column
from tutor.ui.text import abbreviate, format_value, literal

#: Cells longer than this are shortened with "…" (the full value is one Enter away).
CELL_WIDTH = 24

DEFAULT_HEADINGS = {
    "step": "#",
    "event": "event",
    "actor": "browser",
    "phase": "phase",
    "action": "action",
    "cookie_present": "cookie?",
    "session_id": "session ID",
    "user": "user",
    "result": "result",
}


def column_heading(column: Column) -> str:
    return column.heading or DEFAULT_HEADINGS.get(column.field, column.field)


class ExecutionTable(DataTable, inherit_bindings=False):
    """Rows 1..upto of the lesson's steps; row ``upto`` is the current one (the cursor sits on it)."""

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
        kw.setdefault("cursor_type", "row")
        kw.setdefault("zebra_stripes", False)
        super().__init__(**kw)
        self.lesson_columns: tuple[Column, ...] = tuple(columns)
        self._steps: tuple[Step, ...] = ()
        self._shown: list[Step] = []  # the steps whose rows exist, in order
        self.upto = 0

    def on_mount(self) -> None:
        for index, column in enumerate(self.lesson_columns):
            self.add_column(literal(column_heading(column)), key=f"c{index}")

    # -- contract -----------------------------------------------------------------------------------
    def set_steps(self, steps: Sequence[Step]) -> None:
        """The rows that may be revealed (may grow: the playground appends)."""
        self._steps = tuple(steps)
        # rows already shown whose step changed (a reloaded lesson) are updated in place
        for index, old in enumerate(list(self._shown)):
            if index >= len(self._steps):
                break
            new = self._steps[index]
            if new != old:
                for col_index, column in enumerate(self.lesson_columns):
                    self.update_cell(f"r{index}", f"c{col_index}", self.cell(new, column))
                self._shown[index] = new
        if self.upto > len(self._steps):
            self.reveal(len(self._steps))

    def reveal(self, upto: int) -> None:
        """Rows 1..upto visible, row ``upto`` highlighted (0 = none)."""
        upto = max(0, min(upto, len(self._steps)))
        while len(self._shown) > upto:
            index = len(self._shown) - 1
            self.remove_row(f"r{index}")
            self._shown.pop()
        while len(self._shown) < upto:
            index = len(self._shown)
            step = self._steps[index]
            self.add_row(*(self.cell(step, c) for c in self.lesson_columns), key=f"r{index}")
            self._shown.append(step)
        self.upto = upto
        self.show_cursor = upto > 0
        if upto:
            self.move_cursor(row=upto - 1, animate=False)

    def on_resize(self) -> None:
        """A smaller table (a question opened above it, the terminal shrank) keeps its cursor row in view."""
        if self.upto:
            self.call_after_refresh(self.move_cursor, row=self.cursor_row, animate=False)

    # -- helpers ------------------------------------------------------------------------------------
    @staticmethod
    def cell(step: Step, column: Column) -> Text:
        return literal(abbreviate(format_value(step.get(column.field)), CELL_WIDTH))

    @property
    def steps(self) -> tuple[Step, ...]:
        return self._steps

    def step_at_cursor(self) -> Step | None:
        if not self._shown or not 0 <= self.cursor_row < len(self._shown):
            return None
        return self._shown[self.cursor_row]

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        step = self.step_at_cursor()
        if step is not None:
            self.post_message(self.ValueRequested(self, step))
