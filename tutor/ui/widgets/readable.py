"""Readable views: key moments (with "see step N" links), the snapshot and the transcript."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tutor.lesson.model import KeyMoment
from tutor.ui.text import literal


class MomentsView(OptionList):
    """Each moment's question and answer, then one "see step N" link per step (Enter or click jumps)."""

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

    @staticmethod
    def step_of(option_id: str, moments: list[KeyMoment]) -> int | None:
        if "-s" in option_id:
            return int(option_id.rsplit("-s", 1)[1])
        moment = moments[int(option_id[1:])]
        return moment.steps[0] if moment.steps else None

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list is not self:
            return
        event.stop()
        if event.option_id:
            step = self.step_of(event.option_id, self.moments)
            if step is not None:
                self.post_message(self.StepSelected(step))


class ReadableText(VerticalScroll):
    """A long lesson text (snapshot, transcript), scrollable, shown literally."""

    def __init__(self, text: str, **kw) -> None:
        super().__init__(**kw)
        self.text = text

    def compose(self) -> ComposeResult:
        yield Static(literal(self.text), classes="readable-text")
