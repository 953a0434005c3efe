"""`tutor open capture.har`: the app opened on a capture's walkthrough, without a progress store (nothing
from a capture is recorded)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tutor.capture.replay import Replay
from tutor.lesson.loader import LoadedLesson
from tutor.ui.app import TutorApp
from tutor.ui.screens.capture import CaptureScreen, Loader


class CaptureApp(TutorApp):
    def __init__(
        self,
        loaded: LoadedLesson,
        replay: Replay,
        *,
        step: int | None = None,
        folder: Path | None = None,
        first: int = 1,
        load: Loader | None = None,
        **kw: Any,
    ) -> None:
        """``first``: the capture's step that is the window's step 1; ``load``: how another window is
        replayed (none: the capture is shown as one window)."""
        super().__init__(lesson=loaded, step=step, store=None, **kw)
        self.replay = replay
        self.folder = folder
        self.first = first
        self.load = load

    def _first_lesson_screen(self) -> CaptureScreen:
        assert self.initial_lesson is not None
        return CaptureScreen(
            self.initial_lesson,
            self.replay,
            folder=self.folder,
            first=self.first,
            load=self.load,
            mode="walkthrough",
            step=self.initial_step,
            seed=self.seed,
        )

    def _open_store_late(self) -> None:
        """No store for a capture (TutorApp would open one after the first frame)."""
