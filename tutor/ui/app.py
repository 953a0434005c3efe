"""`TutorApp`: the Textual app. The picker is the bottom screen; a lesson screen is pushed over it."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.markup import escape
from textual.screen import Screen

from tutor.lesson import catalog
from tutor.ui.recorder import RecordingApp
from tutor.ui.text import visible

if TYPE_CHECKING:
    from tutor.lesson.loader import LoadedLesson
    from tutor.progress import CardRecord, LessonProgress, ProgressStore
    from tutor.review import ReviewSummary
    from tutor.ui.screens.lesson import LessonScreen
    from tutor.ui.screens.picker import PickerScreen

T = TypeVar("T")
#: ``store`` argument meaning "open the default progress store".
OPEN_STORE = "open"
_LESSON_MODULE = "tutor.ui.screens.lesson"
_PICKER_MODULE = "tutor.ui.screens.picker"


def _lesson_screen_class() -> type[LessonScreen]:
    """The lesson screen, imported when a lesson is first opened (the picker does not need its widgets,
    Pygments or the engine)."""
    from tutor.ui.screens.lesson import LessonScreen

    return LessonScreen


def _is_lesson_screen(screen: object) -> bool:
    """``isinstance(screen, LessonScreen)`` without importing the lesson screen: no lesson screen can
    exist before its module is imported."""
    module = sys.modules.get(_LESSON_MODULE)
    return module is not None and isinstance(screen, module.LessonScreen)


def _is_picker_screen(screen: object) -> bool:
    """``isinstance(screen, PickerScreen)``; `tutor open` does not import the picker until it is needed."""
    module = sys.modules.get(_PICKER_MODULE)
    return module is not None and isinstance(screen, module.PickerScreen)


def screenshot_folder() -> Path:
    """Where screenshots go: the Downloads folder, else the Pictures folder, if it exists; else the
    current folder."""
    from platformdirs import user_downloads_dir, user_pictures_dir

    for candidate in (user_downloads_dir(), user_pictures_dir()):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return Path.cwd()


class TutorApp(RecordingApp):
    """Session Tutor."""

    TITLE = "Session Tutor"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True, show=False),
    ]

    def __init__(
        self,
        *,
        extra_dirs: Iterable[str | Path] = (),
        lesson: LoadedLesson | None = None,
        mode: str = "walkthrough",
        step: int | None = None,
        watch: bool = False,
        store: ProgressStore | str | None = OPEN_STORE,
        cursor_blink: bool = True,
        seed: int = 0,
        review: bool = False,
        review_ahead: float | None = None,
    ) -> None:
        """``review``: start in the review (`tutor review`); ``review_ahead``: with it, also the cards due within
        that many days (``math.inf``: every card not due yet), asked after the due ones."""
        super().__init__()
        self.extra_dirs = list(extra_dirs)
        self.initial_lesson = lesson
        self.initial_mode = mode
        self.initial_step = step
        self.watch_file = watch
        self.gc_thresholds: tuple[int, int, int] | None = None
        """Set by `tutor open`, which collects young objects less often until the first frame: restored then."""
        self._store_arg = store
        self.cursor_blink = cursor_blink
        self.seed = seed
        self.initial_review = review
        self.review_ahead = review_ahead

    async def run_async(self, *, headless: bool = False, **kwargs: Any) -> Any:
        """Run the app; without an interactive terminal, say so on stderr and return at once (exit 1)."""
        from tutor.ui.terminal import terminal_problem

        problem = None if headless else terminal_problem()
        if problem is not None:
            sys.stderr.write(f"tutor: error: {problem}\n")
            self._return_code = 1
            return None
        return await super().run_async(headless=headless, **kwargs)

    # -- progress store -----------------------------------------------------------------------------
    def _open_store(self) -> None:
        if self._store_arg != OPEN_STORE:
            self.store = self._store_arg  # type: ignore[assignment]
        else:
            from tutor.progress import ProgressError, ProgressStore

            try:
                self.store = ProgressStore.open()
            except (ProgressError, OSError) as exc:
                self.store = None
                self.notify(
                    visible(f"Progress will not be saved: {exc}"),
                    title="Progress store",
                    severity="warning",
                    timeout=8,
                    markup=False,
                )
                return
        notice = getattr(self.store, "notice", None)
        if notice:
            self.notify(visible(notice), title="Progress store", severity="warning", timeout=10, markup=False)

    @property
    def store(self) -> ProgressStore | None:
        """The progress store the app's :attr:`recorder` writes to (None: progress is not recorded)."""
        return self.recorder.store

    @store.setter
    def store(self, store: ProgressStore | None) -> None:
        self.recorder.store = store

    def store_call(self, fn: Callable[[], T], default: T | None = None) -> T | None:
        """Run a progress-store call under the recorder's one error policy (said once, recording stops)."""
        return self.recorder.call(lambda _store: fn(), default)

    def lesson_summary(self, lesson_id: str) -> LessonProgress | None:
        store = self.store
        if store is None:
            return None
        return self.store_call(lambda: store.lesson_summary(lesson_id))

    def review_summary(self) -> ReviewSummary | None:
        """Due counts after turning new answers into cards (:mod:`tutor.review`); None without a store."""
        store = self.store
        if store is None:
            return None
        from tutor.review import ReviewDeck

        return self.store_call(ReviewDeck(store).synced_summary)

    def open_review(self, ahead: float | None = None) -> None:
        """Show the review screen with the cards due now, in every lesson; with ``ahead`` (days), then the
        cards due within that many days (review ahead)."""
        from tutor.review import ReviewDeck, due_items
        from tutor.ui.screens.review import ReviewScreen

        store = self.store
        deck = ReviewDeck(store) if store is not None else None
        cards: list[CardRecord] = []
        next_due = None
        if deck is not None:
            found = deck
            summary = self.store_call(found.synced_summary)
            now = summary.now if summary else None
            cards = self.store_call(lambda: found.due(now), []) or []
            if ahead is not None:
                cards += self.store_call(lambda: found.ahead(ahead, now), []) or []
            next_due = summary.next_due if summary is not None else None
            if self.store is None or getattr(self.store, "readonly", False):  # failed just now, or only viewing
                deck = None  # the screen says answers are not saved
        items, skipped = due_items(cards, self.extra_dirs)
        self.push_screen(ReviewScreen(items, deck, skipped=len(skipped), next_due=next_due))

    # -- screens ------------------------------------------------------------------------------------
    def on_mount(self) -> None:
        if self.gc_thresholds is not None:
            self.call_after_refresh(self._restore_gc)
        if self.initial_review:
            self._open_store()
            self.open_review(self.review_ahead)  # `tutor review`: the picker is built when the learner goes back to it
        elif self.initial_lesson is not None:
            # `tutor open`: the picker is built only when the learner goes back to it
            if self.initial_mode == "walkthrough":
                # the walkthrough needs no progress for its first frame: the store is opened after it
                self.push_screen(self._first_lesson_screen())
                self.call_after_refresh(self._open_store_late)
                return
            self._open_store()
            self.push_screen(self._first_lesson_screen())
        else:
            self._open_store()
            self.push_screen(self._picker())

    def _first_lesson_screen(self) -> LessonScreen:
        assert self.initial_lesson is not None
        return _lesson_screen_class()(
            self.initial_lesson, mode=self.initial_mode, step=self.initial_step, watch=self.watch_file, seed=self.seed
        )

    def _restore_gc(self) -> None:
        import gc

        if self.gc_thresholds is not None:
            gc.set_threshold(*self.gc_thresholds)
            self.gc_thresholds = None

    def _open_store_late(self) -> None:
        """Open the progress store after the first frame, and record the step the walkthrough shows."""
        self._open_store()
        for screen in self.screen_stack:
            from tutor.ui.widgets.walkthrough import Walkthrough

            for walkthrough in screen.query(Walkthrough):  # steps taken before the store was open
                walkthrough.record_progress()

    def _picker(self) -> PickerScreen:
        from tutor.ui.screens.picker import PickerScreen

        return PickerScreen(catalog.entries(self.extra_dirs))

    def open_lesson(self, path: Path, mode: str = "walkthrough") -> bool:
        """Load a lesson file and show it; its problems become a notification when it is invalid."""
        from tutor.lesson.loader import LoadError, load_lesson_cached

        try:
            loaded = load_lesson_cached(path)
        except LoadError as exc:
            lines = [str(p).splitlines()[0] for p in exc.problems[:5]]
            more = len(exc.problems) - len(lines)
            if more > 0:
                lines.append(f"... and {more} more (run tutor check)")
            self.notify(
                visible("\n".join(lines)), title="This lesson has problems", severity="error", timeout=10, markup=False
            )
            return False
        except OSError as exc:
            self.notify(visible(f"{path}: {exc.strerror or exc}"), severity="error", markup=False)
            return False
        lesson_screen = _lesson_screen_class()
        while isinstance(self.screen, lesson_screen):
            self.pop_screen()
        self.push_screen(lesson_screen(loaded, mode=mode, seed=self.seed))
        return True

    def leave_lesson(self, screen: Screen) -> None:
        """Back from a lesson: to the picker (below it, or a new one when the app started in the lesson)."""
        if any(_is_picker_screen(s) for s in self.screen_stack):
            self.pop_screen()
        else:
            self.switch_screen(self._picker())

    def show_help(self, screen: Screen) -> None:
        from tutor.ui.screens.help import HelpScreen, describe_bindings

        name = "Lesson picker" if _is_picker_screen(screen) else getattr(screen, "HELP_TITLE", "Lesson")
        if _is_lesson_screen(screen):
            from tutor.ui.screens.lesson import MODES

            name = f"Lesson · {MODES[screen.mode][1]}"  # type: ignore[attr-defined]
        rows = describe_bindings(self, screen)
        rows.append(("ctrl+p", "Command palette: switch mode, open a lesson, change theme"))
        self.push_screen(HelpScreen(name, rows))

    # -- command palette ----------------------------------------------------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot" and not self.is_web:
                # Textual's saves to ~/Downloads and only says "Failed" when that folder does not exist
                folder = screenshot_folder()
                yield SystemCommand(
                    "Screenshot",
                    visible(f"Save an SVG screenshot of this screen in {folder}"),
                    partial(self.set_timer, 0.1, self.save_screenshot_in_folder),
                )
            else:
                yield command
        if _is_lesson_screen(screen):
            from tutor.ui.screens.lesson import MODES

            for mode in screen.OFFERED:  # type: ignore[attr-defined]  # a LessonScreen (_is_lesson_screen)
                full = MODES[mode][1]
                yield SystemCommand(
                    f"Switch to {full}",
                    f"Show the {full} tab of this lesson",
                    partial(screen.switch_mode, mode),  # type: ignore[attr-defined]
                )
        for entry in catalog.entries(self.extra_dirs):
            if entry.valid:
                # the palette reads titles as markup: lesson text is escaped
                yield SystemCommand(
                    f"Open lesson: {escape(visible(entry.title))}",
                    escape(visible(f"{entry.level}, {entry.minutes} min ({entry.id})")),
                    partial(self.open_lesson, entry.path),
                )

    def save_screenshot_in_folder(self) -> Path | None:
        """Save an SVG of the screen in :func:`screenshot_folder` and say where (or why not)."""
        from tutor.files import create_numbered

        folder = screenshot_folder()
        try:
            # a new file, never through a link and never over another file (tutor/files.py)
            path = create_numbered(folder, "session-tutor", ".svg", self.export_screenshot())
        except OSError as exc:
            self.notify(
                visible(f"Could not save a screenshot in {folder}: {exc.strerror or exc}"),
                title="Screenshot",
                severity="error",
                markup=False,
            )
            return None
        self.notify(visible(f"Saved {path}"), title="Screenshot", markup=False)
        return path

    def on_unmount(self) -> None:
        store = self.store
        if store is not None:
            try:
                store.close()
            except Exception:  # closing must not turn a clean exit into a traceback
                pass


__all__ = ["OPEN_STORE", "TutorApp", "screenshot_folder"]
