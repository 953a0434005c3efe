"""What the narrator says at the current step."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from tutor.engine.trace import Step
from tutor.lesson.model import Lesson
from tutor.ui.text import literal


def narration_for(lesson: Lesson, step: Step) -> str:
    """The step's own narration, else its phase's, else the step's action and result."""
    for entry in lesson.narration:
        if entry.step == step.step:
            return entry.text
    for entry in lesson.narration:
        if entry.step is None and entry.phase == step.phase:
            return entry.text
    return f"{step.action} → {step.result}"


def step_text(lesson: Lesson, step: Step | None, total: int, verdict: Text | None = None) -> Text:
    """The heading and narration of ``step`` (None: before the first step), with a predict verdict."""
    text = Text()
    if step is None:
        text.append(f"Step 0 of {total}\n", style="bold")
        text.append_text(literal("Press → (or n) to play the first step."))
        return text
    text.append(f"Step {step.step} of {total} · {step.phase}\n", style="bold")
    text.append_text(literal(narration_for(lesson, step)))
    if verdict is not None:
        text.append("\nYour prediction: ", style="italic")
        text.append_text(verdict)
    return text


class Narration(Static):
    """The step heading (``Step 3 of 12 · validate``) and the narration, always shown literally.

    It sits in a scrolling box (``#narration-box``) that shares the band above the table with the code.
    Its height is the most any step of the lesson needs at its width (:meth:`measure`), so a step changes
    its text, never its size: no layout pass per step.
    """

    def measure(self, texts: list[Text]) -> None:
        """Every text this narration may show (all steps, with their possible verdicts)."""
        self._all_texts = texts
        self._heights: dict[int, int] = {}

    def get_content_height(self, container, viewport, width: int) -> int:
        texts = getattr(self, "_all_texts", None)
        if not texts or not self.is_attached:
            return super().get_content_height(container, viewport, width)
        height = self._heights.get(width)
        if height is None:
            console = self.app.console
            height = self._heights[width] = max(len(t.wrap(console, max(1, width))) for t in texts)
        return height

    def show(self, lesson: Lesson, step: Step | None, total: int, *, verdict: Text | None = None) -> None:
        """Show ``step``'s heading and narration (and the verdict on its predict question, if answered)."""
        text = step_text(lesson, step, total, verdict)
        if text == getattr(self, "_shown_text", None):
            return
        self._shown_text = text
        if not (self.is_mounted and self.content_region.width) or not getattr(self, "_all_texts", None):
            self.update(text)  # not laid out yet (or not measured: sized by its text)
            return
        self.update(text, layout=False)  # the same height as every other step's
