"""Readable views: key moments (with "see step N" links), the snapshot and the transcript."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tutor.lesson.model import KeyMoment
from tutor.ui.prose import prose
from tutor.ui.styles import Styled
from tutor.ui.text import literal


class MomentsView(Styled, OptionList):
    """Each moment's question and answer, then one "see step N" link per step (Enter or click jumps).

    Every link is a stop for ``↑`` / ``↓`` (a moment's own text follows its first step), the first link
    is highlighted when the view opens, and the footer names the keys.
    """

    STYLES: ClassVar[tuple[str, ...]] = ("widgets/readable",)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor_down", "Next link", key_display="↓"),
        Binding("up", "cursor_up", "Previous link", key_display="↑", show=False),
        Binding("enter", "select", "See step"),
    ]

    class StepSelected(Message):
        """The learner chose "see step N"."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def __init__(self, moments: list[KeyMoment], **kw) -> None:
        options: list[Option | None] = []
        for m_index, moment in enumerate(moments):
            if m_index:
                options.append(None)  # a separator line
            text = Text("Q: ", style="bold")
            text.append_text(literal(moment.question))
            text.append("\nA: ", style="bold")
            text.append_text(literal(moment.answer))
            first = moment.steps[0] if moment.steps else None
            options.append(Option(text, id=f"m{m_index}" if first else None, disabled=first is None))
            for step in moment.steps:
                options.append(Option(Text(f"   → see step {step}", style="underline"), id=f"m{m_index}-s{step}"))
        if not moments:
            options.append(Option(Text("This lesson has no key moments."), disabled=True))
        super().__init__(*options, **kw)
        self.moments = moments

    def on_mount(self) -> None:
        # after the option list's own set-up (which highlights the first option, a moment's text)
        self.call_after_refresh(self._highlight_first_link)

    def _highlight_first_link(self) -> None:
        first_link = next((i for i, o in enumerate(self._options) if o.id and "-s" in o.id), None)
        if first_link is not None and self.highlighted in (None, 0):
            self.highlighted = first_link

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("select", "cursor_down", "cursor_up"):
            return any(o.id for o in self._options)  # no links: the keys are not offered
        return True

    @staticmethod
    def step_of(option_id: str, moments: list[KeyMoment]) -> int | None:
        if "-s" in option_id:
            return int(option_id.rsplit("-s", 1)[1])
        moment = moments[int(option_id[1:])]
        return int(moment.steps[0]) if moment.steps else None  # (a loaded ref is a number)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list is not self:
            return
        event.stop()
        if event.option_id:
            step = self.step_of(event.option_id, self.moments)
            if step is not None:
                self.post_message(self.StepSelected(step))


class ReadableText(Styled, VerticalScroll):
    """A long lesson text (snapshot, transcript), scrollable: paragraphs reflowed to the width, inline
    code styled (:func:`tutor.ui.prose.prose`), every piece shown literally."""

    STYLES: ClassVar[tuple[str, ...]] = ("widgets/readable",)

    COMPONENT_CLASSES: ClassVar[set[str]] = {"readable-text--code"}

    def __init__(self, text: str, **kw) -> None:
        super().__init__(**kw)
        self.text = text

    def compose(self) -> ComposeResult:
        yield Static(prose(self.text), classes="readable-text")

    def on_mount(self) -> None:
        self.query_one(".readable-text", Static).update(
            prose(self.text, self.get_component_rich_style("readable-text--code", partial=True))
        )
