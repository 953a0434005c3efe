"""Shared helpers for the app-shell UI tests (picker, lesson screen, walkthrough, snapshots)."""

from __future__ import annotations

import asyncio
import functools
import shutil
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
UI_LESSON = FIXTURES / "ui_lesson.yaml"


def sync(test):
    """Run an ``async def`` Pilot test with asyncio.run (no async pytest plugin is installed)."""

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return wrapper


def lessons_dir(tmp_path: Path) -> Path:
    """A lessons folder holding only the UI fixture lesson."""
    folder = tmp_path / "lessons"
    folder.mkdir(exist_ok=True)
    shutil.copy(UI_LESSON, folder / "ui-lesson.yaml")
    return folder


def only_fixture_lessons(monkeypatch) -> None:
    """Hide the built-in lessons (the course changes) so the picker shows only the test's lessons."""
    from tutor.lesson import catalog

    monkeypatch.setattr(catalog, "builtin_dir", lambda: None)
    monkeypatch.delenv("TUTOR_LESSONS", raising=False)


def make_app(tmp_path: Path | None = None, *, lesson: Path | None = UI_LESSON, **kw):
    from tutor.lesson.loader import load_lesson
    from tutor.ui.app import TutorApp

    extra = [lessons_dir(tmp_path)] if tmp_path is not None else []
    loaded = load_lesson(lesson) if lesson is not None else None
    kw.setdefault("cursor_blink", False)
    return TutorApp(extra_dirs=extra, lesson=loaded, **kw)


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def widget_text(widget) -> str:
    """The text on screen inside a widget's region (its children included), line by line."""
    region = widget.region
    lines = screen_lines(widget.app)[region.y : region.bottom]
    return "\n".join(line[region.x : region.right].rstrip() for line in lines).rstrip()


def static_text(static) -> str:
    """The whole content of a Static (not cut by the screen), as plain text."""
    content = static.render()
    return getattr(content, "plain", str(content))


def app_for(argv: list[str]):
    """The app `tutor ARGV` would run, built by the real command line (App.run only records it)."""
    from textual.app import App

    from tutor.cli import main

    captured = []
    original = App.run
    App.run = lambda self, *a, **k: captured.append(self)  # type: ignore[method-assign]
    try:
        code = main(argv)
    finally:
        App.run = original  # type: ignore[method-assign]
    assert captured, f"`tutor {' '.join(argv)}` exited {code} without starting the app"
    return captured[0]


def export_in_16_colours(app, *, title: str | None = None, simplify: bool = False) -> str:
    """``app.export_screenshot`` as a 16-colour terminal shows the screen (``TEXTUAL_COLOR_SYSTEM=standard``,
    ``TERM=xterm-16color``, a plain tmux): each colour downgraded to the nearest of the 16 ANSI colours, as
    Rich does when it writes to such a terminal, then drawn with the SVG export's ANSI palette. Textual
    has no public way to render the screen's segments, so this reads the compositor as
    ``App.export_screenshot`` does."""
    import io

    from rich.color import ColorSystem
    from rich.console import Console
    from rich.segment import Segment, Segments
    from rich.style import Style

    def downgraded(style: Style | None) -> Style | None:
        if style is None:
            return None
        color = style.color.downgrade(ColorSystem.STANDARD) if style.color is not None else None
        bgcolor = style.bgcolor.downgrade(ColorSystem.STANDARD) if style.bgcolor is not None else None
        return style + Style(color=color, bgcolor=bgcolor)

    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    render = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens, simplify=simplify)
    segments = [Segment(text, downgraded(style), control) for text, style, control in console.render(render)]
    console.print(Segments(segments), end="")
    return console.export_svg(title=title or app.title)


def in_16_colours(app):
    """``app``, its snapshots taken as a 16-colour terminal shows them (:func:`export_in_16_colours`)."""
    app.export_screenshot = functools.partial(export_in_16_colours, app)
    return app
