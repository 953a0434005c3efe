"""The quiz views: visual (trace questions), practice (every normal question) and test (a scored run).

One widget, three modes. It owns no grading rules: which questions are asked, in which order the
choices come, what is right and what a test scores all come from :mod:`tutor.lesson.grading`.
Every confirmed answer is written to progress at once, through the app's :class:`~tutor.ui.recorder.Recorder`.

* Visual quiz: the execution table and the variable tracker (the walkthrough's widgets, read-only) show
  the trace up to the question's step above the question, so the answer is read off the trace.
* Practice: a wrong answer may be tried once more (``r``); the wrong first try is recorded as wrong.
* Test: each attempt has its own seed (the lesson's attempt number, or the one a test passes in), recorded
  with the questions drawn so the review can be replayed; a retake prefers questions not answered right
  last time; ``f`` finishes early after a confirmation, unanswered questions scoring as wrong.
* Every "see step N" link can be focused (Tab) and followed with Enter; ``s`` follows the first.
* Review (``tutor review``): the questions it is given (one card), with the trace up to the card's context
  step above it like the visual quiz; one try; nothing recorded here (the review screen records the card).
* Each answer records how long its question was on screen (``seconds``; :mod:`tutor.review` rates speed).

Lesson text (prompts, choices, hints, solutions ...) always goes through :func:`tutor.ui.text.literal`,
so an author's ``[bold]`` or an escape sequence is shown as typed, never interpreted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from rich.syntax import Syntax
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Click
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from tutor.lesson import grading
from tutor.review import context_step
from tutor.ui.modals.dialogs import Choice, ConfirmScreen
from tutor.ui.recorder import Recorder
from tutor.ui.text import literal
from tutor.ui.widgets.execution_table import ExecutionTable
from tutor.ui.widgets.variable_tracker import VariableTracker

if TYPE_CHECKING:
    from tutor.lesson.loader import LoadedLesson
    from tutor.lesson.model import Question
    from tutor.progress import AttemptRecord

QuizMode = Literal["visual", "practice", "test", "review"]

LETTERS = grading.LETTERS
MODE_TITLES: dict[str, str] = {"visual": "Visual quiz", "practice": "Practice", "test": "Test", "review": "Review"}
#: Modes that show the trace above the question.
TRACE_MODES = ("visual", "review")
#: How many questions a test asks.
TEST_LENGTH = 10
#: Tries a practice question allows (the first wrong one is recorded as wrong).
PRACTICE_TRIES = 2
#: Below this height the visual quiz's trace drops its borders (the question keeps room).
COMPACT_HEIGHT = 24


@dataclass
class AnswerState:
    """What the learner has done with one question."""

    chosen: set[int] = field(default_factory=set)
    """Original (file-order) indices of the chosen choices."""
    hints: int = 0
    """How many hints are shown."""
    submitted: bool = False
    correct: bool = False
    tries: int = 0
    """Answers submitted so far (practice allows a second try after a wrong one)."""
    revealed: bool = False
    """The verdict, the right answer and the solution are shown (not in a test before its end)."""
    seconds: float = 0.0
    """Time this question was on screen before the current try, while the learner looked at others."""
    shown_at: float | None = None
    """When the question was last shown (the quiz's clock), while it is on screen and not submitted."""


class ChoiceLine(Static):
    """One choice, clickable; ``index`` is its position on screen (0 = a)."""

    def __init__(self, index: int, **kw) -> None:
        super().__init__("", **kw)
        self.index = index

    def on_click(self, event: Click) -> None:
        event.stop()
        quiz = self.query_ancestor(QuizView)
        quiz.focus()
        quiz.action_choose(self.index + 1)


class StepLink(Static, can_focus=True):
    """ "→ step N": focusable; Enter or a click asks the lesson screen to show that step."""

    BINDINGS = [Binding("enter", "follow", "See this step")]

    def __init__(self, step: int, label: str, **kw) -> None:
        super().__init__(label, **kw)
        self.step = step

    def action_follow(self) -> None:
        self.query_ancestor(QuizView).request_step(self.step)

    def on_click(self, event: Click) -> None:
        event.stop()
        self.focus()
        self.action_follow()


class QuizView(Widget, can_focus=True):
    """Multiple-choice questions of one lesson, in one of three modes."""

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

    index: reactive[int] = reactive(0, init=False)
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
        """``seed``: the choice shuffle of practice and visual (default 0); in a test, the seed of the first
        attempt (later ones add 1 each), or None to derive each attempt's seed from the lesson's attempt
        number (:func:`grading.attempt_seed`), as the app does. ``questions``: ask these instead of the
        mode's (a review asks one card's question)."""
        super().__init__(**kw)
        if mode not in MODE_TITLES:
            raise ValueError(f"unknown quiz mode {mode!r}")
        self.loaded = loaded
        self.mode: QuizMode = mode
        self.recorder = recorder if recorder is not None else Recorder()
        """Where answers and test attempts are recorded (one that records nothing by default)."""
        self.given_seed = seed
        self.seed = seed if seed is not None else 0
        self.shuffle = shuffle or mode == "test"  # the test always shuffles; others unless told not to
        self.finished = False
        self.result: grading.TestScore | None = None
        self.questions: list[Question] = []
        self.states: list[AnswerState] = []
        self._orders: list[list[int]] = []
        #: test attempts started in this view, and the one under way (number, and its record once saved)
        self.attempts_here = 0
        self.attempt_number = 0
        self.attempt: AttemptRecord | None = None
        self._right_last_time: frozenset[str] = frozenset()
        self._given_questions = questions
        self._load_questions()
        self.add_class(f"-{mode}")

    # -- the questions -------------------------------------------------------------------------

    def _load_questions(self) -> None:
        lesson = self.loaded.lesson
        if self._given_questions is not None:
            questions = list(self._given_questions)
        elif self.mode == "visual":
            questions = list(grading.visual_questions(lesson))
        elif self.mode == "practice":
            questions = list(grading.practice_questions(lesson))
        else:
            questions = self._draw_test()
        self.questions = questions
        self.states = [AnswerState() for _ in questions]
        # Every mode shows the choices in a seeded shuffle: authors tend to write the right choice first,
        # and a learner must not be able to learn "it is usually a)". (`shuffle=False` keeps file order,
        # for tests that address choices by their position in the file.)
        if self.shuffle:
            self._orders = [list(grading.choice_order(q, self.seed)) for q in questions]
        else:
            self._orders = [list(range(len(q.choices))) for q in questions]
        self.finished = False
        self.result = None

    def _draw_test(self) -> list[Question]:
        """The next attempt's seed and questions. Nothing is written until its first answer (an attempt
        only looked at is asked again, the same, next time)."""
        lesson_id = self.loaded.lesson.id
        previous = self.states if self.attempts_here else None
        if previous is not None:  # a retake: what happened just now
            right = {q.id for q, s in zip(self.questions, previous, strict=False) if s.submitted and s.correct}
        else:
            right = self._right_in_stored_attempt()
        self.attempts_here += 1
        self.attempt_number = self._stored_attempts() + 1 if self.recorder.recording else self.attempts_here
        if self.given_seed is not None:
            self.seed = self.given_seed + self.attempts_here - 1
        else:
            self.seed = grading.attempt_seed(lesson_id, self.attempt_number)
        self.attempt = None
        self._right_last_time = frozenset(right)
        return grading.test_questions(self.loaded.lesson, self.seed, count=TEST_LENGTH, right_last_time=right)

    def _stored_attempts(self) -> int:
        return len(self.recorder.attempts(self.loaded.lesson.id))

    def _right_in_stored_attempt(self) -> set[str]:
        """Questions answered right in the lesson's last recorded attempt (a retake prefers the others)."""
        return self.recorder.right_in_last_attempt(self.loaded.lesson.id)

    @property
    def question(self) -> Question | None:
        if not self.questions:
            return None
        return self.questions[self.index]

    @property
    def state(self) -> AnswerState | None:
        if not self.states:
            return None
        return self.states[self.index]

    @property
    def unanswered(self) -> int:
        return sum(1 for s in self.states if not s.submitted)

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="quiz-header")
        with Vertical(id="quiz-main"):
            if self.mode in TRACE_MODES:
                with Vertical(id="quiz-trace"):
                    lesson = self.loaded.lesson
                    table = ExecutionTable(lesson.table.columns, id="quiz-table")
                    table.border_title = "Execution table"
                    table.can_focus = False  # read-only: the quiz keeps the keys
                    yield table
                    tracker = VariableTracker(lesson.tracker, id="quiz-tracker")
                    tracker.border_title = "Variables"
                    tracker.display = bool(lesson.tracker)
                    yield tracker
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
            steps = self.loaded.steps
            self.query_one("#quiz-table", ExecutionTable).set_steps(steps)
            self.query_one("#quiz-tracker", VariableTracker).set_steps(steps)
        self._show()
        # code is highlighted with the light or the dark palette: follow theme switches
        self.watch(self.app, "theme", lambda _theme: self._show(), init=False)

    def on_resize(self) -> None:
        self.set_class(self.size.height < COMPACT_HEIGHT, "-compact")

    def watch_index(self, old: int, new: int) -> None:
        self._stop_timer(old)
        self._show()
        self.query_one("#quiz-body", VerticalScroll).scroll_home(animate=False)

    # -- rendering -----------------------------------------------------------------------------

    def _show(self) -> None:
        empty = not self.questions
        self.query_one("#quiz-empty").display = empty
        self.query_one("#quiz-question").display = not empty and not self.finished
        self.query_one("#quiz-score").display = self.finished
        if self.mode in TRACE_MODES:
            q = self.question
            self.query_one("#quiz-trace").display = not empty and q is not None and self._trace_step(q) is not None
        if empty:
            self.query_one("#quiz-header", Static).update(MODE_TITLES[self.mode])
            self.query_one("#quiz-empty", Static).update("This lesson has no questions for this mode.")
        elif self.finished:
            self._render_score()
        else:
            self._render_question()
        self.refresh_bindings()

    def _render_question(self) -> None:
        q, st = self.question, self.state
        assert q is not None and st is not None
        total = len(self.questions)
        header = f"{MODE_TITLES[self.mode]} · question {self.index + 1} of {total} · {q.difficulty}"
        if self.mode == "review":  # one card at a time: the review screen counts the cards
            header = f"Review · {q.difficulty}"
        if self.mode == "test":
            header = f"Test · attempt {self.attempt_number} · question {self.index + 1} of {total} · {q.difficulty}"
            answered = sum(1 for s in self.states if s.submitted)
            header += f" · answered {answered}/{total}"
        if q.hints:
            header += f" · hints {st.hints}/{len(q.hints)}"
        self.query_one("#quiz-header", Static).update(header)

        if not st.submitted and st.shown_at is None:
            st.shown_at = self.clock()
        trace_step = self._trace_step(q)
        if trace_step is not None:
            self.query_one("#quiz-table", ExecutionTable).reveal(trace_step)
            self.query_one("#quiz-tracker", VariableTracker).reveal(trace_step)

        self.query_one("#quiz-prompt", Static).update(literal(q.prompt))
        code = self.query_one("#quiz-code", Static)
        if q.code is not None:
            code.display = True
            code.update(self._syntax(q.code.source, q.code.language))
        else:
            code.display = False
        kind = "Choose all that apply, then press Enter." if q.multiple else "Choose one, then press Enter."
        if self.mode in TRACE_MODES and q.answer is not None:
            in_table = q.answer.field in {c.field for c in self.loaded.lesson.table.columns}
            where = "of the table" if in_table or not self.loaded.lesson.tracker else "in the variables"
            what = "row" if where == "of the table" else "step"
            kind = f"Read it off {what} {q.answer.step} {where}. " + kind
        if st.submitted and self.mode == "test":
            kind = "Answer saved; the test shows results at the end."
        self.query_one("#quiz-kind", Static).update(kind)

        order = self._orders[self.index]
        reveal = st.revealed
        judged = st.submitted and self.mode != "test"  # a wrong try is marked, the right choice is not
        for pos in range(6):
            line = self.query_one(f"#quiz-choice-{pos}", ChoiceLine)
            if pos >= len(order):
                line.display = False
                continue
            original = order[pos]
            choice = q.choices[original]
            chosen = original in st.chosen
            mark = ("[x]" if chosen else "[ ]") if q.multiple else ("(•)" if chosen else ("( )"))
            line.display = True
            line.update(Text.assemble(f"{mark} {LETTERS[pos]}) ", literal(choice.text)))
            line.set_class(chosen, "-chosen")
            line.set_class(reveal and choice.correct, "-correct")
            line.set_class(judged and chosen and not choice.correct, "-wrong")

        hints = self.query_one("#quiz-hints", Static)
        hints.display = st.hints > 0
        if st.hints:
            hints.update(
                Text("\n").join(Text.assemble(f"Hint {i}: ", literal(h)) for i, h in enumerate(q.hints[: st.hints], 1))
            )

        verdict = self.query_one("#quiz-verdict", Static)
        feedback = self.query_one("#quiz-feedback", Static)
        solution = self.query_one("#quiz-solution", Static)
        verdict.display = judged
        verdict.set_class(judged and st.correct, "-right")
        verdict.set_class(judged and not st.correct, "-wrong")
        if judged:
            if st.correct:
                verdict.update("✓ Correct" + (" on the second try" if st.tries > 1 else ""))
            elif self._can_retry(st):
                verdict.update("✗ Not quite. Press r to try once more, or Enter to see the answer.")
            else:
                verdict.update("✗ Not quite")
        notes = [
            Text.assemble(f"{LETTERS[order.index(i)]}) ", literal(q.choices[i].feedback or ""))
            for i in sorted(st.chosen, key=order.index)
            if q.choices[i].feedback
        ]
        feedback.display = judged and bool(notes)
        if judged and notes:
            feedback.update(Text("\n").join(notes))
        solution.display = reveal
        if reveal:
            solution.update(self._solution_text(q, order, with_steps=self.mode in ("practice", "review")))
        self._render_links(q)

    def _render_links(self, q: Question) -> None:
        """One focusable link per step of the question (not in a test: it would give answers away)."""
        box = self.query_one("#quiz-step-links", Horizontal)
        steps = list(q.steps) if self.mode not in ("test", "review") else []
        shown = [link.step for link in box.query(StepLink)]
        box.display = bool(steps)
        if shown == steps:
            return
        had_focus = any(link.has_focus for link in box.query(StepLink))
        box.remove_children()
        if steps:
            word = "step" if len(steps) == 1 else "steps"
            box.mount(Static(f"See {word} in the walkthrough:", classes="quiz-links-label"))
            box.mount_all(StepLink(int(step), f"→ step {step}", classes="quiz-step-link") for step in steps)
        if had_focus:
            self.focus()

    def _solution_text(self, q: Question, order: list[int], *, with_steps: bool) -> Text:
        parts: list[Text] = []
        right = [i for i in order if q.choices[i].correct]
        answer = Text("Answer: ", style="bold")
        answer.append_text(
            Text("; ").join(Text.assemble(f"{LETTERS[order.index(i)]}) ", literal(q.choices[i].text)) for i in right)
        )
        if with_steps and q.solution:
            parts.append(Text("Solution", style="bold"))
            parts.extend(Text.assemble(f"  {n}. ", literal(s)) for n, s in enumerate(q.solution, 1))
        parts.append(answer)
        if with_steps and q.mistakes:
            parts.append(Text("Common mistakes", style="bold"))
            parts.extend(Text.assemble("  • ", literal(m)) for m in q.mistakes)
        return Text("\n").join(parts)

    def _syntax(self, source: str, language: str) -> Text:
        """The question's code, highlighted by Pygments with the terminal's ANSI palette.

        Only foreground colours are kept, so the code sits on the theme's own background (light or dark).
        """
        dark = self.app.current_theme.dark if self.is_mounted else True
        code = literal(source).plain.rstrip("\n")
        syntax = Syntax(code, language or "text", theme="ansi_dark" if dark else "ansi_light")
        text = syntax.highlight(code)
        text.style = ""
        text.rstrip()
        return text

    def _render_score(self) -> None:
        result = self.result
        assert result is not None
        total = len(self.questions)
        self.query_one("#quiz-header", Static).update(
            f"Test · attempt {self.attempt_number} · finished · seed {self.seed}"
        )
        hints_used = sum(s.hints for s in self.states)
        hint_cost = sum(
            grading.question_points(s.correct, 0) - grading.question_points(s.correct, s.hints) for s in self.states
        )
        skipped = sum(1 for s in self.states if not s.submitted)
        summary = Text.assemble(
            ("Score: ", "bold"),
            (f"{grading.format_points(result.points)} of {total} points", "bold"),
            f" ({grading.format_percentage(result.percentage)})",
            f"\n{result.correct} of {total} answers right · hints used: {hints_used}"
            f" (cost {grading.format_points(hint_cost)} points)",
            f"\nFinished early: {skipped} unanswered counted as wrong." if skipped else "",
            "\nPress r to retake with other questions; the review of every question follows.",
        )
        self.query_one("#quiz-score-summary", Static).update(summary)
        review = self.query_one("#quiz-review", Vertical)
        review.remove_children()
        items = []
        for n, (q, st, order) in enumerate(zip(self.questions, self.states, self._orders, strict=False), 1):
            yours = [i for i in order if i in st.chosen] if st.submitted else []
            your_text = (
                Text("; ").join(
                    Text.assemble(f"{LETTERS[order.index(i)]}) ", literal(q.choices[i].text)) for i in yours
                )
                if yours
                else Text("(no answer)")
            )
            body = Text.assemble(
                (f"{n}. {'✓' if st.correct else '✗'} ", "bold"),
                literal(q.prompt),
                "\n   Your answer: ",
                your_text,
                "\n",
            )
            solution = self._solution_text(q, order, with_steps=True)
            body.append_text(Text("\n").join(Text("   ") + line for line in solution.split("\n")))
            if st.hints:
                body.append(f"\n   Hints used: {st.hints}")
            items.append(Static(body, classes="quiz-review-item " + ("-right" if st.correct else "-wrong")))
        review.mount_all(items)

    # -- actions -------------------------------------------------------------------------------

    def _can_retry(self, st: AnswerState) -> bool:
        return (
            self.mode == "practice"
            and st.submitted
            and not st.correct
            and not st.revealed
            and st.tries < PRACTICE_TRIES
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "scroll_body":
            return True
        q, st = self.question, self.state
        if action == "retake":
            return self.mode == "test" and self.finished
        if q is None or st is None or self.finished:
            return False
        if action == "choose":
            (n,) = parameters
            return not st.submitted and isinstance(n, int) and 1 <= n <= len(q.choices)
        if action == "submit":
            return not st.submitted and bool(st.chosen)
        if action in ("retry", "reveal"):
            return self._can_retry(st)
        if action == "hint":
            return not st.submitted and st.hints < len(q.hints)
        if action == "next":
            return self.index < len(self.questions) - 1
        if action == "previous":
            return self.index > 0
        if action in ("see_step", "focus_link"):
            return bool(q.steps) and self.mode not in ("test", "review")
        if action == "finish":
            return self.mode == "test" and self.unanswered > 0
        return True

    def action_choose(self, number: int) -> None:
        if not self.check_action("choose", (number,)):
            return
        q, st = self.question, self.state
        assert q is not None and st is not None
        original = self._orders[self.index][number - 1]
        if q.multiple:
            st.chosen ^= {original}
        else:
            st.chosen = {original}
        if not self.has_focus:
            self.focus()  # Enter submits again (a focused step link would take it)
        self._show()

    def action_submit(self) -> None:
        if not self.check_action("submit", ()):
            return
        q, st = self.question, self.state
        assert q is not None and st is not None
        seconds = self._stop_timer(self.index)
        st.seconds = 0.0
        st.submitted = True
        st.tries += 1
        st.correct = grading.is_correct(q, sorted(st.chosen))
        st.revealed = self.mode != "test" and (st.correct or st.tries >= PRACTICE_TRIES or self.mode != "practice")
        if self.recorder.recording:
            attempt_id = self._attempt_id() if self.mode == "test" else None
            self.recorder.answer(
                self.loaded.lesson.id,
                q.id,
                self.mode,
                sorted(st.chosen),
                st.correct,
                st.hints,
                attempt_id=attempt_id,
                seconds=seconds,
            )
        self.post_message(
            self.AnswerSubmitted(
                q.id, st.correct, chosen=tuple(sorted(st.chosen)), hints_used=st.hints, seconds=seconds
            )
        )
        if self.mode == "test":
            if all(s.submitted for s in self.states):
                self._finish()
                return
            nxt = self._next_unanswered()
            if nxt is not None and nxt != self.index:
                self.index = nxt
                return
        self._show()

    def _trace_step(self, q: Question) -> int | None:
        """The row the trace is shown up to: the answer's row in the visual quiz; in a review, the card's
        context (:func:`tutor.review.context_step`); None: no trace for this question."""
        if self.mode == "visual":
            return int(q.answer.step) if q.answer is not None else None  # (a loaded ref is a number)
        if self.mode == "review":
            return context_step(q)
        return None

    def _stop_timer(self, index: int) -> float:
        """The question at ``index`` leaves the screen (or is answered): its time on screen so far."""
        if not 0 <= index < len(self.states):
            return 0.0
        st = self.states[index]
        if st.shown_at is not None:
            st.seconds += max(0.0, self.clock() - st.shown_at)
            st.shown_at = None
        return round(st.seconds, 3)

    def _attempt_id(self) -> int | None:
        """The test attempt's id in the store, recording it (seed, questions) on its first answer."""
        if self.attempt is None and self.recorder.recording:
            self.attempt = self.recorder.start_attempt(self.loaded.lesson.id, self.seed, [q.id for q in self.questions])
            if self.attempt is not None:
                self.attempt_number = self.attempt.number
        return self.attempt.id if self.attempt is not None else None

    def action_retry(self) -> None:
        """Practice: a second try after a wrong answer (the first stays recorded as wrong)."""
        if not self.check_action("retry", ()):
            return
        st = self.state
        assert st is not None
        st.submitted = False
        st.correct = False
        st.chosen = set()
        self._show()

    def action_reveal(self) -> None:
        """Practice: no second try, show the answer and the solution."""
        if not self.check_action("reveal", ()):
            return
        st = self.state
        assert st is not None
        st.revealed = True
        self._show()

    def _next_unanswered(self) -> int | None:
        n = len(self.states)
        for k in range(1, n + 1):
            i = (self.index + k) % n
            if not self.states[i].submitted:
                return i
        return None

    def action_finish(self) -> None:
        """Ask before finishing a test with questions unanswered (y finishes; n or Escape goes on)."""
        if not self.check_action("finish", ()):
            return
        left = self.unanswered
        question = (
            f"Finish now? {left} unanswered question{'s' if left != 1 else ''} "
            f"{'count' if left != 1 else 'counts'} as wrong."
        )
        choices = [Choice("y", "Yes, finish the test", "finish"), Choice("n", "No, go on", "cancel")]

        def done(answer: str | None) -> None:
            if answer == "finish" and not self.finished:
                self._finish()

        self.app.push_screen(ConfirmScreen(question, "", choices), done)

    def _finish(self) -> None:
        """Score the test; a question not answered scores as wrong (its hints cost nothing more)."""
        answers = [
            grading.TestAnswer(question_id=q.id, correct=s.submitted and s.correct, hints_used=s.hints)
            for q, s in zip(self.questions, self.states, strict=False)
        ]
        self.result = result = grading.score_test(answers)
        self.finished = True
        if self.recorder.recording:
            self.recorder.test(
                self.loaded.lesson.id, result.correct, result.total, result.percentage, attempt_id=self._attempt_id()
            )
        self.post_message(self.TestFinished(result.correct, result.total, result.percentage))
        self._show()
        self.query_one("#quiz-body", VerticalScroll).scroll_home(animate=False)

    def action_hint(self) -> None:
        if not self.check_action("hint", ()):
            return
        st = self.state
        assert st is not None
        st.hints += 1
        self._show()

    def action_next(self) -> None:
        if self.check_action("next", ()):
            self.index += 1

    def action_previous(self) -> None:
        if self.check_action("previous", ()):
            self.index -= 1

    def action_see_step(self) -> None:
        """``s``: the question's first step (Tab reaches the links of the others)."""
        if not self.check_action("see_step", ()):
            return
        q = self.question
        assert q is not None
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
            self.query_one("#quiz-body", VerticalScroll).scroll_to_widget(target, animate=False)

    def action_retake(self) -> None:
        if not self.check_action("retake", ()):
            return
        self._load_questions()
        self.query_one("#quiz-review", Vertical).remove_children()
        if self.index == 0:
            self._show()
        else:
            self.index = 0

    def action_scroll_body(self, lines: int) -> None:
        body = self.query_one("#quiz-body", VerticalScroll)
        body.scroll_relative(y=lines, animate=False)

    @on(ExecutionTable.ValueRequested)
    def _value_requested(self, event: ExecutionTable.ValueRequested) -> None:
        event.stop()  # the quiz's table is read-only

    def on_click(self, event: Click) -> None:
        """A click anywhere in the quiz gives it the keys."""
        self.focus()


__all__ = ["QuizView", "AnswerState", "QuizMode"]
