"""`tutor open capture.har`: the app opened on a capture's walkthrough, without a progress store (nothing
from a capture is recorded)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tutor.capture.replay import Replay
from tutor.lesson.loader import LoadedLesson
from tutor.ui.app import TutorApp
from tutor.ui.screens.capture import CaptureScreen, Confirm, Loader


class CaptureApp(TutorApp):
    #: nothing from a capture goes to disk, not even its findings' colours
    CACHE_COLOURS = False

    def __init__(
        self,
        loaded: LoadedLesson,
        replay: Replay,
        *,
        step: int | None = None,
        folder: Path | None = None,
        first: int = 1,
        load: Loader | None = None,
        confirm: Confirm | None = None,
        **kw: Any,
    ) -> None:
        """``first``: the capture's step that is the window's step 1; ``load``: how another window is
        replayed (none: the capture is shown as one window); ``confirm``: the whole-file check still to
        run (the replay is not ``counted``: :mod:`tutor.ui.screens.capture`)."""
        super().__init__(lesson=loaded, step=step, store=None, **kw)
        self.replay = replay
        self.folder = folder
        self.first = first
        self.load = load
        self.confirm = confirm
        self.late_error: Exception | None = None
        """What the whole-file check found after the first frame (``HarError``, ``OSError``): the app
        exits with code 1 and `tutor open` prints it."""

    def _first_lesson_screen(self) -> CaptureScreen:
        assert self.initial_lesson is not None
        return CaptureScreen(
            self.initial_lesson,
            self.replay,
            folder=self.folder,
            first=self.first,
            load=self.load,
            confirm=self.confirm,
            mode="walkthrough",
            step=self.initial_step,
            seed=self.seed,
        )

    def on_capture_screen_bad_file(self, message: CaptureScreen.BadFile) -> None:
        """The capture is not a good HAR after all: `tutor open` prints why (its one line), exit code 1."""
        self.late_error = message.error
        self.exit(return_code=1)

    def _open_store_late(self) -> None:
        """No store for a capture (TutorApp would open one after the first frame)."""
