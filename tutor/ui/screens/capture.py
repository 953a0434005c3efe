"""The walkthrough of a HAR capture: the lesson screen over the capture's trace, plus `e` (export).

The capture is a :class:`~tutor.lesson.loader.LoadedLesson` made by :func:`tutor.capture.lesson.capture_lesson`
(its code pane is the findings panel); `e` writes the capture as a lesson with a redacted scenario
(:func:`tutor.capture.export.lesson_yaml`) into the current folder (``capture-N.yaml``, its id ``capture-N``,
never over a file: :func:`tutor.files.create_numbered`).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.binding import Binding, BindingType

from tutor.capture.replay import Replay
from tutor.lesson.loader import LoadedLesson
from tutor.ui.screens.lesson import LessonScreen
from tutor.ui.text import visible


class CaptureScreen(LessonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("e", "export", "Export scenario")]

    def __init__(self, loaded: LoadedLesson, replay: Replay, *, folder: Path | None = None, **kw) -> None:
        super().__init__(loaded, **kw)
        self.replay = replay
        self.folder = folder or Path.cwd()

    def action_export(self) -> None:
        from tutor.capture.export import lesson_id, lesson_yaml
        from tutor.files import create_numbered

        def render(path: Path) -> str:  # the lesson's id is its file's name (capture-N)
            return lesson_yaml(self.replay, self.loaded.path.name, lesson=lesson_id(path.stem))

        try:
            path = create_numbered(self.folder, "capture", ".yaml", render=render)
        except OSError as exc:
            self.notify(visible(f"Not exported: {exc}"), severity="error", markup=False)
            return
        self.notify(
            visible(f"Exported the capture as a lesson: {path} (tutor check, tutor simulate and tutor open take it)"),
            title="Export",
            markup=False,
        )
