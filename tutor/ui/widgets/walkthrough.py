"""The walkthrough: flow diagram, code, execution table, variable tracker and narration, step by step.

It owns the current step. Moving forward onto a step that has a predict question first asks the
question and reveals the step only once an answer is chosen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tutor.lesson import grading
from tutor.lesson.model import Question
from tutor.ui.screens.dialogs import ValueScreen
from tutor.ui.text import literal
from tutor.ui.widgets.code_view import CodeView
from tutor.ui.widgets.execution_table import ExecutionTable
from tutor.ui.widgets.flow_diagram import FlowDiagram
from tutor.ui.widgets.narration import Narration
from tutor.ui.widgets.variable_tracker import VariableTracker

if TYPE_CHECKING:
    from tutor.lesson.loader import LoadedLesson

#: Seconds between steps while autoplaying, slowest to fastest.
SPEEDS: tuple[float, ...] = (3.0, 2.0, 1.0, 0.5, 0.25)
DEFAULT_SPEED = 2


class PredictPanel(Vertical):
    """A predict question: "what happens next?" before the step is revealed."""

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.question: Question | None = None
        self.order: list[int] = []

    def compose(self) -> ComposeResult:
        yield Static(id="predict-prompt")
        yield OptionList(id="predict-choices")
        yield Static(id="predict-result")

    def ask(self, step: int, question: Question, order: list[int]) -> None:
        self.question = question
        self.order = order
        self.picks: set[int] = set()
        self.border_title = f"What happens next? (step {step})"
        prompt = literal(question.prompt)
        if question.multiple:
            prompt.append("\n(more than one is right: pick each, then Submit)", style="italic")
        self.query_one("#predict-prompt", Static).update(prompt)
        choices = self.query_one("#predict-choices", OptionList)
        choices.clear_options()
        for shown, index in enumerate(order):
            choices.add_option(Option(self._choice_prompt(shown, index), id=f"choice-{index}"))
        if question.multiple:
            choices.add_option(Option(Text("Submit the answer", style="bold"), id="submit"))
        choices.highlighted = 0
        self.query_one("#predict-result", Static).update("")
        self.remove_class("-answered")

    def _choice_prompt(self, shown: int, index: int) -> Text:
        assert self.question is not None
        box = ("☑ " if index in self.picks else "☐ ") if self.question.multiple else ""
        prompt = Text(f"{box}{grading.choice_letter(shown)}) ")
        prompt.append_text(literal(self.question.choices[index].text))
        return prompt

    def toggle(self, index: int) -> None:
        """Pick or unpick a choice of a multiple-answer question."""
        self.picks ^= {index}
        choices = self.query_one("#predict-choices", OptionList)
        shown = self.order.index(index)
        choices.replace_option_prompt(f"choice-{index}", self._choice_prompt(shown, index))

    def show_result(self, question: Question, chosen: list[int], correct: bool) -> None:
        text = Text("✓ Right. " if correct else "✗ Not quite. ", style="bold")
        feedback = [question.choices[i].feedback for i in chosen if question.choices[i].feedback]
        if feedback:
            text.append_text(literal(" ".join(feedback)))
        if not correct:
            right = [question.choices[i].text for i in sorted(grading.correct_indexes(question))]
            text.append_text(literal(("\n" if feedback else "") + "Answer: " + "; ".join(right)))
        result = self.query_one("#predict-result", Static)
        result.update(text)
        result.set_class(correct, "-right")
        result.set_class(not correct, "-wrong")
        self.add_class("-answered")


class Walkthrough(Widget, can_focus=False):
    """Steps through a lesson's execution table."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,n", "next", "Next"),
        Binding("left,p", "back", "Back"),
        Binding("home", "first", "First step", show=False),
        Binding("end", "last", "Last step", show=False),
        Binding("g", "jump", "Go to step", show=False, priority=True),  # priority: keys typed right after it are digits
        Binding("space", "autoplay", "Autoplay"),
        Binding("plus,equals_sign", "faster", "Faster", show=False),
        Binding("minus", "slower", "Slower", show=False),
        Binding("r", "restart", "Restart", show=False),
        Binding("1,a", "choose(0)", "Choice a", show=False),
        Binding("2,b", "choose(1)", "Choice b", show=False),
        Binding("3,c", "choose(2)", "Choice c", show=False),
        Binding("4,d", "choose(3)", "Choice d", show=False),
        Binding("5,e", "choose(4)", "Choice e", show=False),
        Binding("6,f", "choose(5)", "Choice f", show=False),
        # while a step number is being typed after `g` (priority: before the table sees Enter)
        *[Binding(str(d), f"jump_digit({d})", f"Digit {d}", show=False, priority=True) for d in range(10)],
        Binding("backspace", "jump_delete", "Delete digit", show=False, priority=True),
        Binding("enter", "jump_go", "Go to the step", priority=True),
        Binding("escape", "jump_cancel", "Cancel the jump", priority=True),
    ]
    JUMP_ACTIONS = frozenset({"jump_digit", "jump_delete", "jump_go", "jump_cancel"})

    class StepChanged(Message):
        """The current step changed (0 = before the first step)."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    class PredictAnswered(Message):
        """A predict question was answered (``chosen``: choice indexes in the lesson file)."""

        def __init__(self, question: Question, chosen: tuple[int, ...], correct: bool) -> None:
            super().__init__()
            self.question = question
            self.chosen = chosen
            self.correct = correct

    def __init__(self, loaded: LoadedLesson, *, start: int = 0, seed: int = 0, **kw) -> None:
        super().__init__(**kw)
        self.loaded = loaded
        self.lesson = loaded.lesson
        self.steps = tuple(loaded.steps)
        self.seed = seed
        self.current = max(0, min(start, len(self.steps)))
        self.predicts: dict[int, Question] = grading.predict_questions(self.lesson)
        #: predict answers given in this session: step -> (chosen choice indexes, correct)
        self.answers: dict[int, tuple[tuple[int, ...], bool]] = {}
        #: the step whose predict question is on screen, waiting for an answer
        self.pending: int | None = None
        self.speed = DEFAULT_SPEED
        self._timer: Timer | None = None
        self.max_reached = 0
        self._start = self.current
        self._asked_bindings = False
        #: the step number typed so far after `g` (None: not jumping)
        self.jump_text: str | None = None

    # -- layout -------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        lesson = self.lesson
        yield FlowDiagram(lesson.flow, id="flow")
        with Horizontal(id="walk-middle"):
            yield CodeView(lesson.code, id="code")
            with Vertical(id="walk-side"):
                yield Narration(id="narration")
                yield PredictPanel(id="predict")
        yield Static(id="walk-status")
        with Horizontal(id="walk-bottom"):
            table = ExecutionTable(lesson.table.columns, id="table")
            table.border_title = "Execution table"
            yield table
            tracker = VariableTracker(lesson.tracker, id="tracker")
            tracker.border_title = "Variables"
            yield tracker
        jump = Static(id="jump")
        jump.display = False
        yield jump

    def on_mount(self) -> None:
        store = self._store()
        if store is not None:
            self.max_reached = self.app.store_call(lambda: store.lesson_summary(self.lesson.id).steps_reached, 0)
        table = self.query_one(ExecutionTable)
        tracker = self.query_one(VariableTracker)
        table.set_steps(self.steps)
        tracker.set_steps(self.steps)
        self.query_one("#tracker").display = bool(self.lesson.tracker)
        self.current = 0
        self.go(self._start, gate=False)

    def on_resize(self) -> None:
        self.query_one(FlowDiagram).relayout()

    # -- state --------------------------------------------------------------------------------------
    def _store(self):
        return getattr(self.app, "store", None)

    @property
    def total(self) -> int:
        return len(self.steps)

    def go(self, target: int, *, gate: bool = True) -> None:
        """Move to ``target`` (clamped). Going forward stops before an unanswered predict question."""
        target = max(0, min(target, self.total))
        self.pending = None
        if gate and target > self.current:
            for step in range(self.current + 1, target + 1):
                if step in self.predicts and step not in self.answers:
                    self._show(step - 1)
                    self._ask(step)
                    return
        self._show(target)

    def _ask(self, step: int) -> None:
        self.pending = step
        self.add_class("-asking")
        question = self.predicts[step]
        order = grading.choice_order(question, grading.stable_seed(self.seed, self.lesson.id, question.id))
        panel = self.query_one(PredictPanel)
        panel.ask(step, question, order)
        panel.display = True
        # the table shrinks to make room for the question: its current row stays in view
        self.query_one(ExecutionTable).keep_cursor_in_view()
        self.stop_autoplay()
        self._update_status()
        self.query_one("#predict-choices", OptionList).focus()
        if not self._asked_bindings:
            self._asked_bindings = True
            self.refresh_bindings()

    def _show(self, upto: int) -> None:
        self.current = upto
        if self.pending is None:
            self.query_one(PredictPanel).display = False
            self.remove_class("-asking")
        table = self.query_one(ExecutionTable)
        table.reveal(upto)
        self.query_one(VariableTracker).reveal(upto)
        step = self.steps[upto - 1] if upto else None
        phase = step.phase if step else None
        self.query_one(FlowDiagram).set_phase(phase)
        self.query_one(CodeView).set_phase(phase)
        self.query_one(Narration).show(self.lesson, step, self.total)
        self._update_status()
        if self._asked_bindings != (self.pending is not None):
            self._asked_bindings = self.pending is not None
            self.refresh_bindings()  # the choice keys appear / disappear in the Footer
        if upto > self.max_reached:
            self.max_reached = upto
            store = self._store()
            if store is not None:
                self.app.store_call(lambda: store.record_step(self.lesson.id, upto))
        self.post_message(self.StepChanged(upto))

    def _update_status(self) -> None:
        parts = [f"step {self.current}/{self.total}"]
        if self.pending is not None:
            parts.append("answer to continue: a-f / 1-6 / Enter")
        if self._timer is not None:
            parts.append(f"▶ autoplay every {SPEEDS[self.speed]:g}s (+/- speed, space stops)")
        else:
            parts.append(f"autoplay {SPEEDS[self.speed]:g}s")
        text = " · ".join(parts)
        if text != getattr(self, "_status_text", None):
            self._status_text = text
            # one line high (app.tcss), full width: a new text never changes its size
            self.query_one("#walk-status", Static).update(Text(text), layout=False)

    @property
    def autoplaying(self) -> bool:
        return self._timer is not None

    def stop_autoplay(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
            self._update_status()

    def _tick(self) -> None:
        if self.current >= self.total or self.pending is not None:
            self.stop_autoplay()
            return
        self.go(self.current + 1)
        if self.current >= self.total:
            self.stop_autoplay()

    # -- actions ------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.JUMP_ACTIONS:
            return self.jump_text is not None
        if action == "choose":
            if self.pending is None:
                return False
            return int(parameters[0]) < len(self.predicts[self.pending].choices)
        return True

    def action_next(self) -> None:
        if self.pending is not None:
            return
        self.go(self.current + 1)

    def action_back(self) -> None:
        self.stop_autoplay()
        self.go(self.current - 1)

    def action_first(self) -> None:
        self.stop_autoplay()
        self.go(1 if self.total else 0)

    def action_last(self) -> None:
        self.stop_autoplay()
        self.go(self.total)

    def action_restart(self) -> None:
        self.stop_autoplay()
        self.go(0)

    def action_jump(self) -> None:
        """`g`: type a step number, Enter goes there (Escape cancels)."""
        self.stop_autoplay()
        self.jump_text = ""
        self._show_jump()
        self.refresh_bindings()

    def _show_jump(self) -> None:
        jump = self.query_one("#jump", Static)
        jump.update(Text.assemble(("Go to step: ", "bold"), self.jump_text or "", "▏ ",
                                  (f"1–{self.total}, Enter goes, Esc cancels", "italic")))
        jump.display = True

    def _close_jump(self) -> None:
        self.jump_text = None
        self.query_one("#jump", Static).display = False
        self.refresh_bindings()

    def action_jump_digit(self, digit: int) -> None:
        if self.jump_text is not None and len(self.jump_text) < 6:
            self.jump_text += str(digit)
            self._show_jump()

    def action_jump_delete(self) -> None:
        if self.jump_text:
            self.jump_text = self.jump_text[:-1]
            self._show_jump()

    def action_jump_go(self) -> None:
        text = self.jump_text
        self._close_jump()
        if text:
            self.go(int(text))

    def action_jump_cancel(self) -> None:
        self._close_jump()

    def action_autoplay(self) -> None:
        if self._timer is not None:
            self.stop_autoplay()
            return
        if self.current >= self.total:
            self.go(0)
        self._timer = self.set_interval(SPEEDS[self.speed], self._tick, name="autoplay")
        self._update_status()

    def _restart_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = self.set_interval(SPEEDS[self.speed], self._tick, name="autoplay")
        self._update_status()

    def action_faster(self) -> None:
        self.speed = min(self.speed + 1, len(SPEEDS) - 1)
        self._restart_timer()

    def action_slower(self) -> None:
        self.speed = max(self.speed - 1, 0)
        self._restart_timer()

    def action_choose(self, shown: int) -> None:
        if self.pending is None:
            return
        panel = self.query_one(PredictPanel)
        if not 0 <= shown < len(panel.order):
            return
        if self.predicts[self.pending].multiple:
            panel.toggle(panel.order[shown])
        else:
            self.answer([panel.order[shown]])

    def answer(self, chosen: list[int]) -> None:
        """Answer the pending predict question with these choices (indexes in the lesson file)."""
        step = self.pending
        if step is None:
            return
        question = self.predicts[step]
        chosen = sorted(chosen)
        correct = grading.is_correct(question, chosen)
        self.answers[step] = (tuple(chosen), correct)
        store = self._store()
        if store is not None:
            self.app.store_call(lambda: store.record_answer(self.lesson.id, question.id, "predict", chosen, correct, 0))
        panel = self.query_one(PredictPanel)
        panel.show_result(question, chosen, correct)
        self.pending = None
        self.post_message(self.PredictAnswered(question, tuple(chosen), correct))
        self._show(step)
        panel.display = True
        table = self.query_one(ExecutionTable)
        table.keep_cursor_in_view()
        table.focus()

    # -- events -------------------------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#predict-choices")
    def _choice_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.pending is None or not event.option_id:
            return
        panel = self.query_one(PredictPanel)
        if event.option_id == "submit":
            if panel.picks:
                self.answer(sorted(panel.picks))
            else:
                self.notify("Pick at least one choice first", severity="warning", timeout=3)
            return
        index = int(event.option_id.removeprefix("choice-"))
        if self.predicts[self.pending].multiple:
            panel.toggle(index)
        else:
            self.answer([index])

    @on(ExecutionTable.ValueRequested)
    def _value_requested(self, event: ExecutionTable.ValueRequested) -> None:
        event.stop()
        self.app.push_screen(ValueScreen(event.step, self.lesson.table.columns))
