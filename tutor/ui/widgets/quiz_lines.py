"""The quiz's clickable lines: a choice (:class:`ChoiceLine`) and a "see step N" link (:class:`StepLink`).

They hold no quiz state: a click or Enter posts what was asked (``ChoiceLine.Clicked``,
``StepLink.Followed``) and the :class:`~tutor.ui.widgets.quiz.QuizView` around them acts on it.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding
from textual.containers import Horizontal
from textual.events import Click
from textual.message import Message
from textual.widgets import Static

from tutor.ui.styles import Styled


class ChoiceLine(Styled, Static):
    """One choice, clickable; ``index`` is its position on screen (0 = a)."""

    STYLES: ClassVar[tuple[str, ...]] = ("widgets/quiz_lines",)

    class Clicked(Message):
        """The learner clicked the choice at ``index`` (0 = a)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, index: int, **kw) -> None:
        super().__init__("", **kw)
        self.index = index

    def on_click(self, event: Click) -> None:
        event.stop()
        self.post_message(self.Clicked(self.index))


class StepLink(Styled, Static, can_focus=True):
    """ "→ step N": focusable; Enter or a click asks the lesson screen to show that step."""

    STYLES: ClassVar[tuple[str, ...]] = ("widgets/quiz_lines",)

    BINDINGS = [Binding("enter", "follow", "See this step")]

    class Followed(Message):
        """The learner followed the link to ``step``."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def __init__(self, step: int, label: str, **kw) -> None:
        super().__init__(label, **kw)
        self.step = step

    def action_follow(self) -> None:
        self.post_message(self.Followed(self.step))

    def on_click(self, event: Click) -> None:
        event.stop()
        self.focus()
        self.action_follow()


def show_links(box: Horizontal, steps: list[int]) -> bool:
    """``box`` holds one :class:`StepLink` per step of ``steps`` after a label (hidden when there is none);
    True when a link that had the focus was removed."""
    shown = [link.step for link in box.query(StepLink)]
    box.display = bool(steps)
    if shown == steps:
        return False
    had_focus = any(link.has_focus for link in box.query(StepLink))
    box.remove_children()
    if steps:
        word = "step" if len(steps) == 1 else "steps"
        box.mount(Static(f"See {word} in the walkthrough:", classes="quiz-links-label"))
        box.mount_all(StepLink(step, f"→ step {step}", classes="quiz-step-link") for step in steps)
    return had_focus
