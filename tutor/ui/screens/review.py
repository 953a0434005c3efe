"""The review screen (`tutor review`, or the Review entry of the picker): the due cards of every lesson,
one at a time, each asked like a practice question with the trace up to its context above it.

The rules (which answers make cards, ratings, FSRS) are :mod:`tutor.review`'s; this screen shows a card,
hands the learner's answer (with its hints and time) to :meth:`ReviewDeck.answer`, which records it and
reschedules the card in one transaction, and says what FSRS decided.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from tutor.review import RATING_NAMES, when
from tutor.ui.recorder import recorder_of
from tutor.ui.styles import Styled
from tutor.ui.text import literal
from tutor.ui.widgets.quiz import QuizView

if TYPE_CHECKING:
    from tutor.progress import CardChange
    from tutor.review import DueItem, ReviewDeck


class ReviewScreen(Styled, Screen):
    """Due review cards, one at a time; ``n`` (or Enter) after an answer shows the next."""

    STYLES: ClassVar[tuple[str, ...]] = ("screens/review",)

    HELP_TITLE = "Review"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n,enter", "next_card", "Next card"),
        Binding("question_mark", "help", "Help"),
        Binding("q,escape", "back", "Back"),
    ]

    def __init__(
        self, items: list[DueItem], deck: ReviewDeck | None, *, skipped: int = 0, next_due: float | None = None, **kw
    ) -> None:
        """``items``: the due cards to ask; ``deck``: where answers go (None: not saved); ``skipped``: due
        cards whose lesson or question cannot be found; ``next_due``: when the next card not in ``items``
        is due (for the message when there is nothing to review)."""
        super().__init__(**kw)
        self.items = items
        self.deck = deck
        self.skipped = skipped
        self.next_due = next_due
        self.index = 0
        self.answered: CardChange | None = None
        self.results: list[tuple[DueItem, bool, CardChange | None]] = []
        self.finished = not items

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield Static("", id="review-status")
        yield Vertical(id="review-card")
        yield Static("", id="review-result")
        yield Static("", id="review-done")
        yield Footer()

    async def on_mount(self) -> None:
        self.title = "Session Tutor"
        self.sub_title = "Review"
        await self._show()

    # -- showing ------------------------------------------------------------------------------------
    @property
    def quiz(self) -> QuizView | None:
        found = self.query("#review-quiz")
        return found.first(QuizView) if found else None

    async def _show(self) -> None:
        status = self.query_one("#review-status", Static)
        card_box = self.query_one("#review-card", Vertical)
        result = self.query_one("#review-result", Static)
        done = self.query_one("#review-done", Static)
        await card_box.remove_children()
        result.display = False
        done.display = self.finished
        card_box.display = not self.finished
        if self.finished:
            status.update(f"Review · {len(self.results)} of {len(self.items)} cards" if self.items else "Review")
            done.update(self._done_text())
            self.refresh_bindings()
            return
        item = self.items[self.index]
        status.update(
            Text.assemble(
                (f"Card {self.index + 1} of {len(self.items)}", "bold"),
                f" · due {self._due_words(item)} · ",
                literal(item.loaded.lesson.title),
            )
        )
        quiz = QuizView(
            item.loaded, "review", None, seed=int(item.card.due), questions=[item.question], id="review-quiz"
        )
        await card_box.mount(quiz)
        quiz.focus()
        self.refresh_bindings()

    def _due_words(self, item: DueItem) -> str:
        now = self.deck.clock() if self.deck is not None else item.card.due
        late = now - item.card.due
        if late < 0:  # review ahead: FSRS rates the answer as an early review
            return f"{when(item.card.due, now)} · early review"
        if late < 3600:
            return "now"
        return when(now, item.card.due).removeprefix("in ") + " ago"

    def _done_text(self) -> Text:
        right = sum(1 for _, correct, _ in self.results if correct)
        lines: list[str] = []
        if self.results:
            lines.append(
                f"Review done: {len(self.results)} card{'s' if len(self.results) != 1 else ''}, {right} right."
            )
        else:
            lines.append("Nothing to review now.")
        if self.skipped:
            lines.append(
                f"{self.skipped} due card{'s' if self.skipped != 1 else ''} could not be shown: "
                "the lesson or question is gone (they stay saved)."
            )
        upcoming = self._next_due()
        if upcoming is not None and self.deck is not None:
            lines.append(f"Next card due {when(upcoming, self.deck.clock())}.")
        elif not self.results:
            lines.append("Cards come from questions you miss, need a hint for, or answer slowly.")
        lines.append("Press q to go back to the lessons.")
        return Text("\n\n".join(lines))

    def _next_due(self) -> float | None:
        dues = [c.card.due for _, _, c in self.results if c is not None]
        if self.next_due is not None:
            dues.append(self.next_due)
        return min(dues) if dues else None

    # -- answering ----------------------------------------------------------------------------------
    @on(QuizView.AnswerSubmitted)
    def _answered(self, event: QuizView.AnswerSubmitted) -> None:
        event.stop()
        item = self.items[self.index]
        change: CardChange | None = None
        deck = self.deck
        if deck is not None:
            change = recorder_of(self).call(
                lambda _store: deck.answer(item.card, event.chosen, event.correct, event.hints_used, event.seconds),
                None,
            )
        self.answered = change
        self.results.append((item, event.correct, change))
        result = self.query_one("#review-result", Static)
        result.display = True
        verdict = "✓ Right" if event.correct else "✗ Not quite"
        if change is None:
            text = f"{verdict} · not saved (progress is not being recorded) · n next card"
        else:
            text = (
                f"{verdict} · rated {RATING_NAMES[change.rating]} · next review {when(change.card.due, change.at)}"
                f" · n {'next card' if self.index + 1 < len(self.items) else 'finish'}"
            )
        result.update(text)
        result.set_class(event.correct, "-right")
        result.set_class(not event.correct, "-wrong")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_card":
            return not self.finished and len(self.results) > self.index
        return True

    async def action_next_card(self) -> None:
        if not self.check_action("next_card", ()):
            return
        self.answered = None
        if self.index + 1 < len(self.items):
            self.index += 1
        else:
            self.finished = True
        await self._show()

    def action_help(self) -> None:
        self.app.show_help(self)  # type: ignore[attr-defined]

    def action_back(self) -> None:
        self.app.leave_lesson(self)  # type: ignore[attr-defined]


__all__ = ["ReviewScreen"]
