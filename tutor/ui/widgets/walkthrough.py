"""The walkthrough: flow diagram, code, narration, variable tracker and the execution table, step by step.

The execution table is full width; on a tall terminal it is as tall as all its steps' rows (at least
:data:`TABLE_SHARE` of the rows when they do not all fit) and the band above, sharing the code and the
narration with the tracker, takes the rest; on a short one the table takes what the band leaves. The
flow diagram (the lesson's graph, or a one-line breadcrumb) sits on top. The walkthrough owns the
current step. Moving forward onto a step that has a predict question first
asks the question (:class:`~tutor.ui.modals.predict.PredictScreen`) and reveals the step once it is
answered.

Its keys are the lesson screen's (screen-level bindings, so they work wherever the focus is); the screen
calls the ``action_*`` methods here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from tutor.lesson import grading
from tutor.lesson.model import Question
from tutor.ui.modals.predict import PredictScreen, verdict_text
from tutor.ui.recorder import recorder_of
from tutor.ui.styles import Styled
from tutor.ui.widgets.code_view import CodeView, sample_rows
from tutor.ui.widgets.execution_table import ExecutionTable
from tutor.ui.widgets.flow_diagram import FlowDiagram
from tutor.ui.widgets.narration import SHORT_BELOW_HEIGHT, Narration, short_verdict, step_text
from tutor.ui.widgets.variable_tracker import VariableTracker

if TYPE_CHECKING:
    from tutor.lesson.loader import LoadedLesson

#: Seconds between steps while autoplaying, slowest to fastest.
SPEEDS: tuple[float, ...] = (3.0, 2.0, 1.0, 0.5, 0.25)
DEFAULT_SPEED = 2
#: On a tall terminal the execution table keeps at least this share of the rows the band leaves...
TABLE_SHARE = 0.4
#: ... and at least this many (or all its rows, when it has fewer).
MIN_TABLE_ROWS = 6


class Walkthrough(Styled, Widget, can_focus=False):
    """Steps through a lesson's execution table."""

    STYLES: ClassVar[tuple[str, ...]] = ("widgets/walkthrough",)

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

    def __init__(
        self,
        loaded: LoadedLesson,
        *,
        start: int = 0,
        seed: int = 0,
        answers: dict[int, tuple[tuple[int, ...], bool]] | None = None,
        **kw,
    ) -> None:
        super().__init__(**kw)
        self.loaded = loaded
        self.lesson = loaded.lesson
        self.steps = tuple(loaded.steps)
        self.seed = seed
        self.current = max(0, min(start, len(self.steps)))
        self.predicts: dict[int, Question] = grading.predict_questions(self.lesson)
        #: predict answers given in this session: step -> (chosen choice indexes, correct); a reloaded
        #: lesson keeps the answers to the questions that are still the same
        self.answers: dict[int, tuple[tuple[int, ...], bool]] = {
            step: answer for step, answer in (answers or {}).items() if step in self.predicts
        }
        #: the step whose predict question is on screen, waiting for an answer
        self.pending: int | None = None
        self.speed = DEFAULT_SPEED
        self._timer: Timer | None = None
        self.max_reached = 0
        self._start = self.current
        self._start_gate = False
        self._composed = False
        #: the step number typed so far after `g` (None: not jumping)
        self.jump_text: str | None = None
        self._status_text = ""

    # -- layout -------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        lesson = self.lesson
        yield FlowDiagram(lesson.flow, id="flow")
        # a 2×2 grid (walkthrough.tcss): tall terminals put the code on the left, the narration over the tracker on
        # the right; short ones three lines of code across the top, the narration beside the tracker
        with Grid(id="walk-band", classes="-no-tracker" if not lesson.tracker else ""):
            yield CodeView(lesson.code, id="code")
            narration = Narration(id="narration")
            narration.measure(self._short_narration_texts)
            yield narration
            if lesson.tracker:
                tracker = VariableTracker(lesson.tracker, id="tracker")
                tracker.set_steps(self.steps)
                yield tracker
        yield Static(id="walk-status")
        table = ExecutionTable(lesson.table.columns, id="table")
        table.set_steps(self.steps)
        table.height_for = self._table_height
        yield table

    def _table_height(self, width: int, height: int) -> int:
        """Rows for the execution table on a tall terminal (on short ones execution_table.tcss gives it 1fr).

        The table asks for every step's row (so its height never changes with a step); the band above
        asks for what its code, narration and tracker hold; when both do not fit, the table keeps at
        least :data:`TABLE_SHARE` of the rows (or all it needs, if less) and the band the rest."""
        table = self.table
        full = table.full_height(width)
        if self.app.size.height < SHORT_BELOW_HEIGHT:
            return full  # (not used: the table is 1fr there)
        flow = self.query_one(FlowDiagram)
        avail = height - flow.get_content_height(None, None, width) - 1  # the status line
        band = self._band_need(width)
        least = min(full, max(MIN_TABLE_ROWS, int(avail * TABLE_SHARE)))
        return max(0, min(full, max(least, avail - band)))

    def _band_need(self, width: int) -> int:
        """Rows the band needs at ``width`` on a tall terminal: the code samples whole (left), or the
        longest step's narration over the tracker (right), whichever is taller (walkthrough.tcss: 1fr 1fr)."""
        cached = getattr(self, "_band_needs", {}).get(width)
        if cached is not None:
            return cached
        left = width // 2
        console = self.app.console
        code = sum(sample_rows(sample, max(1, left - 2), console) + 2 for sample in self.lesson.code)
        text_width = max(1, width - left - 4)  # border and padding
        texts = [step_text(self.lesson, step, self.total) for step in self.steps] or [Text("")]
        for number, question in self.predicts.items():
            step = self.steps[number - 1]
            for i in range(len(question.choices)):
                texts.append(
                    step_text(
                        self.lesson, step, self.total, verdict_text(question, [i], grading.is_correct(question, [i]))
                    )
                )
        narration = max(len(t.wrap(console, text_width)) for t in texts) + 2
        tracker = self.tracker
        right = narration + (min(9, tracker.get_content_height(None, None, width - left - 2)) if tracker else 0)
        need = max(code, right)
        self._band_needs = {**getattr(self, "_band_needs", {}), width: need}
        return need

    def _short_narration_texts(self) -> list[Text]:
        """Every text the narration may show on a short terminal: each step's without its heading, and a
        predict step's with each short verdict (what the narration's height is measured from)."""
        texts = [step_text(self.lesson, None, self.total, heading=False)]
        for step in self.steps:
            texts.append(step_text(self.lesson, step, self.total, heading=False))
            question = self.predicts.get(step.step)
            if question is not None:
                for correct in {grading.is_correct(question, [index]) for index in range(len(question.choices))}:
                    texts.append(step_text(self.lesson, step, self.total, short_verdict(correct), heading=False))
        return texts

    def on_mount(self) -> None:
        self._composed = True
        self.current = 0
        self.go(self._start, gate=self._start_gate)

    @property
    def table(self) -> ExecutionTable:
        return self.query_one(ExecutionTable)

    @property
    def tracker(self) -> VariableTracker | None:
        trackers = self.query(VariableTracker)
        return trackers.first() if trackers else None

    # -- state --------------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return len(self.steps)

    def go(self, target: int, *, gate: bool = True) -> None:
        """Move to ``target`` (clamped). Going forward stops before an unanswered predict question."""
        target = max(0, min(target, self.total))
        if not self._composed:  # built a moment ago (another mode asked for a step): go there once mounted
            self._start, self._start_gate = target, gate
            return
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
        self.stop_autoplay()
        self._update_status()
        question = self.predicts[step]
        order = grading.choice_order(question, grading.stable_seed(self.seed, self.lesson.id, question.id))

        def closed(answered: bool | None) -> None:
            if self.pending == step and not answered:
                self.pending = None  # closed unanswered: stay before the step
                self._update_status()

        self.app.push_screen(PredictScreen(step, question, order, self._answer_for(step)), closed)

    def _answer_for(self, step: int):
        def on_answer(chosen: list[int]) -> bool:
            if self.pending != step:
                self.pending = step
            return self.answer(chosen)

        return on_answer

    def _show(self, upto: int) -> None:
        self.current = upto
        self.table.reveal(upto)
        tracker = self.tracker
        if tracker is not None:
            tracker.reveal(upto)
        step = self.steps[upto - 1] if upto else None
        phase = step.phase if step else None
        self.query_one(FlowDiagram).set_phase(phase)
        self.query_one(CodeView).set_step(step)
        verdict = short = None
        if upto in self.answers and upto in self.predicts:
            chosen, correct = self.answers[upto]
            verdict = verdict_text(self.predicts[upto], list(chosen), correct)
            short = short_verdict(correct)
        self.query_one(Narration).show(self.lesson, step, self.total, verdict=verdict, short_verdict=short)
        self._update_status()
        if upto > self.max_reached:
            self.max_reached = upto
            self.record_progress()
        self.post_message(self.StepChanged(upto))

    def record_progress(self) -> None:
        """Save the furthest step reached (kept as a maximum by the store); nothing without a store."""
        reached = self.max_reached
        if reached:
            recorder_of(self).step(self.lesson.id, reached)

    def _update_status(self) -> None:
        step = self.steps[self.current - 1] if self.current else None
        # the phase too: on a short terminal the narration leaves its heading to this line
        parts = [f"step {self.current}/{self.total}" + (f" · {step.phase}" if step else "")]
        if self.pending is not None:
            parts.append(f"predict step {self.pending}: a-f / 1-6 choose, Enter confirm")
        if self._timer is not None:
            parts.append(f"▶ autoplay every {SPEEDS[self.speed]:g}s (+/- speed, space stops)")
        text = " · ".join(parts)
        if text != self._status_text:
            self._status_text = text
            # one line high (walkthrough.tcss), full width: a new text never changes its size
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

    # -- actions (bound by the lesson screen) ----------------------------------------------------------
    def can(self, action: str) -> bool:
        """Whether a walkthrough action is available now (the screen's check_action)."""
        if action.startswith("jump_"):
            return self.jump_text is not None
        return True

    def action_next(self) -> None:
        if self.pending is None:
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
        self.screen.refresh_bindings()

    def _show_jump(self) -> None:
        """The line where the step number is typed (made the first time `g` is pressed)."""
        text = Text.assemble(
            ("Go to step: ", "bold"), self.jump_text or "", "▏ ", (f"1–{self.total}, Enter goes, Esc cancels", "italic")
        )
        jumps = self.query_children("#jump")
        if jumps:
            jumps.first(Static).update(text)
            jumps.first().display = True
        else:
            self.mount(Static(text, id="jump"))

    def _close_jump(self) -> None:
        self.jump_text = None
        for jump in self.query_children("#jump"):
            jump.display = False
        self.screen.refresh_bindings()

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

    def action_full_value(self) -> None:
        self.table.action_select_cursor()

    def action_row(self, delta: int) -> None:
        table = self.table
        if abs(delta) > 1:
            (table.action_page_down if delta > 0 else table.action_page_up)()
        else:
            (table.action_cursor_down if delta > 0 else table.action_cursor_up)()

    def answer(self, chosen: list[int]) -> bool:
        """Answer the pending predict question with these choices (indexes in the lesson file); the step
        is revealed. Returns whether the answer is right."""
        step = self.pending
        if step is None:
            return False
        question = self.predicts[step]
        chosen = sorted(chosen)
        correct = grading.is_correct(question, chosen)
        self.answers[step] = (tuple(chosen), correct)
        recorder_of(self).answer(self.lesson.id, question.id, "predict", chosen, correct, 0)
        self.pending = None
        self.post_message(self.PredictAnswered(question, tuple(chosen), correct))
        self._show(step)
        return correct

    # -- events -------------------------------------------------------------------------------------
    @on(ExecutionTable.ValueRequested)
    def _value_requested(self, event: ExecutionTable.ValueRequested) -> None:
        event.stop()
        from tutor.ui.modals.dialogs import ValueScreen  # (not needed for the first frame)

        verdict = None
        if event.step.step in self.answers and event.step.step in self.predicts:
            chosen, correct = self.answers[event.step.step]
            verdict = verdict_text(self.predicts[event.step.step], list(chosen), correct)
        # the step's whole narration too (a short terminal may show only its start)
        narration = step_text(self.lesson, event.step, self.total, verdict, heading=False)
        self.app.push_screen(ValueScreen(event.step, self.lesson.table.columns, narration))
