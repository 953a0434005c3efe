"""The quiz views: visual (trace questions), practice (every normal question), test (a scored run), review.

One widget, four modes, and no rules of its own: a :class:`~tutor.lesson.quiz_session.QuizSession` decides
which questions are asked, in which order their choices come, what may be done next and what a test scores
(read that module for the rules). The widget shows the session, turns keys and clicks into its actions,
posts what happened (``AnswerSubmitted``, ``TestFinished``, ``StepRequested``) and hands every confirmed
answer and test attempt to the app's one :class:`~tutor.ui.recorder.Recorder` (its one error policy).

* Visual quiz and review: a :class:`~tutor.ui.widgets.quiz_trace.QuizTrace` (the execution table and
  the variable tracker, read-only) shows the trace up to the question's step above the question; the
  question, its choices and the verdict keep their rows at every size from 80×24, the trace giving way.
* Every "see step N" link can be focused (Tab) and followed with Enter; ``s`` follows the first.
* Each answer reports how long its question was on screen (``seconds``; :mod:`tutor.review` rates speed).

Lesson text goes through :func:`tutor.ui.text.literal` (in :mod:`tutor.ui.widgets.quiz_text`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Click
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from tutor.lesson import grading
from tutor.lesson.quiz_session import MODES, AnswerState, QuizMode, QuizSession
from tutor.ui.modals.dialogs import Choice, ConfirmScreen
from tutor.ui.recorder import Recorder
from tutor.ui.styles import Styled
from tutor.ui.text import literal
from tutor.ui.widgets import quiz_text
from tutor.ui.widgets.execution_table import ExecutionTable
from tutor.ui.widgets.quiz_lines import ChoiceLine, StepLink, show_links
from tutor.ui.widgets.quiz_trace import COMPACT_HEIGHT, QuizTrace

if TYPE_CHECKING:
    from tutor.lesson.loader import LoadedLesson
    from tutor.lesson.model import Question

LETTERS = grading.LETTERS
MODE_TITLES: dict[str, str] = {"visual": "Visual quiz", "practice": "Practice", "test": "Test", "review": "Review"}
#: Modes that show the trace above the question.
TRACE_MODES = ("visual", "review")


class QuizView(Styled, Widget, can_focus=True):
    """Multiple-choice questions of one lesson, in one of four modes: a view of its QuizSession."""

    STYLES: ClassVar[tuple[str, ...]] = ("widgets/quiz",)

    BINDINGS = [
        Binding("1", "choose(1)", "Choose", key_display="1-6/a-f"),
        *(Binding(str(n), f"choose({n})", f"Choose {LETTERS[n - 1]}", show=False) for n in range(2, 7)),
        *(Binding(letter, f"choose({n})", f"Choose {letter}", show=False) for n, letter in enumerate(LETTERS, 1)),
        Binding("enter", "submit", "Submit"),
        Binding("enter", "reveal", "Show answer"),
        Binding("r", "retry", "Try again"),
        Binding("h", "hint", "Hint"),
        Binding("n", "next", "Next"),
        Binding("right", "next", "Next", show=False),
        Binding("p", "previous", "Previous"),
        Binding("left", "previous", "Previous", show=False),
        Binding("s", "see_step", "See step"),
        Binding("tab", "focus_link(1)", "Links"),
        Binding("shift+tab", "focus_link(-1)", "Previous link", show=False),
        Binding("f", "finish", "Finish test"),
        Binding("r", "retake", "Retake"),
        Binding("up", "scroll_body(-1)", "Scroll up", show=False),
        Binding("down", "scroll_body(1)", "Scroll down", show=False),
        Binding("pageup", "scroll_body(-10)", "Page up", show=False),
        Binding("pagedown", "scroll_body(10)", "Page down", show=False),
    ]

    class StepRequested(Message):
        """The learner asked to see a step of the execution table ("see step N")."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    class AnswerSubmitted(Message):
        """The learner confirmed an answer (already recorded through the recorder, if it records)."""

        def __init__(
            self,
            question_id: str,
            correct: bool,
            *,
            chosen: tuple[int, ...] = (),
            hints_used: int = 0,
            seconds: float | None = None,
        ) -> None:
            super().__init__()
            self.question_id = question_id
            self.correct = correct
            self.chosen = chosen
            self.hints_used = hints_used
            self.seconds = seconds

    class TestFinished(Message):
        """A test was completed and scored."""

        def __init__(self, correct: int, total: int, score: float) -> None:
            super().__init__()
            self.correct = correct
            self.total = total
            self.score = score

    #: Seconds for answer times (monotonic: a changed wall clock does not make an answer slow; tests replace it).
    clock: Callable[[], float] = staticmethod(time.monotonic)

    def __init__(
        self,
        loaded: LoadedLesson,
        mode: QuizMode,
        recorder: Recorder | None,
        seed: int | None = None,
        *,
        shuffle: bool = True,
        questions: list[Question] | None = None,
        **kw,
    ) -> None:
        """``seed``, ``shuffle``, ``questions``: as :class:`QuizSession` takes them (a test's seed None: each
        attempt's seed from the lesson's attempt number, as the app does)."""
        super().__init__(**kw)
        if mode not in MODES:
            raise ValueError(f"unknown quiz mode {mode!r}")
        self.loaded = loaded
        self.mode: QuizMode = mode
        self.recorder = recorder if recorder is not None else Recorder()
        """Where answers and test attempts are recorded (one that records nothing by default)."""
        lesson_id = loaded.lesson.id
        testing = mode == "test" and questions is None
        self.session = QuizSession(
            loaded.lesson,
            mode,
            seed=seed,
            shuffle=shuffle,
            questions=questions,
            recorded_attempts=self._recorded_attempts() if testing else None,
            right_last_time=self.recorder.right_in_last_attempt(lesson_id) if testing else (),
        )
        self.add_class(f"-{mode}")

    def _recorded_attempts(self) -> int | None:
        """The lesson's recorded test attempts (None when nothing is recorded)."""
        return len(self.recorder.attempts(self.loaded.lesson.id)) if self.recorder.recording else None

    # -- the session, as the tests and the screens read it -------------------------------------
    @property
    def questions(self) -> list[Question]:
        return self.session.questions

    @property
    def index(self) -> int:
        return self.session.index

    @property
    def seed(self) -> int:
        return self.session.seed

    @property
    def finished(self) -> bool:
        return self.session.finished

    @property
    def question(self) -> Question | None:
        return self.session.question

    @property
    def state(self) -> AnswerState | None:
        return self.session.state

    def _go(self, index: int) -> None:
        self.session.go(index, self.clock())
        self._show()
        self._body.scroll_home(animate=False)

    @property
    def _body(self) -> VerticalScroll:
        return self.query_one("#quiz-body", VerticalScroll)

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="quiz-header")
        with Vertical(id="quiz-main"):
            if self.mode in TRACE_MODES:
                yield QuizTrace(self.loaded.lesson, id="quiz-trace")
            with VerticalScroll(id="quiz-body", can_focus=False):
                with Vertical(id="quiz-question"):
                    yield Static("", id="quiz-prompt")
                    yield Static("", id="quiz-code")
                    yield Static("", id="quiz-kind")
                    for i in range(6):
                        yield ChoiceLine(i, id=f"quiz-choice-{i}", classes="quiz-choice")
                    yield Static("", id="quiz-hints")
                    yield Static("", id="quiz-verdict")
                    yield Static("", id="quiz-feedback")
                    yield Static("", id="quiz-solution")
                    yield Horizontal(id="quiz-step-links")
                with Vertical(id="quiz-score"):
                    yield Static("", id="quiz-score-summary")
                    yield Vertical(id="quiz-review")
                yield Static("", id="quiz-empty")

    def on_mount(self) -> None:
        if self.mode in TRACE_MODES:
            self.query_one(QuizTrace).set_steps(self.loaded.steps)
        self._show()
        # code is highlighted with the light or the dark palette: follow theme switches
        self.watch(self.app, "theme", lambda _theme: self._show(), init=False)

    def on_resize(self) -> None:
        self.set_class(self.size.height < COMPACT_HEIGHT, "-compact")
        self.call_after_refresh(self._fit_trace)

    def _fit_trace(self) -> None:
        """The question, all its choices and the verdict keep their rows; the trace above gets what is left."""
        if self.mode not in TRACE_MODES or not self.is_mounted:
            return
        trace = self.query_one(QuizTrace)
        if trace.display:
            room = self.query_one("#quiz-main").size.height - self.query_one("#quiz-question").outer_size.height
            trace.fit(room, compact=self.has_class("-compact"))

    # -- rendering -----------------------------------------------------------------------------

    def _show(self) -> None:
        session = self.session
        empty = not session.questions
        self.query_one("#quiz-empty").display = empty
        self.query_one("#quiz-question").display = not empty and not session.finished
        self.query_one("#quiz-score").display = session.finished
        if self.mode in TRACE_MODES:
            q = session.question
            self.query_one("#quiz-trace").display = not empty and q is not None and session.trace_step(q) is not None
        if empty:
            self.query_one("#quiz-header", Static).update(MODE_TITLES[self.mode])
            self.query_one("#quiz-empty", Static).update("This lesson has no questions for this mode.")
        elif session.finished:
            self._render_score()
        else:
            self._render_question()
        self.refresh_bindings()
        self.call_after_refresh(self._fit_trace)

    def _render_question(self) -> None:
        session = self.session
        q, st = session.question, session.state
        assert q is not None and st is not None
        self.query_one("#quiz-header", Static).update(quiz_text.header(session, MODE_TITLES[self.mode]))
        session.shown(self.clock())
        trace_step = session.trace_step(q)
        if trace_step is not None:
            self.query_one(QuizTrace).reveal(trace_step)

        self.query_one("#quiz-prompt", Static).update(literal(q.prompt))
        code = self.query_one("#quiz-code", Static)
        code.display = q.code is not None
        if q.code is not None:
            dark = self.app.current_theme.dark if self.is_mounted else True
            code.update(quiz_text.code_text(q.code.source, q.code.language, dark=dark))
        self.query_one("#quiz-kind", Static).update(quiz_text.kind(session, self.loaded.lesson))

        order = session.order
        reveal = st.revealed
        judged = st.submitted and self.mode != "test"  # a wrong try is marked, the right choice is not
        for pos in range(6):
            line = self.query_one(f"#quiz-choice-{pos}", ChoiceLine)
            line.display = pos < len(order)
            if pos >= len(order):
                continue
            choice = q.choices[order[pos]]
            chosen = order[pos] in st.chosen
            mark = ("[x]" if chosen else "[ ]") if q.multiple else ("(•)" if chosen else ("( )"))
            line.update(Text.assemble(f"{mark} {LETTERS[pos]}) ", literal(choice.text)))
            line.set_class(chosen, "-chosen")
            line.set_class(reveal and choice.correct, "-correct")
            line.set_class(judged and chosen and not choice.correct, "-wrong")

        hints = self.query_one("#quiz-hints", Static)
        hints.display = st.hints > 0
        if st.hints:
            hints.update(quiz_text.hints_text(q, st.hints))

        verdict = self.query_one("#quiz-verdict", Static)
        verdict.display = judged
        verdict.set_class(judged and st.correct, "-right")
        verdict.set_class(judged and not st.correct, "-wrong")
        if judged:
            if st.correct:
                verdict.update("✓ Correct" + (" on the second try" if st.tries > 1 else ""))
            elif session.can_retry(st):
                verdict.update("✗ Not quite. Press r to try once more, or Enter to see the answer.")
            else:
                verdict.update("✗ Not quite")
        feedback = self.query_one("#quiz-feedback", Static)
        notes = quiz_text.feedback_text(q, order, st) if judged else None
        feedback.display = notes is not None
        if notes is not None:
            feedback.update(notes)
        solution = self.query_one("#quiz-solution", Static)
        solution.display = reveal
        if reveal:
            with_steps = self.mode in ("practice", "review")
            solution.update(quiz_text.solution_text(q, order, with_steps=with_steps))
        self._render_links(q)

    def _render_links(self, q: Question) -> None:
        """One focusable link per step of the question (not in a test or a review: it would give answers away)."""
        box = self.query_one("#quiz-step-links", Horizontal)
        if show_links(box, [int(step) for step in q.steps] if self.session.shows_links() else []):
            self.focus()  # a link that had the focus is gone: the quiz keeps the keys

    def _render_score(self) -> None:
        session = self.session
        self.query_one("#quiz-header", Static).update(
            f"Test · attempt {session.attempt_number} · finished · seed {session.seed}"
        )
        self.query_one("#quiz-score-summary", Static).update(quiz_text.score_summary(session))
        review = self.query_one("#quiz-review", Vertical)
        review.remove_children()
        items = [
            Static(
                quiz_text.review_item(n, q, st, order),
                classes="quiz-review-item " + ("-right" if st.correct else "-wrong"),
            )
            for n, (q, st, order) in enumerate(zip(session.questions, session.states, session.orders, strict=True), 1)
        ]
        review.mount_all(items)

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "scroll_body":
            return True
        return self.session.allows(action, parameters[0] if parameters else None)

    def action_choose(self, number: int) -> None:
        if not self.session.choose(number):
            return
        if not self.has_focus:
            self.focus()  # Enter submits again (a focused step link would take it)
        self._show()

    def action_submit(self) -> None:
        session = self.session
        before = session.index
        done = session.submit(self.clock())
        if done is None:
            return
        if self.recorder.recording:
            self.recorder.answer(
                self.loaded.lesson.id,
                done.question.id,
                self.mode,
                done.chosen,
                done.correct,
                done.hints_used,
                attempt_id=self._attempt_id() if self.mode == "test" else None,
                seconds=done.seconds,
            )
        self.post_message(
            self.AnswerSubmitted(
                done.question.id, done.correct, chosen=done.chosen, hints_used=done.hints_used, seconds=done.seconds
            )
        )
        if done.finished:
            self._finished()
        elif session.index != before:
            self._show()
            self._body.scroll_home(animate=False)
        else:
            self._show()

    def _attempt_id(self) -> int | None:
        """The test attempt's id in the store, recording it (seed, questions) on its first answer."""
        session = self.session
        if session.attempt_id is None and self.recorder.recording:
            record = self.recorder.start_attempt(self.loaded.lesson.id, session.seed, session.question_ids)
            if record is not None:
                session.attempt_recorded(record.id, record.number)
        return session.attempt_id

    def action_retry(self) -> None:
        """Practice: a second try after a wrong answer (the first stays recorded as wrong)."""
        if self.session.retry():
            self._show()

    def action_reveal(self) -> None:
        """Practice: no second try, show the answer and the solution."""
        if self.session.reveal():
            self._show()

    def action_finish(self) -> None:
        """Ask before finishing a test with questions unanswered (y finishes; n or Escape goes on)."""
        if not self.check_action("finish", ()):
            return
        left = self.session.unanswered
        question = (
            f"Finish now? {left} unanswered question{'s' if left != 1 else ''} "
            f"{'count' if left != 1 else 'counts'} as wrong."
        )
        choices = [Choice("y", "Yes, finish the test", "finish"), Choice("n", "No, go on", "cancel")]

        def done(answer: str | None) -> None:
            if answer == "finish" and not self.session.finished:
                self.session.finish()
                self._finished()

        self.app.push_screen(ConfirmScreen(question, "", choices), done)

    def _finished(self) -> None:
        """The session scored the test: record it, say so and show the score."""
        result = self.session.result
        assert result is not None
        if self.recorder.recording:
            self.recorder.test(
                self.loaded.lesson.id, result.correct, result.total, result.percentage, attempt_id=self._attempt_id()
            )
        self.post_message(self.TestFinished(result.correct, result.total, result.percentage))
        self._show()
        self._body.scroll_home(animate=False)

    def action_hint(self) -> None:
        if self.session.hint():
            self._show()

    def action_next(self) -> None:
        if self.check_action("next", ()):
            self._go(self.session.index + 1)

    def action_previous(self) -> None:
        if self.check_action("previous", ()):
            self._go(self.session.index - 1)

    def action_see_step(self) -> None:
        """``s``: the question's first step (Tab reaches the links of the others)."""
        q = self.session.question
        if self.check_action("see_step", ()) and q is not None:
            self.request_step(int(q.steps[0]))  # (a loaded ref is a number)

    def request_step(self, step: int) -> None:
        self.post_message(self.StepRequested(step))

    def action_focus_link(self, direction: int) -> None:
        """Tab / shift+Tab: the next / previous step link; past the last one, back to the question."""
        if not self.check_action("focus_link", (direction,)):
            return
        links = list(self.query(StepLink))
        if not links:
            return
        stops: list[Widget] = [self, *links]
        focused = self.app.focused
        at = stops.index(focused) if focused in stops else 0
        target = stops[(at + direction) % len(stops)]
        target.focus()
        if isinstance(target, StepLink):
            self._body.scroll_to_widget(target, animate=False)

    def action_retake(self) -> None:
        if not self.check_action("retake", ()):
            return
        self.session.retake(self._recorded_attempts())
        self.query_one("#quiz-review", Vertical).remove_children()
        self._show()
        self._body.scroll_home(animate=False)

    def action_scroll_body(self, lines: int) -> None:
        self._body.scroll_relative(y=lines, animate=False)

    @on(ExecutionTable.ValueRequested)
    def _value_requested(self, event: ExecutionTable.ValueRequested) -> None:
        event.stop()  # the quiz's table is read-only

    def on_click(self, event: Click) -> None:
        """A click anywhere in the quiz gives it the keys."""
        self.focus()

    @on(ChoiceLine.Clicked)
    def _choice_clicked(self, event: ChoiceLine.Clicked) -> None:
        event.stop()
        self.focus()
        self.action_choose(event.index + 1)

    @on(StepLink.Followed)
    def _link_followed(self, event: StepLink.Followed) -> None:
        event.stop()
        self.request_step(event.step)


__all__ = ["AnswerState", "ChoiceLine", "QuizMode", "QuizView", "StepLink"]
