"""The quiz views: visual (trace questions), practice (every normal question) and test (a scored run).

One widget, three modes. It owns no grading rules: which questions are asked, in which order the
choices come, what is right and what a test scores all come from :mod:`tutor.lesson.grading`.
Every confirmed answer is written to the progress store at once.

Lesson text (prompts, choices, hints, solutions ...) always goes through :func:`tutor.ui.text.literal`,
so an author's ``[bold]`` or an escape sequence is shown as typed, never interpreted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.events import Click
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from tutor.lesson import grading
from tutor.progress import ProgressError
from tutor.ui.text import literal

if TYPE_CHECKING:
    from tutor.lesson.loader import LoadedLesson
    from tutor.lesson.model import Question
    from tutor.progress import ProgressStore

QuizMode = Literal["visual", "practice", "test"]

LETTERS = grading.LETTERS
MODE_TITLES: dict[str, str] = {"visual": "Visual quiz", "practice": "Practice", "test": "Test"}


@dataclass
class AnswerState:
    """What the learner has done with one question."""

    chosen: set[int] = field(default_factory=set)
    """Original (file-order) indices of the chosen choices."""
    hints: int = 0
    """How many hints are shown."""
    submitted: bool = False
    correct: bool = False


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


class StepLink(Static):
    """"See step N": clicking it asks the lesson screen to show that step."""

    def on_click(self, event: Click) -> None:
        event.stop()
        quiz = self.query_ancestor(QuizView)
        quiz.focus()
        quiz.action_see_step()


class QuizView(Widget, can_focus=True):
    """Multiple-choice questions of one lesson, in one of three modes."""

    BINDINGS = [
        Binding("1", "choose(1)", "Choose", key_display="1-6/a-f"),
        *(Binding(str(n), f"choose({n})", f"Choose {LETTERS[n - 1]}", show=False) for n in range(2, 7)),
        *(Binding(letter, f"choose({n})", f"Choose {letter}", show=False) for n, letter in enumerate(LETTERS, 1)),
        Binding("enter", "submit", "Submit"),
        Binding("h", "hint", "Hint"),
        Binding("n", "next", "Next"),
        Binding("right", "next", "Next", show=False),
        Binding("p", "previous", "Previous"),
        Binding("left", "previous", "Previous", show=False),
        Binding("s", "see_step", "See step"),
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
        """The learner confirmed an answer (already recorded in the store, if any)."""

        def __init__(self, question_id: str, correct: bool) -> None:
            super().__init__()
            self.question_id = question_id
            self.correct = correct

    class TestFinished(Message):
        """A test was completed and scored."""

        def __init__(self, correct: int, total: int, score: float) -> None:
            super().__init__()
            self.correct = correct
            self.total = total
            self.score = score

    index: reactive[int] = reactive(0, init=False)

    def __init__(
        self,
        loaded: LoadedLesson,
        mode: QuizMode,
        store: ProgressStore | None,
        seed: int = 0,
        *,
        shuffle: bool = True,
        **kw,
    ) -> None:
        super().__init__(**kw)
        if mode not in MODE_TITLES:
            raise ValueError(f"unknown quiz mode {mode!r}")
        self.loaded = loaded
        self.mode: QuizMode = mode
        self.store = store
        self.seed = seed
        self.shuffle = shuffle or mode == "test"  # the test always shuffles; others unless told not to
        self.finished = False
        self.result: grading.TestScore | None = None
        self.questions: list[Question] = []
        self.states: list[AnswerState] = []
        self._orders: list[list[int]] = []
        self._load_questions()
        self.add_class(f"-{mode}")

    # -- the questions -------------------------------------------------------------------------

    def _load_questions(self) -> None:
        lesson = self.loaded.lesson
        if self.mode == "visual":
            questions = list(grading.visual_questions(lesson))
        elif self.mode == "practice":
            questions = list(grading.practice_questions(lesson))
        else:
            questions = list(grading.test_questions(lesson, self.seed, count=10))
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

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="quiz-header")
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
                yield StepLink("", id="quiz-step-link")
            with Vertical(id="quiz-score"):
                yield Static("", id="quiz-score-summary")
                yield Vertical(id="quiz-review")
            yield Static("", id="quiz-empty")

    def on_mount(self) -> None:
        self._show()
        # code is highlighted with the light or the dark palette: follow theme switches
        self.watch(self.app, "theme", lambda _theme: self._show(), init=False)

    def watch_index(self) -> None:
        self._show()
        self.query_one("#quiz-body", VerticalScroll).scroll_home(animate=False)

    # -- rendering -----------------------------------------------------------------------------

    def _show(self) -> None:
        empty = not self.questions
        self.query_one("#quiz-empty").display = empty
        self.query_one("#quiz-question").display = not empty and not self.finished
        self.query_one("#quiz-score").display = self.finished
        if empty:
            self.query_one("#quiz-header", Static).update(MODE_TITLES[self.mode])
            self.query_one("#quiz-empty", Static).update(
                "This lesson has no questions for this mode."
            )
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
        if self.mode == "test":
            answered = sum(1 for s in self.states if s.submitted)
            header += f" · answered {answered}/{total}"
        if q.hints:
            header += f" · hints {st.hints}/{len(q.hints)}"
        self.query_one("#quiz-header", Static).update(header)

        self.query_one("#quiz-prompt", Static).update(literal(q.prompt))
        code = self.query_one("#quiz-code", Static)
        if q.code is not None:
            code.display = True
            code.update(self._syntax(q.code.source, q.code.language))
        else:
            code.display = False
        kind = "Choose all that apply, then press Enter." if q.multiple else "Choose one, then press Enter."
        if st.submitted and self.mode == "test":
            kind = "Answer saved; the test shows results at the end."
        self.query_one("#quiz-kind", Static).update(kind)

        order = self._orders[self.index]
        reveal = st.submitted and self.mode != "test"
        for pos in range(6):
            line = self.query_one(f"#quiz-choice-{pos}", ChoiceLine)
            if pos >= len(order):
                line.display = False
                continue
            original = order[pos]
            choice = q.choices[original]
            chosen = original in st.chosen
            mark = ("[x]" if chosen else "[ ]") if q.multiple else ("(•)" if chosen else "( )")
            line.display = True
            line.update(Text.assemble(f"{mark} {LETTERS[pos]}) ", literal(choice.text)))
            line.set_class(chosen, "-chosen")
            line.set_class(reveal and choice.correct, "-correct")
            line.set_class(reveal and chosen and not choice.correct, "-wrong")

        hints = self.query_one("#quiz-hints", Static)
        hints.display = st.hints > 0
        if st.hints:
            hints.update(
                Text("\n").join(
                    Text.assemble(f"Hint {i}: ", literal(h)) for i, h in enumerate(q.hints[: st.hints], 1)
                )
            )

        verdict = self.query_one("#quiz-verdict", Static)
        feedback = self.query_one("#quiz-feedback", Static)
        solution = self.query_one("#quiz-solution", Static)
        verdict.display = reveal
        verdict.set_class(reveal and st.correct, "-right")
        verdict.set_class(reveal and not st.correct, "-wrong")
        if reveal:
            verdict.update("✓ Correct" if st.correct else "✗ Not quite")
        notes = [
            Text.assemble(f"{LETTERS[order.index(i)]}) ", literal(q.choices[i].feedback or ""))
            for i in sorted(st.chosen, key=order.index)
            if q.choices[i].feedback
        ]
        feedback.display = reveal and bool(notes)
        if reveal and notes:
            feedback.update(Text("\n").join(notes))
        solution.display = reveal
        if reveal:
            solution.update(self._solution_text(q, order, with_steps=self.mode == "practice"))

        link = self.query_one("#quiz-step-link", StepLink)
        link.display = bool(q.steps) and self.mode != "test"
        if q.steps:
            link.update(self._steps_label(q))

    def _steps_label(self, q: Question) -> str:
        steps = ", ".join(str(s) for s in q.steps)
        word = "step" if len(q.steps) == 1 else "steps"
        return f"→ See {word} {steps} in the walkthrough (s)"

    def _solution_text(self, q: Question, order: list[int], *, with_steps: bool) -> Text:
        parts: list[Text] = []
        right = [i for i in order if q.choices[i].correct]
        answer = Text("Answer: ", style="bold")
        answer.append_text(
            Text("; ").join(
                Text.assemble(f"{LETTERS[order.index(i)]}) ", literal(q.choices[i].text)) for i in right
            )
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
        self.query_one("#quiz-header", Static).update(f"Test · finished · seed {self.seed}")
        hints_used = sum(s.hints for s in self.states)
        hint_cost = result.correct - result.points
        summary = Text.assemble(
            ("Score: ", "bold"),
            (f"{grading.format_points(result.points)} of {total} points", "bold"),
            f" ({grading.format_percentage(result.percentage)})",
            f"\n{result.correct} of {total} answers right · hints used: {hints_used}"
            f" (cost {grading.format_points(hint_cost)} points)",
            "\nPress r to retake with other questions; the review of every question follows.",
        )
        self.query_one("#quiz-score-summary", Static).update(summary)
        review = self.query_one("#quiz-review", Vertical)
        review.remove_children()
        items = []
        for n, (q, st, order) in enumerate(zip(self.questions, self.states, self._orders), 1):
            yours = [i for i in order if i in st.chosen]
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
        if action == "hint":
            return not st.submitted and st.hints < len(q.hints)
        if action == "next":
            return self.index < len(self.questions) - 1
        if action == "previous":
            return self.index > 0
        if action == "see_step":
            return bool(q.steps) and self.mode != "test"
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
        self._show()

    def action_submit(self) -> None:
        if not self.check_action("submit", ()):
            return
        q, st = self.question, self.state
        assert q is not None and st is not None
        st.submitted = True
        st.correct = grading.is_correct(q, sorted(st.chosen))
        if self.store is not None:
            self._save(
                self.store.record_answer,
                self.loaded.lesson.id,
                q.id,
                self.mode,
                sorted(st.chosen),
                st.correct,
                st.hints,
            )
        self.post_message(self.AnswerSubmitted(q.id, st.correct))
        if self.mode == "test":
            if all(s.submitted for s in self.states):
                self._finish()
                return
            nxt = self._next_unanswered()
            if nxt is not None and nxt != self.index:
                self.index = nxt
                return
        self._show()

    def _next_unanswered(self) -> int | None:
        n = len(self.states)
        for k in range(1, n + 1):
            i = (self.index + k) % n
            if not self.states[i].submitted:
                return i
        return None

    def _finish(self) -> None:
        answers = [
            grading.TestAnswer(question_id=q.id, correct=s.correct, hints_used=s.hints)
            for q, s in zip(self.questions, self.states)
        ]
        self.result = result = grading.score_test(answers)
        self.finished = True
        if self.store is not None:
            self._save(self.store.record_test, self.loaded.lesson.id, result.correct, result.total, result.percentage)
        self.post_message(self.TestFinished(result.correct, result.total, result.percentage))
        self._show()
        self.query_one("#quiz-body", VerticalScroll).scroll_home(animate=False)

    def _save(self, method, *args) -> None:
        """Write to the progress store; a store that fails is reported once, never a traceback."""
        try:
            method(*args)
        except ProgressError as exc:
            self.notify(str(exc), title="Progress not saved", severity="error", markup=False)

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
        if not self.check_action("see_step", ()):
            return
        q = self.question
        assert q is not None
        self.post_message(self.StepRequested(q.steps[0]))

    def action_retake(self) -> None:
        if not self.check_action("retake", ()):
            return
        self.seed += 1
        self._load_questions()
        self.query_one("#quiz-review", Vertical).remove_children()
        if self.index == 0:
            self._show()
        else:
            self.index = 0

    def action_scroll_body(self, lines: int) -> None:
        body = self.query_one("#quiz-body", VerticalScroll)
        body.scroll_relative(y=lines, animate=False)

    def on_click(self, event: Click) -> None:
        """A click anywhere in the quiz gives it the keys."""
        self.focus()


__all__ = ["QuizView", "AnswerState", "QuizMode"]
