"""What `tutor open LESSON` does before its first frame (bench/FINDINGS.md: each of these cost
milliseconds of the first frame). No timing here: which modules are loaded when the first frame is handed
to the terminal, and how often each widget was styled by then."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from ui_support import app_for, sync

ROOT = Path(__file__).resolve().parent.parent

#: A child that builds the app exactly as `tutor open session-lifecycle` does, runs it headless and
#: prints which of the watched modules were imported when the first frame was written.
CHILD = """
import asyncio, json, sys
from textual.app import App
from bench.appdriver import app_for

WATCHED = ("tutor.progress", "pygments.lexers.javascript", "rich.syntax", "tutor.capture.replay")
seen = []
display = App._display

def first(self, screen, renderable):
    display(self, screen, renderable)
    if renderable is not None and not seen:
        seen.append(sorted(m for m in WATCHED if m in sys.modules))

App._display = first
app = app_for(["open", "session-lifecycle"])

async def run():
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()

asyncio.run(run())
print(json.dumps(seen[0]))
"""


def _first_frame_imports(home: Path) -> list[str]:
    env = {**os.environ, "TUTOR_HOME": str(home)}
    out = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_a_warm_first_frame_imports_no_progress_store_no_pygments_and_no_capture_code(tmp_path: Path) -> None:
    home = tmp_path / "home"
    cold = _first_frame_imports(home)  # fills the lesson cache and the code colours
    assert "tutor.progress" not in cold  # the store is opened after the first frame
    # the warm launch colours its code from the cache, in its first frame
    assert _first_frame_imports(home) == []


def test_a_recorder_without_a_store_imports_no_progress_code() -> None:
    code = (
        "import sys\n"
        "from tutor.ui.recorder import Recorder\n"
        "Recorder().step('lesson', 3)\n"
        "print('tutor.progress' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["False"]


@sync
async def test_the_first_frame_styles_each_widget_of_the_lesson_screen_once(monkeypatch) -> None:
    # no restyle of the whole screen when it is first shown, none of a widget not mounted yet; only the
    # widget that takes the focus is styled again (its :focus rules)
    from textual.app import App
    from textual.css.stylesheet import Stylesheet
    from textual.widget import Widget

    styled: Counter[Widget] = Counter()
    framed: list[bool] = []
    apply, display = Stylesheet.apply, App._display

    def counted(self: Stylesheet, node, *args, **kw) -> None:
        if isinstance(node, Widget) and not framed:
            styled[node] += 1
        apply(self, node, *args, **kw)

    def first(self: App, screen, renderable) -> None:
        display(self, screen, renderable)
        if renderable is not None:
            framed.append(True)

    monkeypatch.setattr(Stylesheet, "apply", counted)
    monkeypatch.setattr(App, "_display", first)
    app = app_for(["open", "session-lifecycle"])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert framed
        screen = app.screen
        widgets = [screen, *screen.walk_children()]
        assert len(widgets) > 10
        focused = screen.focused
        assert focused is not None
        twice = {type(w).__name__: styled[w] for w in widgets if styled[w] != (2 if w is focused else 1)}
        assert twice == {}


@sync
async def test_the_first_frame_follows_one_layout_and_is_the_settled_screen(monkeypatch) -> None:
    # the terminal's first size arrives after the screen was laid out at that size: no second layout of
    # the whole screen before the first frame, and that frame already shows what the settled screen shows
    from textual.app import App
    from textual.screen import Screen

    from tutor.ui.screens.lesson import LessonScreen

    layouts: list[str] = []
    frames: list[list[str]] = []
    refresh_layout, display = Screen._refresh_layout, App._display

    def counted(self: Screen, *args, **kw) -> None:
        if not frames:
            layouts.append(type(self).__name__)
        refresh_layout(self, *args, **kw)

    def first(self: App, screen: Screen, renderable) -> None:
        display(self, screen, renderable)
        if renderable is not None and not frames:
            frames.append([strip.text for strip in screen._compositor.render_strips()])

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    monkeypatch.setattr(App, "_display", first)
    app = app_for(["open", "session-lifecycle"])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert layouts.count("LessonScreen") == 1
        assert frames[0] == [strip.text for strip in app.screen._compositor.render_strips()]
        # a real resize is still laid out
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert app.screen.outer_size == (120, 40) and app.screen.walkthrough.region.width == 120
