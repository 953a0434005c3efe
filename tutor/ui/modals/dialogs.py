"""Small modal dialogs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tutor.engine.trace import Step
from tutor.lesson.model import Column
from tutor.ui.columns import column_heading
from tutor.ui.styles import Styled
from tutor.ui.text import format_value_full, literal


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
        text.append_text(literal(format_value_full(step.get(column.field), column.field)))
        text.append("\n\n")
    for name in ("action", "result", "session_id", "user"):
        if name not in shown:
            text.append(f"{name}\n", style="bold")
            text.append_text(literal(format_value_full(step.get(name))))
            text.append("\n\n")
    text.rstrip()
    return text


class ValueScreen(Styled, ModalScreen[None]):
    """The full values of one execution-table row (after the step's narration, when given: a short
    terminal shows only the start of a long narration and sends the learner here for the rest)."""

    STYLES: ClassVar[tuple[str, ...]] = ("modals/dialogs",)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter,v", "close", "Close"),
    ]

    def __init__(self, step: Step, columns, narration: Text | None = None, **kw) -> None:
        super().__init__(**kw)
        self.step = step
        self.columns = tuple(columns)
        self.narration = narration

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="value-body") as body:
            body.border_title = f"Step {self.step.step} · {self.step.phase}"
            body.border_subtitle = "Esc closes"
            if self.narration is not None:
                yield Static(self.narration, id="value-narration")
            yield Static(step_values(self.step, self.columns), id="value-text")

    def action_close(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class Choice:
    """One answer of a :class:`ConfirmScreen`: the key that picks it, its label, the value returned."""

    key: str
    label: str
    value: str


class ConfirmScreen(Styled, ModalScreen[str | None]):
    """Ask before something that cannot be undone; dismissed with the chosen :class:`Choice`'s value.

    The choices are a list: each has a key of its own (``y``, ``e`` ...), or ↑/↓ and Enter pick one
    (the first is highlighted unless ``default`` names another); Escape answers ``None`` (nothing happens).
    Every text is shown literally (it may hold names the learner typed).
    """

    STYLES: ClassVar[tuple[str, ...]] = ("modals/dialogs",)

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, detail: str, choices: Sequence[Choice], *, default: int = 0, **kw) -> None:
        super().__init__(**kw)
        self.question = question
        self.detail = detail
        self.choices = tuple(choices)
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(literal(self.question), id="confirm-question")
            if self.detail:
                yield Static(literal(self.detail), id="confirm-detail")
            options = [
                Option(Text.assemble((choice.key, "bold"), "  ", literal(choice.label)), id=choice.value)
                for choice in self.choices
            ]
            yield OptionList(*options, id="confirm-choices")
            keys = ", ".join(choice.key for choice in self.choices)
            yield Static(f"{keys}, or ↑ ↓ and Enter · Esc: cancel", id="confirm-keys", markup=False)

    def on_mount(self) -> None:
        choices = self.query_one("#confirm-choices", OptionList)
        choices.highlighted = self.default
        choices.focus()

    def on_key(self, event: events.Key) -> None:
        for choice in self.choices:
            if event.key == choice.key or event.character == choice.key:
                event.stop()
                event.prevent_default()
                self.dismiss(choice.value)
                return

    @on(OptionList.OptionSelected, "#confirm-choices")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
