"""The walkthrough of a HAR capture: the lesson screen over the capture's trace, plus `e` (export).

The capture is a :class:`~tutor.lesson.loader.LoadedLesson` made by :func:`tutor.capture.lesson.capture_lesson`
(its code pane is the findings panel); `e` writes the capture as a redacted scenario into the current
folder (``capture-N.yaml``, never over a file: :func:`tutor.files.create_numbered`).
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
    #: A capture has no key moments, questions, playground scenario or challenges: only the modes it fills
    #: (the Snapshot is the capture's summary and findings; the Transcript, its requests).
    OFFERED: ClassVar[tuple[str, ...]] = ("walkthrough", "snapshot", "transcript")

    def __init__(self, loaded: LoadedLesson, replay: Replay, *, folder: Path | None = None, **kw) -> None:
        super().__init__(loaded, **kw)
        self.replay = replay
        self.folder = folder or Path.cwd()

    def action_export(self) -> None:
        from tutor.capture.scenario import scenario_yaml
        from tutor.files import create_numbered

        text = scenario_yaml(self.replay, self.loaded.path.name)
        try:
            path = create_numbered(self.folder, "capture", ".yaml", text)
        except OSError as exc:
            self.notify(visible(f"Not exported: {exc}"), severity="error", markup=False)
            return
        self.notify(visible(f"Exported the capture as a scenario: {path}"), title="Export", markup=False)
