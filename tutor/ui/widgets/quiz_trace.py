"""The trace above a visual quiz's or a review's question: the lesson's execution table and variable tracker
(the walkthrough's widgets, read-only: the quiz keeps the keys), shown up to the question's context row
(:func:`tutor.lesson.quiz_session.context_step`).

The question, all its choices and the verdict keep their rows at every size from 80×24; the trace gets what
they leave (:meth:`QuizTrace.fit`): the tracker at most a third, the table the rest, at least
:data:`LEAST_ROWS` each. Below :data:`COMPACT_HEIGHT` rows both drop their borders (``quiz_trace.tcss``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical

from tutor.ui.styles import Styled
from tutor.ui.widgets.execution_table import ExecutionTable
from tutor.ui.widgets.variable_tracker import VariableTracker

if TYPE_CHECKING:
    from tutor.engine.trace import Step
    from tutor.lesson.model import Lesson

#: Below this height the trace drops its borders (the question keeps room): the quiz's ``-compact``.
COMPACT_HEIGHT = 24
#: The most rows the trace's table and tracker take (``quiz_trace.tcss``'s max-height; compact, both 6).
TABLE_ROWS, TRACKER_ROWS, COMPACT_ROWS = 14, 8, 6
#: The fewest rows either keeps when the question needs the rest.
LEAST_ROWS = 3


class QuizTrace(Styled, Vertical):
    """The execution table over the variable tracker, read-only, revealed up to one row."""

    STYLES: ClassVar[tuple[str, ...]] = ("widgets/quiz_trace",)

    def __init__(self, lesson: Lesson, **kw) -> None:
        super().__init__(**kw)
        self.lesson = lesson
        self._fitted: tuple[int | None, int | None] = (None, None)

    def compose(self) -> ComposeResult:
        lesson = self.lesson
        table = ExecutionTable(lesson.table.columns, id="quiz-table")
        table.border_title = "Execution table"
        table.can_focus = False  # read-only: the quiz keeps the keys
        yield table
        tracker = VariableTracker(lesson.tracker, id="quiz-tracker")
        tracker.border_title = "Variables"
        tracker.display = bool(lesson.tracker)
        yield tracker

    @property
    def table(self) -> ExecutionTable:
        return self.query_one("#quiz-table", ExecutionTable)

    @property
    def tracker(self) -> VariableTracker:
        return self.query_one("#quiz-tracker", VariableTracker)

    def set_steps(self, steps: Sequence[Step]) -> None:
        self.table.set_steps(steps)
        self.tracker.set_steps(steps)

    def reveal(self, step: int) -> None:
        """Show the rows up to ``step`` (that one highlighted) and the variables at it."""
        self.table.reveal(step)
        self.tracker.reveal(step)

    def fit(self, room: int, *, compact: bool) -> None:
        """Take at most ``room`` rows (what the question leaves): the tracker at most a third, the table the
        rest (it shows the rows ending at the question's), each at least :data:`LEAST_ROWS`."""
        table, tracker = self.table, self.tracker
        most_table, most_tracker = (COMPACT_ROWS, COMPACT_ROWS) if compact else (TABLE_ROWS, TRACKER_ROWS)
        width = table.content_region.width or self.size.width
        table_rows = min(most_table, table.get_content_height(None, None, width) + table.styles.gutter.height)
        tracker_rows = most_tracker if tracker.display else 0
        if table_rows + tracker_rows <= room:
            table_max, tracker_max = None, None
        else:
            tracker_max = min(tracker_rows, max(LEAST_ROWS, room // 3)) if tracker.display else 0
            table_max = max(LEAST_ROWS, min(table_rows, room - tracker_max))
        if (table_max, tracker_max) != self._fitted:
            self._fitted = (table_max, tracker_max)
            table.styles.max_height = table_max
            tracker.styles.max_height = tracker_max
