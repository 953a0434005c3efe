"""The walkthrough of a HAR capture: the lesson screen over the capture's trace, plus `e` (export) and, for
a capture longer than one window, `>` / `<` (the next or previous :data:`~tutor.capture.lesson.MAX_SHOWN`
steps).

The capture is a :class:`~tutor.lesson.loader.LoadedLesson` made by :func:`tutor.capture.lesson.capture_lesson`
(its code pane is the findings panel); `e` writes the capture as a lesson with a redacted scenario
(:func:`tutor.capture.export.lesson_yaml`) into the current folder (``capture-N.yaml``, its id ``capture-N``,
never over a file: :func:`tutor.files.create_numbered`). Another window is replayed from the capture's
first request to that window's end in a worker thread (the same replay as `tutor open --step N`: the jar
is the one a full replay has there); a bad entry met on the way is said in one line
(``FILE:LINE:COL: error: ...``) and the window shown stays.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType

from tutor.capture.lesson import MAX_SHOWN
from tutor.capture.replay import Replay
from tutor.lesson.loader import LoadedLesson
from tutor.ui.screens.lesson import LessonScreen
from tutor.ui.text import visible

#: Replays the capture's first ``upto`` requests (``tutor.capture.load.load_capture`` with the command's
#: options); raises ``HarError`` or ``OSError``.
Loader = Callable[[int], Replay]


class CaptureScreen(LessonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "export", "Export scenario"),
        Binding("greater_than_sign", "window(1)", f"Next {MAX_SHOWN}", key_display=">"),
        Binding("less_than_sign", "window(-1)", f"Previous {MAX_SHOWN}", key_display="<"),
    ]
    #: A capture has no key moments, questions, playground scenario or challenges: only the modes it fills
    #: (the Snapshot is the capture's summary and findings; the Transcript, its requests).
    OFFERED: ClassVar[tuple[str, ...]] = ("walkthrough", "snapshot", "transcript")

    def __init__(
        self,
        loaded: LoadedLesson,
        replay: Replay,
        *,
        folder: Path | None = None,
        first: int = 1,
        load: Loader | None = None,
        **kw,
    ) -> None:
        super().__init__(loaded, **kw)
        self.replay = replay
        self.folder = folder or Path.cwd()
        self.first = first
        """The capture's step shown as the window's step 1."""
        self.load = load
        self.loading = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "window":
            target = self.first + int(str(parameters[0])) * MAX_SHOWN
            if self.load is None or not 1 <= target <= self.replay.total:
                return False  # (one window, or the first / last one: not in the key bar)
            return not self.loading
        return super().check_action(action, parameters)

    def action_window(self, direction: int) -> None:
        if not self.check_action("window", (direction,)):
            return
        self.loading = True
        self.refresh_bindings()
        first = self.first + direction * MAX_SHOWN
        last = min(first + MAX_SHOWN - 1, self.replay.total)
        self.notify(visible(f"Replaying the capture to step {last}…"), title="Capture", markup=False, timeout=2)
        self._load_window(first)

    @work(thread=True, exclusive=True, group="capture-window")
    def _load_window(self, first: int) -> None:
        from tutor.capture.har import HarError
        from tutor.capture.lesson import capture_lesson

        assert self.load is not None
        try:
            replay = self.load(first + MAX_SHOWN - 1)
            loaded = capture_lesson(replay, self.loaded.path, first=first)
        except (HarError, OSError) as exc:
            text = str(exc) if isinstance(exc, HarError) else f"{self.loaded.path}: {exc.strerror or exc}"
            self.app.call_from_thread(self._window_failed, text)
            return
        self.app.call_from_thread(self._show_window, loaded, replay, first)

    def _window_failed(self, message: str) -> None:
        self.loading = False
        self.refresh_bindings()
        self.notify(visible(message), title="Not opened", severity="error", markup=False)

    def _show_window(self, loaded: LoadedLesson, replay: Replay, first: int) -> None:
        screen = CaptureScreen(
            loaded, replay, folder=self.folder, first=first, load=self.load, mode="walkthrough", step=1, seed=self.seed
        )
        self.app.switch_screen(screen)

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
