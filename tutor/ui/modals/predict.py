"""The predict question of the walkthrough: "what happens next?", asked before a step is revealed.

A modal that sizes itself to its question (all choices visible), like the quizzes: `a`–`f` / `1`–`6`
choose (toggle, for a question with more than one right answer), Enter confirms. After the answer the same
box shows the ✓/✗ verdict and the feedback; Enter (or →, or Esc) goes on to the revealed step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tutor.lesson import grading
from tutor.lesson.model import Question
from tutor.ui.styles import Styled
from tutor.ui.text import literal

LETTERS = "abcdef"


def verdict_text(question: Question, chosen: list[int], correct: bool) -> Text:
    """ "✓ Right." / "✗ Not quite." with the chosen choices' feedback (and the right answer when wrong)."""
    feedback = [f for i in chosen if (f := question.choices[i].feedback)]
    said = feedback[0].lstrip().lower() if feedback else ""
    # feedback that already says "Right." / "No, ..." is not repeated by the verdict
    repeats = said.startswith(("right", "correct", "yes")) if correct else said.startswith(("no", "not", "wrong"))
    text = Text("✓ " if correct else "✗ ", style="bold")
    if not repeats:
        text.append("Right. " if correct else "Not quite. ", style="bold")
    if feedback:
        text.append_text(literal(" ".join(feedback)))
    if not correct:
        right = [question.choices[i].text for i in sorted(grading.correct_indexes(question))]
        text.append_text(literal(("\n" if feedback else "") + "Answer: " + "; ".join(right)))
    return text


class PredictScreen(Styled, ModalScreen[bool]):
    """Asks one predict question. ``on_answer(chosen)`` records the answer (choice indexes in the lesson
    file) and returns whether it was right; the screen is dismissed with True once answered and closed,
    False when closed unanswered (Esc before answering)."""

    STYLES: ClassVar[tuple[str, ...]] = ("modals/predict",)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "choose(0)", "Choose", key_display="a-f/1-6"),
        *(Binding(str(n + 1), f"choose({n})", f"Choice {LETTERS[n]}", show=False) for n in range(1, 6)),
        *(Binding(letter, f"choose({n})", f"Choice {letter}", show=False) for n, letter in enumerate(LETTERS)),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("space", "pick", "Pick", show=False),
        Binding("enter", "confirm", "Confirm"),
        Binding("right,n", "continue", "Next step", show=False),
        Binding("escape", "close", "Back"),
    ]

    def __init__(
        self, step: int, question: Question, order: list[int], on_answer: Callable[[list[int]], bool], **kw
    ) -> None:
        super().__init__(**kw)
        self.step = step
        self.question = question
        self.order = order
        self.on_answer = on_answer
        self.picks: set[int] = set()  # choice indexes in the lesson file
        self.highlighted = 0  # position on screen
        self.answered: bool | None = None  # None until confirmed, then whether it was right

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="predict-body") as body:
            body.border_title = f"What happens next? (step {self.step})"
            body.border_subtitle = "a-f choose · Enter confirm · Esc back"
            yield Static(self._prompt(), id="predict-prompt")
            yield Static(self._choices(), id="predict-choices")
            yield Static(id="predict-result")

    def _prompt(self) -> Text:
        prompt = literal(self.question.prompt)
        if self.question.multiple:
            prompt.append("\n(more than one is right: pick each, then Enter)", style="italic")
        return prompt

    def _choices(self) -> Text:
        text = Text()
        right = grading.correct_indexes(self.question) if self.answered is not None else set()
        for shown, index in enumerate(self.order):
            if shown:
                text.append("\n")
            picked = index in self.picks
            if self.question.multiple:
                mark = "☑ " if picked else "☐ "
            else:
                mark = "● " if picked else "○ "
            if self.answered is not None:
                mark = "✓ " if index in right else ("✗ " if picked else "  ")
            line = Text(f"{mark}{LETTERS[shown]}) ")
            line.append_text(literal(self.question.choices[index].text))
            if shown == self.highlighted and self.answered is None:
                line.stylize("reverse")
            elif picked:
                line.stylize("bold")
            text.append_text(line)
        return text

    def _redraw(self) -> None:
        self.query_one("#predict-choices", Static).update(self._choices())

    # -- keys ---------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("choose", "move", "pick"):
            if self.answered is not None:
                return False
            if action == "choose":
                return isinstance(parameters[0], int) and parameters[0] < len(self.order)
        if action == "continue":
            return self.answered is not None
        return True

    def action_choose(self, shown: int) -> None:
        if self.answered is not None or not 0 <= shown < len(self.order):
            return
        index = self.order[shown]
        if self.question.multiple:
            self.picks ^= {index}
        else:
            self.picks = {index}
        self.highlighted = shown
        self._redraw()
        self.refresh_bindings()

    def action_move(self, delta: int) -> None:
        """↑/↓: move through the choices; with one right answer the choice moved to is the one picked."""
        self.highlighted = (self.highlighted + delta) % len(self.order)
        if not self.question.multiple:
            self.picks = {self.order[self.highlighted]}
        self._redraw()

    def action_pick(self) -> None:
        """Space: pick or unpick the highlighted choice (a question with more than one right answer)."""
        self.action_choose(self.highlighted)

    def action_confirm(self) -> None:
        if self.answered is not None:
            self.dismiss(True)
            return
        if not self.picks:
            # Enter on the highlighted choice of a one-answer question picks it, like a list
            if self.question.multiple:
                self.notify("Pick at least one choice first", severity="warning", timeout=3)
                return
            self.picks = {self.order[self.highlighted]}
        chosen = sorted(self.picks)
        self.answered = self.on_answer(chosen)
        result = self.query_one("#predict-result", Static)
        result.update(verdict_text(self.question, chosen, self.answered))
        result.set_class(self.answered, "-right")
        result.set_class(not self.answered, "-wrong")
        body = self.query_one("#predict-body")
        body.border_subtitle = "Enter or → continue"
        self._redraw()
        self.refresh_bindings()

    def action_continue(self) -> None:
        self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(self.answered is not None)

    def on_click(self, event: events.Click) -> None:
        """A click on a choice picks it."""
        widget, _ = self.get_widget_at(event.screen_x, event.screen_y)
        if widget.id != "predict-choices" or self.answered is not None:
            return
        width = widget.content_region.width
        y = event.screen_y - widget.content_region.y
        line = 0
        for shown, index in enumerate(self.order):
            choice = Text(f"○ {LETTERS[shown]}) ") + literal(self.question.choices[index].text)
            height = len(choice.wrap(self.app.console, width))
            if line <= y < line + height:
                self.action_choose(shown)
                return
            line += height
