"""The execution table: one row per trace step, revealed step by step."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.geometry import Region
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


class StepTable(DataTable, inherit_bindings=False):
    """A DataTable that grows by one row or column per step without re-rendering or re-laying out everything.

    Stock ``DataTable`` (Textual 8.2.8, pinned) makes each ``add_row``/``add_column`` expensive three ways:
    it bumps ``_update_count``, which is part of every render-cache key, so every visible cell is rendered
    again; it measures the new cells on idle, *after* the first repaint, and sets ``virtual_size`` (a
    ``layout=True`` reactive), so the whole screen is laid out and painted a second time; and it scrolls
    the cursor into view after that refresh (a third paint), from a virtual size that may still be stale.

    :meth:`grow` does the same work at once: cells already rendered stay cached (the count is bumped only
    when a column's width changed, which changes how cells render), the new size is measured now and set
    without a layout (a scroll view's size does not depend on its virtual size; when a scrollbar appears or
    goes, the ``show_*_scrollbar`` reactives ask for the layout themselves), and :meth:`scroll_region_now`
    scrolls before the next paint.
    """

    _quiet_layout = False

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self._steps: tuple[Step, ...] = ()
        self._shown: list[Step] = []  # the steps whose rows (or columns) exist, in order
        self.upto = 0

    # -- one row or column per revealed step; subclasses say which (the hooks below) ----------------
    def set_steps(self, steps: Sequence[Step]) -> None:
        """The steps that may be revealed (may grow: the playground appends)."""
        self._steps = tuple(steps)
        # steps already shown that changed (a reloaded lesson) are updated in place
        for index, old in enumerate(list(self._shown)):
            if index >= len(self._steps):
                break
            if self._steps[index] != old:
                self._shown[index] = self._steps[index]
                self._step_changed(index)
        if self.upto > len(self._steps):
            self.reveal(len(self._steps))

    def reveal(self, upto: int) -> None:
        """Steps 1..upto shown, step ``upto`` the current one (0 = none)."""
        upto = max(0, min(upto, len(self._steps)))
        while len(self._shown) > upto:
            self._remove_step(len(self._shown) - 1)
            self._shown.pop()
        if len(self._shown) < upto:
            self.grow(lambda: self._add_steps(upto))
        self.upto = upto
        self._point_at(upto)

    def _add_steps(self, upto: int) -> None:
        """Add the rows or columns of steps ``len(self._shown)+1 .. upto`` (appending to ``_shown``)."""
        raise NotImplementedError

    def _remove_step(self, index: int) -> None:
        raise NotImplementedError

    def _step_changed(self, index: int) -> None:
        """``self._shown[index]`` was replaced: redraw its cells."""
        raise NotImplementedError

    def _point_at(self, upto: int) -> None:
        """Move the cursor to the current step and keep it in view."""
        raise NotImplementedError

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False):
        if self._quiet_layout:
            layout = False
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def grow(self, add) -> None:
        """Run ``add()`` (which adds rows or columns) and settle the table's dimensions now."""
        count = self._update_count
        widths = [column.get_render_width(self) for column in self.ordered_columns]
        add()
        if not self.is_mounted:
            return
        # cells already there render exactly as before: keep their caches, drop only the per-table ones
        self._update_count = count
        self._offset_cache.clear()
        self._ordered_row_cache.clear()
        self._row_renderable_cache.clear()
        self._line_cache.clear()
        self._quiet_layout = True
        try:
            if self._updated_cells:
                updated = set(self._updated_cells)
                self._updated_cells.clear()
                self._update_column_widths(updated)
            if self._require_update_dimensions:
                self._require_update_dimensions = False
                new_rows = set(self._new_rows)
                self._new_rows.clear()
                self._update_dimensions(new_rows)
        finally:
            self._quiet_layout = False
        if widths != [column.get_render_width(self) for column in self.ordered_columns[: len(widths)]]:
            self._update_count += 1  # a column got wider: the cells render differently
        self._scroll_update(self.virtual_size)
        self.refresh()

    def scroll_region_now(self, region: Region) -> None:
        """Scroll ``region`` (table coordinates) into view before the next paint."""
        self.scroll_to_region(region, animate=False, spacing=self._get_fixed_offset(), force=True, immediate=True)


class ExecutionTable(StepTable, inherit_bindings=False):
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

    def on_mount(self) -> None:
        for index, column in enumerate(self.lesson_columns):
            self.add_column(literal(column_heading(column)), key=f"c{index}")

    # -- StepTable hooks: one row per step --------------------------------------------------------
    def _add_steps(self, upto: int) -> None:
        while len(self._shown) < upto:
            index = len(self._shown)
            step = self._steps[index]
            self.add_row(*(self.cell(step, c) for c in self.lesson_columns), key=f"r{index}")
            self._shown.append(step)

    def _remove_step(self, index: int) -> None:
        self.remove_row(f"r{index}")

    def _step_changed(self, index: int) -> None:
        for col_index, column in enumerate(self.lesson_columns):
            self.update_cell(f"r{index}", f"c{col_index}", self.cell(self._shown[index], column))

    def _point_at(self, upto: int) -> None:
        self.show_cursor = upto > 0
        if upto:
            self.move_cursor(row=upto - 1, animate=False, scroll=False)
            self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        if self.is_mounted and self.upto and self.size:
            left = self._get_fixed_offset().left
            _, y, width, height = self._get_row_region(self.cursor_row)
            self.scroll_region_now(Region(int(self.scroll_x) + left, y, width - left, height))

    def on_resize(self) -> None:
        """A smaller table (the terminal shrank) keeps its cursor row in view."""
        self.keep_cursor_in_view()

    def keep_cursor_in_view(self) -> None:
        """Scroll the cursor row into view now and once more after the next refresh (a layout pending)."""
        if self.upto:
            self._scroll_to_cursor()
            self.call_after_refresh(self._scroll_to_cursor)

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
