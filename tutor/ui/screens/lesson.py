"""The lesson screen: one tab per mode, the walkthrough first."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from tutor.ui.text import literal, visible
from tutor.ui.widgets.execution_table import ExecutionTable
from tutor.ui.widgets.readable import MomentsView, ReadableText
from tutor.ui.widgets.walkthrough import Walkthrough

if TYPE_CHECKING:
    from tutor.lesson.loader import LoadedLesson

#: mode -> (tab label, full name used in the command palette)
MODES: dict[str, tuple[str, str]] = {
    "walkthrough": ("Walkthrough", "Walkthrough"),
    "moments": ("Moments", "Key moments"),
    "visual": ("Visual", "Visual quiz"),
    "practice": ("Practice", "Practice"),
    "test": ("Test", "Test"),
    "snapshot": ("Snapshot", "Snapshot"),
    "transcript": ("Transcript", "Transcript"),
    "play": ("Play", "Playground"),
}
#: How often a watched lesson file is checked, in seconds.
WATCH_INTERVAL = 0.5


def _optional_widget(module: str, name: str):
    """Another widget module's class, or None when it is not in this build (or cannot be imported)."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def file_signature(path: Path) -> tuple[int, int, int] | None:
    """What changes when a file is saved (also by rename): inode, size, mtime. None if it is missing."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


class LessonScreen(Screen):
    """A lesson, one tab per mode."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right_square_bracket", "next_mode", "Next mode"),
        Binding("left_square_bracket", "previous_mode", "Previous mode", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("q,escape", "back", "Back"),
    ]

    def __init__(self, loaded: LoadedLesson, *, mode: str = "walkthrough", step: int | None = None,
                 watch: bool = False, seed: int = 0, **kw) -> None:
        super().__init__(**kw)
        self.loaded = loaded
        self.mode = mode if mode in MODES else "walkthrough"
        self.start_step = step
        self.watching = watch
        self.seed = seed
        self.problems: list[str] = []
        self._signature = file_signature(loaded.path) if watch else None
        if self.mode == "walkthrough":
            # Focus the table as the screen mounts: Textual's default (the first focusable widget, the tab
            # bar) would be restyled, then blurred by _focus_mode, each time re-composing the footer.
            self.AUTO_FOCUS = "ExecutionTable"

    # -- layout -------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        loaded = self.loaded
        lesson = loaded.lesson
        self.sub_title = visible(lesson.title)
        yield Header(icon="◆")
        problems = Static(literal("\n".join(self.problems)), id="problems")
        problems.display = bool(self.problems)
        problems.border_title = "The lesson file has problems; showing the last good version"
        yield problems
        start = self.start_step
        if start is None:
            start = 1 if loaded.steps else 0
        with TabbedContent(initial=self.mode, id="modes"):
            with TabPane(MODES["walkthrough"][0], id="walkthrough"):
                yield Walkthrough(loaded, start=start, seed=self.seed, id="walk")
            for mode in MODES:
                if mode != "walkthrough":
                    yield TabPane(MODES[mode][0], id=mode)
        yield Footer()

    def _ensure_mode_widget(self, mode: str) -> None:
        """Every tab but the walkthrough is built the first time it is shown (start-up stays fast: a
        widget mounted is a widget styled and laid out before the first frame)."""
        if mode == "walkthrough":
            return
        pane = self.tabs.get_pane(mode)
        if pane.children:
            return
        lesson = self.loaded.lesson
        widget: Widget
        if mode == "moments":
            widget = MomentsView(list(lesson.moments), id="moments-list")
        elif mode == "snapshot":
            widget = ReadableText(lesson.snapshot, id="snapshot-text")
        elif mode == "transcript":
            widget = ReadableText(lesson.transcript, id="transcript-text")
        elif mode == "play":
            playground = _optional_widget("tutor.ui.widgets.playground", "PlaygroundView")
            if playground is None:
                widget = Static("The playground is not available in this build.", classes="missing")
            else:
                widget = playground(self.loaded.lesson.scenario.engine, id="playground")
        else:
            quiz = _optional_widget("tutor.ui.widgets.quiz", "QuizView")
            if quiz is None:
                widget = Static(f"{MODES[mode][1]} is not available in this build.", classes="missing")
            else:
                # a test derives each attempt's seed from the lesson's attempt number (recorded in progress)
                seed = None if mode == "test" else self.seed
                widget = quiz(self.loaded, mode, getattr(self.app, "store", None), seed=seed, id=f"quiz-{mode}")
        pane.mount(widget)

    def on_mount(self) -> None:
        self.title = "Session Tutor"
        self._ensure_mode_widget(self.mode)
        if self.watching:
            self.set_interval(WATCH_INTERVAL, self.poll_file, name="watch")
        self.call_after_refresh(self._focus_mode)

    # -- modes --------------------------------------------------------------------------------------
    @property
    def tabs(self) -> TabbedContent:
        return self.query_one("#modes", TabbedContent)

    @property
    def walkthrough(self) -> Walkthrough:
        return self.query_one(Walkthrough)

    def switch_mode(self, mode: str) -> None:
        """Show the tab of ``mode``."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        self._ensure_mode_widget(mode)
        self.tabs.active = mode
        self.mode = mode
        self.call_after_refresh(self._focus_mode)

    def _focus_mode(self) -> None:
        """Put the focus inside the active tab, so its keys work at once."""
        mode = self.tabs.active
        pane = self.tabs.get_pane(mode)
        if mode == "walkthrough":
            walk = self.walkthrough
            if walk.pending is not None:
                self.query_one("#predict-choices").focus()
            else:
                self.query_one(ExecutionTable).focus()
            return
        for widget in pane.query("*"):
            if widget.focusable:
                widget.focus()
                return

    def show_step(self, step: int) -> None:
        """Switch to the walkthrough at ``step``."""
        self.switch_mode("walkthrough")
        self.walkthrough.go(step)

    def action_next_mode(self) -> None:
        names = list(MODES)
        self.switch_mode(names[(names.index(self.tabs.active) + 1) % len(names)])

    def action_previous_mode(self) -> None:
        names = list(MODES)
        self.switch_mode(names[(names.index(self.tabs.active) - 1) % len(names)])

    def action_help(self) -> None:
        self.app.show_help(self)

    def action_back(self) -> None:
        self.app.leave_lesson(self)

    @on(TabbedContent.TabActivated, "#modes")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.mode = event.pane.id or self.mode
        self._ensure_mode_widget(self.mode)
        self.call_after_refresh(self._focus_mode)

    @on(MomentsView.StepSelected)
    def _moment_step(self, event: MomentsView.StepSelected) -> None:
        self.show_step(event.step)

    # B's QuizView asks for "see step N"; the handler is registered only when the widget exists
    def on_quiz_view_step_requested(self, event) -> None:
        self.show_step(int(event.step))

    # -- watch --------------------------------------------------------------------------------------
    async def poll_file(self) -> None:
        """Reload the lesson when its file changed (by path: editors that save by renaming are seen)."""
        signature = file_signature(self.loaded.path)
        if signature is None or signature == self._signature:
            return
        self._signature = signature
        await self.reload()

    async def reload(self) -> None:
        from tutor.lesson.loader import LoadError, load_lesson

        try:
            loaded = load_lesson(self.loaded.path)
        except LoadError as exc:
            self.problems = [str(p) for p in exc.problems]
            self._show_problems()
            return
        except OSError as exc:
            self.problems = [f"{self.loaded.path}: error: {exc.strerror or exc}"]
            self._show_problems()
            return
        had_problems = bool(self.problems)
        self.problems = []
        mode = self.tabs.active
        step = min(self.walkthrough.current, len(loaded.steps))
        self.loaded = loaded
        self.mode = mode
        self.start_step = step
        await self.recompose()
        self._ensure_mode_widget(mode)
        self.call_after_refresh(self._focus_mode)
        self.notify("Lesson reloaded" + (": problems fixed" if had_problems else ""), timeout=2)

    def _show_problems(self) -> None:
        panel = self.query_one("#problems", Static)
        panel.update(literal("\n".join(self.problems)))
        panel.display = True
