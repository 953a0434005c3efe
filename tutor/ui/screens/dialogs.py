"""Small modal dialogs."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tutor.engine.trace import Step
from tutor.lesson.model import Column
from tutor.ui.text import format_value_full, literal
from tutor.ui.widgets.execution_table import column_heading


def step_values(step: Step, columns: list[Column] | tuple[Column, ...]) -> Text:
    """Every column of a step, unabridged, followed by the step's tracked variables."""
    text = Text()
    shown = set()
    for column in columns:
        shown.add(column.field)
        heading = literal(column_heading(column))
        heading.stylize("bold")
        text.append_text(heading)
        text.append("\n")
        text.append_text(literal(format_value_full(step.get(column.field))))
        text.append("\n\n")
    for name in ("action", "result", "session_id", "user"):
        if name not in shown:
            text.append(f"{name}\n", style="bold")
            text.append_text(literal(format_value_full(step.get(name))))
            text.append("\n\n")
    text.rstrip()
    return text


class ValueScreen(ModalScreen[None]):
    """The full values of one execution-table row."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter,v", "close", "Close"),
    ]

    def __init__(self, step: Step, columns, **kw) -> None:
        super().__init__(**kw)
        self.step = step
        self.columns = tuple(columns)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="value-body") as body:
            body.border_title = f"Step {self.step.step} · {self.step.phase}"
            body.border_subtitle = "Esc closes"
            yield Static(step_values(self.step, self.columns), id="value-text")

    def action_close(self) -> None:
        self.dismiss(None)
