"""`tutor open capture.har`: the app opened on a capture's walkthrough, without a progress store (nothing
from a capture is recorded)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tutor.capture.replay import Replay
from tutor.lesson.loader import LoadedLesson
from tutor.ui.app import TutorApp
from tutor.ui.screens.capture import CaptureScreen


class CaptureApp(TutorApp):
    #: nothing from a capture goes to disk, not even its findings' colours
    CACHE_COLOURS = False

    def __init__(
        self, loaded: LoadedLesson, replay: Replay, *, step: int | None = None, folder: Path | None = None, **kw: Any
    ) -> None:
        super().__init__(lesson=loaded, step=step, store=None, **kw)
        self.replay = replay
        self.folder = folder

    def _first_lesson_screen(self) -> CaptureScreen:
        assert self.initial_lesson is not None
        return CaptureScreen(
            self.initial_lesson,
            self.replay,
            folder=self.folder,
            mode="walkthrough",
            step=self.initial_step,
            seed=self.seed,
        )

    def _open_store_late(self) -> None:
        """No store for a capture (TutorApp would open one after the first frame)."""
