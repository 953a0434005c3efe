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


class Narration(Static):
    """The step heading (``Step 3 of 12 · validate``) and the narration, always shown literally.

    It sits in a scrolling box (``#narration-box``) that shares the band above the table with the code.
    """

    def show(self, lesson: Lesson, step: Step | None, total: int, *, verdict: Text | None = None) -> None:
        """Show ``step``'s heading and narration (and the verdict on its predict question, if answered)."""
        if step is None:
            text = Text()
            text.append(f"Step 0 of {total}\n", style="bold")
            text.append_text(literal("Press → (or n) to play the first step."))
        else:
            text = Text()
            text.append(f"Step {step.step} of {total} · {step.phase}\n", style="bold")
            text.append_text(literal(narration_for(lesson, step)))
            if verdict is not None:
                text.append("\nYour prediction: ", style="italic")
                text.append_text(verdict)
        if text == getattr(self, "_shown_text", None):
            return
        self._shown_text = text
        if not (self.is_mounted and self.content_region.width):
            self.update(text)  # not laid out yet
            return
        # no layout when the box keeps its height (most steps): a layout pass re-arranges the whole screen
        self.update(text, layout=False)
        content = self.content_region.size
        parent = self.parent.size if isinstance(self.parent, Widget) else content
        wanted = (content.width, self.get_content_height(parent, self.screen.size, content.width))
        # the same wanted height at the same width lays out the same (also when max-height clips it)
        if wanted != getattr(self, "_wanted", None):
            self._wanted = wanted
            self.refresh(layout=True)
