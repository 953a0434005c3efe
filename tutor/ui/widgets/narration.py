"""What the narrator says at the current step."""

from __future__ import annotations

from rich.text import Text
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


class Narration(Static):
    """The step heading (``Step 3 of 12 · validate``) and the narration, always shown literally."""

    def show(self, lesson: Lesson, step: Step | None, total: int) -> None:
        if step is None:
            text = Text()
            text.append(f"Step 0 of {total}\n", style="bold")
            text.append_text(literal("Press → (or n) to play the first step."))
        else:
            text = Text()
            text.append(f"Step {step.step} of {total} · {step.phase}\n", style="bold")
            text.append_text(literal(narration_for(lesson, step)))
        self.update(text)
