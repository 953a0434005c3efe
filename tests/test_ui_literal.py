"""Lesson text is shown literally: markup is not interpreted, escapes and control characters are made
visible. Asserted on what the widgets really render."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_support import UI_LESSON, screen_lines, static_text, sync, widget_text

from tutor.ui.text import abbreviate, format_value, literal, visible

MARKUP = "[bold]x[/bold]"
LINK = "[link=http://e]y[/link]"
ANSI = "\x1b[31mred"
OSC = "\x1b]8;;http://e\x07osc"
HOSTILE = f"{MARKUP} {LINK} {ANSI} {OSC} bell\x07 back\x08 del\x7f c1\x9b nul\x00"
SHOWN_MARKUP = f"{MARKUP} {LINK}"


def _yaml_quote(s: str) -> str:
    """A YAML double-quoted scalar with control characters escaped."""
    out = []
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


pytestmark = pytest.mark.usefixtures("home")  # a TUTOR_HOME of each test's own (tests/conftest.py)


@pytest.fixture
def hostile_lesson(tmp_path: Path) -> Path:
    q = _yaml_quote(HOSTILE)
    text = UI_LESSON.read_text()
    text = text.replace("title: Sessions in four requests", f"title: {q}")
    text = text.replace("text: The first request arrives. The browser has no cookie for this site yet.", f"text: {q}")
    text = text.replace("- text: It creates a new anonymous session.", f"- text: {q}")
    text = text.replace("label: Session store", f"label: {_yaml_quote(MARKUP)}")
    text = text.replace("  - title: app/api/session/route.ts", f"  - title: {_yaml_quote('route ' + LINK + ' [/]')}")
    text = text.replace("question: Why does a visitor get a session before signing in?", f"question: {q}")
    text = text.replace(
        "Narrator: A browser visits the site for the first time. It has no cookie.",
        f"Narrator: {MARKUP} {LINK}\tafter-tab",
    )
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    return path


def test_literal_keeps_markup_and_makes_escapes_visible() -> None:
    text = literal(HOSTILE)
    assert text.spans == []  # nothing was interpreted as a style or a link
    plain = text.plain
    assert plain.startswith(SHOWN_MARKUP)
    assert "\x1b" not in plain and "␛[31mred" in plain and "␛]8;;http://e␇osc" in plain
    assert "bell␇" in plain and "back␈" in plain and "del␡" in plain and "c1\\x9b" in plain and "nul␀" in plain
    assert all(ch == "\n" or ch.isprintable() for ch in plain)
    assert visible("a\tb") == "a   b"
    assert visible("x\u202eevil") == "x<U+202E>evil"
    assert visible("two\nlines") == "two\nlines"


def test_values_are_formatted_and_abbreviated() -> None:
    # the same spelling as `tutor show` and the trace-question checks, so the table never disagrees with a quiz
    assert format_value(None) == "null" and format_value(True) == "true" and format_value(False) == "false"
    assert format_value("") == '""'
    assert format_value({"id": "a"}) == '{"id":"a"}'
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl"
    short = abbreviate(token, 24)
    assert len(short) == 24 and "…" in short and short.startswith(token[:10]) and short.endswith(token[-6:])
    assert abbreviate("short", 24) == "short"


@sync
async def test_hostile_lesson_text_renders_literally(hostile_lesson: Path) -> None:
    from tutor.lesson.loader import load_lesson
    from tutor.ui.app import TutorApp
    from tutor.ui.widgets.flow_diagram import FlowDiagram
    from tutor.ui.widgets.narration import Narration
    from tutor.ui.widgets.readable import MomentsView

    loaded = load_lesson(hostile_lesson)
    assert loaded.lesson.title == HOSTILE  # the loader kept the text as written
    app = TutorApp(lesson=loaded, step=1, cursor_blink=False)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        screen = app.screen
        walk = screen.walkthrough
        # the title in the header
        assert any(SHOWN_MARKUP in line for line in screen_lines(app))
        # the narration of step 1
        narration = static_text(walk.query_one(Narration))
        assert SHOWN_MARKUP in narration and "␛[31mred" in narration and "␛]8;;http://e␇osc" in narration
        assert "\x1b" not in narration
        # the code sample's title (a border title: markup unless given as Content)
        from tutor.ui.widgets.code_view import CodeSampleView

        code = walk.query_one(CodeSampleView)
        assert f"route {LINK} [/]" in screen_lines(app)[code.region.y]
        # a flow node label
        flow = walk.query_one(FlowDiagram)
        assert MARKUP in flow.labels and MARKUP in flow.render().plain
        # the predict question's choices
        await pilot.press("right")
        await pilot.pause()
        choices = widget_text(app.screen.query_one("#predict-choices"))  # the predict question's modal
        assert SHOWN_MARKUP in choices and "␛[31mred" in choices
        await pilot.press("escape")
        await pilot.pause()
        # a key moment
        screen.switch_mode("moments")
        await pilot.pause()
        moments = widget_text(screen.query_one(MomentsView))
        assert SHOWN_MARKUP in moments and "bell␇" in moments
        # the transcript (tab expanded)
        screen.switch_mode("transcript")
        await pilot.pause()
        transcript = widget_text(screen.query_one("#transcript-text"))
        assert f"Narrator: {SHOWN_MARKUP}" in transcript and "after-tab" in transcript and "\t" not in transcript
        # nothing on screen carries a raw escape
        assert not any("\x1b" in line or "\x07" in line for line in screen_lines(app))


@sync
async def test_hostile_title_in_picker_and_command_palette(hostile_lesson: Path, monkeypatch) -> None:
    from textual.widgets import DataTable
    from ui_support import only_fixture_lessons

    from tutor.ui.app import TutorApp

    only_fixture_lessons(monkeypatch)
    app = TutorApp(extra_dirs=[hostile_lesson.parent], cursor_blink=False)
    async with app.run_test(size=(200, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        title_cell = app.screen.query_one("#lessons", DataTable).get_row_at(0)[1]  # after the course number
        assert title_cell.plain.startswith(SHOWN_MARKUP) and not title_cell.spans
        assert any(SHOWN_MARKUP in line for line in screen_lines(app))
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Open lesson")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        assert any(f"Open lesson: {SHOWN_MARKUP}" in line for line in screen_lines(app))
