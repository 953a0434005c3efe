"""The lesson screen: a title line, a mode strip, the mode's view (the walkthrough first) and the footer.

Only the mode on screen is built (the others are mounted the first time they are shown), so the first
frame styles and lays out the walkthrough alone. Each mode's view is a child of the screen itself (class
``mode-pane``; the one shown also ``-shown``): no switcher and no pane container around it, whose blank
full-size backgrounds the first frame would style, lay out and draw under the view. The walkthrough's
keys are bound here, on the screen, so they work wherever the focus is; they are enabled only while the
walkthrough is the mode shown.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from tutor.lesson.modes import MODES
from tutor.ui.recorder import recorder_of
from tutor.ui.styles import Styled
from tutor.ui.text import literal
from tutor.ui.widgets.lesson_bars import KeyBar, ModeStrip
from tutor.ui.widgets.walkthrough import Walkthrough

if TYPE_CHECKING:
    from tutor.lesson.loader import LoadedLesson
    from tutor.ui.app import TutorApp
    from tutor.ui.widgets.quiz import QuizMode

#: How often a watched lesson file is checked, in seconds.
WATCH_INTERVAL = 0.5
#: The smallest terminal the lesson screen can use (columns, rows).
MIN_SIZE = (60, 18)
#: The lesson screen's own size classes: (class, applies(width, height)), set before the first style pass
#: with the app's breakpoints (``-narrow``/``-wide``, ``-short``/``-tall``: ``TutorApp.HORIZONTAL_BREAKPOINTS``
#: and ``VERTICAL_BREAKPOINTS``, the one place they are set).
SIZE_CLASSES: tuple[tuple[str, Callable[[int, int], bool]], ...] = (
    ("-low", lambda w, h: h < 28),  # the walkthrough hides its code
    ("-too-small", lambda w, h: w < MIN_SIZE[0] or h < MIN_SIZE[1]),
)


def file_signature(path: Path) -> tuple[int, int, int] | None:
    """What changes when a file is saved (also by rename): inode, size, mtime. None if it is missing."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _walk_binding(
    keys: str,
    action: str,
    description: str,
    *,
    show: bool = True,
    priority: bool = False,
    key_display: str | None = None,
) -> Binding:
    return Binding(keys, f"walk('{action}')", description, show=show, priority=priority, key_display=key_display)


class LessonScreen(Styled, Screen):
    """A lesson, one view per mode, switched with the mode strip (``[`` / ``]``)."""

    STYLES: ClassVar[tuple[str, ...]] = ("screens/lesson",)

    AUTO_FOCUS = None
    #: The modes this screen offers, in the strip's order (a capture's walkthrough has fewer).
    OFFERED: ClassVar[tuple[str, ...]] = tuple(MODES)
    BINDINGS: ClassVar[list[BindingType]] = [
        _walk_binding("right,n", "next", "Next", key_display="→/n"),
        _walk_binding("left,p", "back", "Back", key_display="←/p"),
        _walk_binding("home", "first", "First step", show=False),
        _walk_binding("end", "last", "Last step", show=False),
        _walk_binding("g", "jump", "Go to step"),
        _walk_binding("space", "autoplay", "Autoplay"),
        _walk_binding("plus,equals_sign", "faster", "Faster", show=False),
        _walk_binding("minus", "slower", "Slower", show=False),
        _walk_binding("r", "restart", "Restart", show=False),
        _walk_binding("up", "row(-1)", "Row up", show=False),
        _walk_binding("down", "row(1)", "Row down", show=False),
        _walk_binding("pageup", "row(-10)", "Page up", show=False),
        _walk_binding("pagedown", "row(10)", "Page down", show=False),
        _walk_binding("enter,v", "full_value", "Full value"),
        # while a step number is typed after `g` (priority: before any widget sees the keys)
        *[_walk_binding(str(d), f"jump_digit({d})", f"Digit {d}", show=False, priority=True) for d in range(10)],
        _walk_binding("backspace", "jump_delete", "Delete digit", show=False, priority=True),
        _walk_binding("enter", "jump_go", "Go to the step", priority=True),
        _walk_binding("escape", "jump_cancel", "Cancel the jump", priority=True),
        Binding("right_square_bracket", "next_mode", "Next mode"),
        Binding("left_square_bracket", "previous_mode", "Previous mode", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("q,escape", "back", "Back"),
    ]

    def __init__(
        self,
        loaded: LoadedLesson,
        *,
        mode: str = "walkthrough",
        step: int | None = None,
        watch: bool = False,
        seed: int = 0,
        **kw,
    ) -> None:
        super().__init__(**kw)
        self.loaded = loaded
        self.mode = mode if mode in self.OFFERED else "walkthrough"
        self.start_step = step
        self.watching = watch
        self.seed = seed
        self.problems: list[str] = []
        self.answers: dict[int, tuple[tuple[int, ...], bool]] = {}
        self._walkthrough: Walkthrough | None = None
        #: the view of each mode built so far (children of the screen, in the order they were built)
        self._views: dict[str, Widget] = {}
        self._signature = file_signature(loaded.path) if watch else None
        self._resumed = False
        self._theme = self.app.theme
        # size classes now, so the first style pass is the only one (Screen adds them at the first resize)
        self._set_size_classes(self.app.size.width, self.app.size.height)

    def _set_size_classes(self, width: int, height: int) -> None:
        if not (width and height):
            return
        # the app's breakpoints, decided by Textual's own rule, now rather than at the first resize (not
        # mounted yet: no restyle now, the mount styles the screen)
        app = self.app
        update = self.is_mounted
        for breakpoints, size in ((app.HORIZONTAL_BREAKPOINTS, width), (app.VERTICAL_BREAKPOINTS, height)):
            active = self._get_breakpoint_classes(size, breakpoints or [])
            for _, name in breakpoints or []:
                self.set_class(name in active, name, update=update)
        for name, applies in SIZE_CLASSES:
            self.set_class(applies(width, height), name, update=update)

    # -- layout -------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        self._walkthrough = None  # (again after a reload)
        self._views = {}
        yield Static(self._title_text(), id="title")
        yield ModeStrip(self.mode, self.OFFERED, id="mode-strip")
        if self.watching:  # only a watched file can get problems while it is open
            panel = self._problems_panel()
            panel.display = bool(self.problems)
            yield panel
        if self.has_class("-too-small"):
            yield self._too_small()
        yield self._pane(self.mode)
        yield KeyBar(id="keys")

    def _title_text(self) -> Text:
        title = Text("◆ Session Tutor", style="bold", no_wrap=True, overflow="ellipsis", end="")
        title.append(" — ")
        title.append_text(literal(self.loaded.lesson.title))
        title.no_wrap = True
        return title

    def show_title(self) -> None:
        """The title line again, from ``loaded`` (a capture's title changes when its entries are counted)."""
        self.query_one("#title", Static).update(self._title_text())

    def _problems_panel(self) -> Static:
        problems = Static(literal("\n".join(self.problems)), id="problems")
        problems.border_title = "The lesson file has problems; showing the last good version"
        return problems

    @staticmethod
    def _too_small() -> Static:
        w, h = MIN_SIZE
        return Static(
            f"This terminal is too small for the lesson: enlarge the terminal to at least {w}×{h}.", id="too-small"
        )

    def _pane(self, mode: str) -> Widget:
        """The view of a mode (built now), shown when ``mode`` is the screen's."""
        view = self._mode_widget(mode)
        if isinstance(view, Walkthrough):
            self._walkthrough = view
        view.add_class("mode-pane", update=False)  # (a new view: styled when mounted)
        view.set_class(mode == self.mode, "-shown", update=False)
        self._views[mode] = view
        return view

    def _mode_widget(self, mode: str) -> Widget:
        loaded = self.loaded
        lesson = loaded.lesson
        if mode == "walkthrough":
            start = self.start_step
            if start is None:
                start = 1 if loaded.steps else 0
            return Walkthrough(loaded, start=start, seed=self.seed, answers=self.answers, id="walk")
        if mode in ("moments", "snapshot", "transcript"):
            from tutor.ui.widgets.readable import MomentsView, ReadableText  # (not needed for the first frame)

            if mode == "moments":
                return MomentsView(list(lesson.moments), id="moments-list")
            return ReadableText(lesson.snapshot if mode == "snapshot" else lesson.transcript, id=f"{mode}-text")
        # the other modes' widgets are imported when first shown (not needed for the first frame)
        if mode == "challenges":
            from tutor.ui.widgets.challenge import ChallengesView

            return ChallengesView(loaded, id="challenges-view")
        if mode == "play":
            from tutor.ui.widgets.playground import PlaygroundView

            # the lesson's declared browser kinds (`browsers:`) hold in its playground too
            # the lesson's browsers as declared: kind and third-party policy
            return PlaygroundView(
                lesson.scenario.engine,
                kinds=dict(lesson.scenario.browsers),
                servers=lesson.scenario.servers or None,  # several servers side by side: `v` picks one
                id="playground",
            )
        from tutor.ui.widgets.quiz import QuizView

        # a test derives each attempt's seed from the lesson's attempt number (recorded in progress)
        seed = None if mode == "test" else self.seed
        return QuizView(loaded, cast("QuizMode", mode), recorder_of(self), seed=seed, id=f"quiz-{mode}")

    def _ensure_mode_widget(self, mode: str) -> None:
        """A mode's view is built the first time it is shown (a widget mounted is a widget styled and laid
        out: the first frame builds only the mode on screen)."""
        if mode not in self._views:
            # shown now, or built for later (the walkthrough asked for by a quiz's "see step")
            self.mount(self._pane(mode), before=self.query_one(KeyBar))

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """The first resume comes right after the mount, which styled every node of the screen: Textual's
        restyle of the whole screen on resuming would style them all again for the first frame (a later
        resume, after a modal, restyles as usual). A sheet a widget read while the screen was composed
        styles that widget's own module only (tutor/ui/styles.py), so nothing styled before it needs it."""
        if not self._resumed:
            self._resumed = True
            if self.app.theme == self._theme:
                event.refresh_styles = False  # (this handler runs before Screen's own, which reads it)

    def on_mount(self) -> None:
        if self.watching:
            self.set_interval(WATCH_INTERVAL, self.poll_file, name="watch")
        self.call_after_refresh(self._focus_mode)

    def on_resize(self, event: events.Resize) -> None:
        if event.size == self.outer_size:
            # laid out at this very size already (when shown: the terminal's first size arrives after
            # that): Screen's own handler would lay the whole screen out again before the first frame;
            # what the layout left to do (new virtual sizes) is done when the app is next idle
            event.prevent_default()
            return
        self._set_size_classes(event.size.width, event.size.height)
        if self.has_class("-too-small") and not self.query_children("#too-small"):
            self.mount(self._too_small(), before=next(iter(self._views.values())))
        walks = self.query(Walkthrough)
        if walks:
            walks.first().query_one("#flow").relayout()  # type: ignore[attr-defined]

    # -- modes --------------------------------------------------------------------------------------
    @property
    def walkthrough(self) -> Walkthrough:
        """The walkthrough (built now if its mode was not shown yet)."""
        self._ensure_mode_widget("walkthrough")
        assert self._walkthrough is not None
        return self._walkthrough

    def switch_mode(self, mode: str) -> None:
        """Show the view of ``mode``."""
        if mode not in self.OFFERED:
            raise ValueError(f"unknown mode {mode!r}")
        if mode != "walkthrough" and self.query(Walkthrough):
            self.walkthrough.stop_autoplay()
        self._ensure_mode_widget(mode)
        for name, view in self._views.items():
            view.set_class(name == mode, "-shown")
        self.query_one(ModeStrip).set_active(mode)
        self.mode = mode
        self.refresh_bindings()
        self.call_after_refresh(self._focus_mode)

    def _focus_mode(self) -> None:
        """Put the focus inside the active view, so its keys work at once."""
        view = self._views.get(self.mode)
        if view is None:
            return
        for widget in (view, *view.query("*")):
            if widget.focusable:
                widget.focus()
                return

    def show_step(self, step: int) -> None:
        """Switch to the walkthrough at ``step``."""
        self.switch_mode("walkthrough")
        self.walkthrough.go(step)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "walk":
            walk = self._walkthrough  # (no DOM query: the key bar asks for every binding on each change)
            if self.mode != "walkthrough" or walk is None or self.has_class("-too-small"):
                return False
            return walk.can(str(parameters[0]).split("(")[0])
        return True

    def action_walk(self, action: str) -> None:
        """Run a walkthrough action: ``next``, ``row(-1)``, ``jump_digit(3)``..."""
        walk = self.walkthrough
        name, _, args = action.partition("(")
        if args:
            getattr(walk, f"action_{name}")(int(args.rstrip(")")))
        else:
            getattr(walk, f"action_{name}")()

    def action_next_mode(self) -> None:
        names = list(self.OFFERED)
        self.switch_mode(names[(names.index(self.mode) + 1) % len(names)])

    def action_previous_mode(self) -> None:
        names = list(self.OFFERED)
        self.switch_mode(names[(names.index(self.mode) - 1) % len(names)])

    def action_help(self) -> None:
        self.tutor_app.show_help(self)

    def action_back(self) -> None:
        self.tutor_app.leave_lesson(self)

    @property
    def tutor_app(self) -> TutorApp:
        return cast("TutorApp", self.app)

    @on(ModeStrip.ModeClicked)
    def _mode_clicked(self, event: ModeStrip.ModeClicked) -> None:
        self.switch_mode(event.mode)

    def on_moments_view_step_selected(self, event) -> None:
        """A key moment's "see step N" (MomentsView.StepSelected; its module is imported with the view)."""
        self.show_step(event.step)

    # QuizView asks for "see step N"; the handler is registered only when the widget exists
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
        mode = self.mode
        walks = self.query(Walkthrough)
        if walks:
            walk = walks.first()
            self.start_step = min(walk.current, len(loaded.steps))
            # answered predict questions are not asked again (kept while the question is the same)
            old = walk.predicts
            from tutor.lesson import grading

            new = grading.predict_questions(loaded.lesson)
            self.answers = {s: a for s, a in walk.answers.items() if s in new and old.get(s) == new[s]}
        self.loaded = loaded
        self.mode = mode
        await self.recompose()
        self.call_after_refresh(self._focus_mode)
        self.notify("Lesson reloaded" + (": problems fixed" if had_problems else ""), timeout=2)

    def _show_problems(self) -> None:
        panels = self.query_children("#problems")
        if panels:
            panels.first(Static).update(literal("\n".join(self.problems)))
            panels.first().display = True
        else:
            self.mount(self._problems_panel(), after=self.query_one("#mode-strip"))


__all__ = ["MODES", "LessonScreen", "ModeStrip"]
