"""The variable tracker: one row per tracked variable, one column per revealed step."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.geometry import Region

from tutor.lesson.model import Tracked
from tutor.ui.text import abbreviate, format_value, literal
from tutor.ui.widgets.execution_table import StepTable

CELL_WIDTH = 20
#: How a changed value is emphasised (a text style, not a colour: colours come from the theme).
CHANGED_STYLE = "bold underline"


class VariableTracker(StepTable, inherit_bindings=False, can_focus=False):
    """Values of the tracked variables after each revealed step; a value that changed is emphasised.

    It follows the walkthrough (the newest step's column is scrolled into view), so it takes no keys of
    its own: the walkthrough's keys stay with the walkthrough. The mouse wheel scrolls it.
    """

    BINDINGS: ClassVar[list[BindingType]] = []

    def __init__(self, variables: Sequence[Tracked], **kw) -> None:
        kw.setdefault("cursor_type", "column")
        kw.setdefault("show_cursor", False)
        kw.setdefault("fixed_columns", 1)
        super().__init__(**kw)
        self.variables: tuple[Tracked, ...] = tuple(variables)

    def on_mount(self) -> None:
        self.add_column(literal("variable"), key="label")
        for index, tracked in enumerate(self.variables):
            self.add_row(literal(tracked.label or tracked.variable), key=f"v{index}")

    # -- StepTable hooks: one column per step -----------------------------------------------------
    def _step_changed(self, index: int) -> None:
        self._fill_column(index)
        if index + 1 < len(self._shown):
            self._fill_column(index + 1)  # "changed" emphasis compares with the step before

    def _remove_step(self, index: int) -> None:
        self.remove_column(f"s{index}")

    def _point_at(self, upto: int) -> None:
        # the (invisible) column cursor follows the newest step; its column is scrolled into view now, with
        # the widths just measured (a scroll after the next refresh used a stale, narrower virtual size)
        self.move_cursor(column=upto, animate=False, scroll=False)
        if self.is_mounted and self.size:
            self._scroll_to_newest()
        else:
            self.call_after_refresh(self._scroll_to_newest)

    def on_resize(self) -> None:
        """Narrower or newly laid out (a fresh tracker in the playground): the newest column stays in view."""
        self.call_after_refresh(self._scroll_to_newest)

    def _scroll_to_newest(self) -> None:
        if not (self.is_mounted and self.size) or self.upto >= len(self.columns):
            return
        top = self._get_fixed_offset().top
        x, _, width, height = self._get_column_region(self.upto)
        self.scroll_region_now(Region(x, int(self.scroll_y) + top, width, max(1, height - top)))

    def _add_steps(self, upto: int) -> None:
        while len(self._shown) < upto:
            index = len(self._shown)
            step = self._steps[index]
            self._shown.append(step)
            self.add_column(Text(str(index + 1)), key=f"s{index}")
            self._fill_column(index, update_width=True)

    def value(self, step_index: int, tracked: Tracked) -> Any:
        return self._shown[step_index].get(tracked.variable)

    def changed(self, step_index: int, tracked: Tracked) -> bool:
        """Did this variable change at this step (compared with the step before)?"""
        if step_index == 0:
            return self.value(0, tracked) is not None
        return self.value(step_index, tracked) != self.value(step_index - 1, tracked)

    def _fill_column(self, index: int, *, update_width: bool = False) -> None:
        for row, tracked in enumerate(self.variables):
            text = literal(abbreviate(format_value(self.value(index, tracked)), CELL_WIDTH))
            if self.changed(index, tracked):
                text.style = CHANGED_STYLE
            self.update_cell(f"v{row}", f"s{index}", text, update_width=update_width)
