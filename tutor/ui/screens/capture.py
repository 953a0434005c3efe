"""The walkthrough of a HAR capture: the lesson screen over the capture's trace, plus `e` (export) and, for
a capture longer than one window, `>` / `<` (the next or previous :data:`~tutor.capture.lesson.MAX_SHOWN`
steps).

The capture is a :class:`~tutor.lesson.loader.LoadedLesson` made by :func:`tutor.capture.lesson.capture_lesson`
(its code pane is the findings panel); `e` writes the capture as a lesson with a redacted scenario
(:func:`tutor.capture.export.lesson_yaml`) into the current folder (``capture-N.yaml``, its id ``capture-N``,
never over a file: :func:`tutor.files.create_numbered`). Another window is asked of the ``load`` the
command gives (``tutor.capture.load.Capture.window``: the replay goes on from the furthest window replayed,
or a nearer one is cut from it; the same as a replay from the capture's first request to that window's
end, as `tutor open --step N` does) in a worker thread; a bad entry met on the way is said in one line
(``FILE:LINE:COL: error: ...``) and the window shown stays.

`tutor open` shows the first window before the whole file is checked (:func:`tutor.capture.load.open_capture`):
the screen is given ``confirm`` and runs it in a worker thread a moment after the first frame
(:data:`CHECK_DELAY`; ``>`` and ``e`` wait for it, the title says ``of … (counting)``). The title then
gets the count; if the first window is not the capture's first in time (or its browser is named after
its entries) it is replayed again, from the checked file, and drawn with a notice saying why; a bad file
ends the app with exit code 1, the command printing its one positioned line (``CaptureApp.late_error``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message

from tutor.capture.lesson import MAX_SHOWN
from tutor.capture.replay import Replay
from tutor.lesson.loader import LoadedLesson
from tutor.ui.screens.lesson import LessonScreen
from tutor.ui.text import visible

#: The replay of the capture's first ``upto`` requests (``tutor.capture.load.Capture.window``, or
#: ``load_capture`` with the command's options); raises ``HarError`` or ``OSError``.
Loader = Callable[[int], Replay]
#: The whole-file check of a capture shown before it (``tutor.capture.lazy.LazyHar.confirm``): the count,
#: and why the first window must be replayed again (None: it stands); raises ``HarError`` or ``OSError``.
Confirm = Callable[[], tuple[int, str | None]]
#: Seconds from the first frame to the whole-file check (it holds the interpreter for a tenth of a second
#: or more on a 200 MB capture: not while the terminal is still to show the frame; as `STORE_DELAY`).
CHECK_DELAY = 0.3


class CaptureScreen(LessonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "export", "Export lesson"),
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
        confirm: Confirm | None = None,
        **kw,
    ) -> None:
        super().__init__(loaded, **kw)
        self.replay = replay
        self.folder = folder or Path.cwd()
        self.first = first
        """The capture's step shown as the window's step 1."""
        self.load = load
        self.loading = False
        self.confirm = confirm

    def on_mount(self) -> None:
        if self.confirm is not None:  # (counted from the first frame, not from the mount before it)
            self.call_after_refresh(lambda: self.set_timer(CHECK_DELAY, self._check_whole))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "window":
            target = self.first + int(str(parameters[0])) * MAX_SHOWN
            if self.load is None or not self.replay.counted or not 1 <= target <= self.replay.total:
                return False  # (one window, the first / last one, or not counted yet: not in the key bar)
            return not self.loading
        if action == "export" and not self.replay.counted:
            return False  # (the lesson says how many requests it leaves out)
        return super().check_action(action, parameters)

    @work(thread=True, exclusive=True, group="capture-check")
    def _check_whole(self) -> None:
        from tutor.capture.har import HarError

        assert self.confirm is not None
        try:
            count, again = self.confirm()
        except (HarError, OSError) as exc:
            self.app.call_from_thread(self._bad_file, exc)
            return
        self.app.call_from_thread(self._counted, count, again)

    def _counted(self, count: int, again: str | None) -> None:
        from dataclasses import replace

        from tutor.capture.lesson import capture_lesson

        self.confirm = None
        if not self.is_attached:  # (left for the picker meanwhile: nothing to show it on)
            return
        if again is not None:
            self.notify(
                visible(f"{again}: replaying its first {min(MAX_SHOWN, count)} requests in time order…"),
                title="Capture",
                markup=False,
            )
            self.loading = True
            # its first window in time order: a bad entry there is what `tutor open` of a checked file
            # reports before its first frame, so the app ends with it (BadFile), not one line and a stuck title
            self._load_window(1, fatal=True)
            return
        self.replay = replace(self.replay, total=count, counted=True)
        self.loaded = replace(
            self.loaded, lesson=capture_lesson(self.replay, self.loaded.path, first=self.first).lesson
        )
        self.show_title()
        self.refresh_bindings()

    class BadFile(Message):
        """The whole-file check found what `tutor open` reports before the first frame of a checked file
        (``HarError``, ``OSError``): the app ends with it (``CaptureApp.late_error``)."""

        def __init__(self, error: Exception) -> None:
            super().__init__()
            self.error = error

    def _bad_file(self, exc: Exception) -> None:
        if self.is_attached:  # (left for the picker meanwhile: the capture is not shown any more)
            self.post_message(self.BadFile(exc))

    def action_window(self, direction: int) -> None:
        if not self.check_action("window", (direction,)):
            return
        self.loading = True
        self.refresh_bindings()
        first = self.first + direction * MAX_SHOWN
        last = min(first + MAX_SHOWN - 1, self.replay.total)
        self.notify(visible(f"Replaying the capture to step {last}…"), title="Capture", markup=False, timeout=1)
        self._load_window(first)

    @work(thread=True, exclusive=True, group="capture-window")
    def _load_window(self, first: int, *, fatal: bool = False) -> None:
        from tutor.capture.har import HarError
        from tutor.capture.lesson import capture_lesson

        assert self.load is not None
        try:
            replay = self.load(first + MAX_SHOWN - 1)
            loaded = capture_lesson(replay, self.loaded.path, first=first)
        except (HarError, OSError) as exc:
            if fatal:
                self.app.call_from_thread(self._bad_file, exc)
                return
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
