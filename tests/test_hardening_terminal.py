"""Hardening: the lesson screen at small and large terminal sizes, and resizing during autoplay.

The app is built by the real command line (`tutor open ...`, with App.run only recording the app) and
driven headless by Pilot. After every interaction the current step's row must be the table's cursor
row and must be visible inside the table, on the screen, with its text.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from ui_support import app_for

from tutor.lesson.modes import MODE_NAMES as MODES

ROOT = Path(__file__).resolve().parent.parent
LESSON = "session-lifecycle"
SIZES = [(80, 24), (200, 60)]


pytestmark = pytest.mark.usefixtures("home")  # a TUTOR_HOME of each test's own (tests/conftest.py)


def _screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def _walk(app):
    from tutor.ui.screens.lesson import LessonScreen

    lesson = next(s for s in reversed(app.screen_stack) if isinstance(s, LessonScreen))
    return lesson.walkthrough


def assert_current_row_shown(app) -> None:
    """The walkthrough's current step is the table's cursor row, drawn inside the table, on screen."""
    from tutor.ui.widgets.execution_table import ExecutionTable

    walk = _walk(app)
    table = walk.query_one(ExecutionTable)
    current = walk.current
    assert table.row_count == current, f"{table.row_count} rows shown at step {current}"
    if current == 0:
        return
    assert table.show_cursor
    assert table.cursor_row == current - 1, f"cursor on row {table.cursor_row + 1}, current step {current}"
    view = table.content_region
    assert view.height >= 2, f"the table has no room for a row at {app.size}: {view}"
    assert current - 1 in table.visible_rows(), f"row {current} not drawn at {app.size}"
    if app.screen is not table.screen:
        return  # a predict question is over the table
    # ...and the row's marker and first words are really on the screen, inside the table
    lines = _screen_lines(app)[view.y : view.bottom]
    marked = [line[view.x : view.right] for line in lines if line[view.x : view.right].startswith("▶")]
    assert len(marked) == 1, f"no current-row marker in the table at {app.size}: {lines}"
    first_word = table.cell(walk.steps[current - 1], table.shown_columns[0]).plain.split()[0]
    assert first_word in marked[0], f"row {current} ({first_word!r}) not on its marked line: {marked[0]!r}"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_walkthrough_steps_at_size(size) -> None:
    app = app_for(["open", LESSON])

    async def run() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            walk = _walk(app)
            total = walk.total
            assert total >= 5
            for _ in range(total + 3):  # past the end: stays on the last step
                await pilot.press("right")
                await pilot.pause()
                assert_current_row_shown(app)
                if walk.pending is not None:  # a predict question: choose, confirm, close the verdict
                    await pilot.press("1", "enter", "enter")
                    await pilot.pause()
                    assert walk.pending is None
                    assert_current_row_shown(app)
            assert walk.current == total
            await pilot.press("home")
            await pilot.pause()
            assert walk.current == 1
            assert_current_row_shown(app)
            await pilot.press("end")
            await pilot.pause()
            assert walk.current == total
            assert_current_row_shown(app)
            for _ in range(3):
                await pilot.press("left")
            await pilot.pause()
            assert walk.current == total - 3
            assert_current_row_shown(app)
            assert any(f"step {total - 3}/{total}" in line for line in _screen_lines(app))

    asyncio.run(run())


def test_every_mode_fits_at_both_sizes() -> None:
    """One app, every mode in turn at 80x24, then again after resizing to 200x60: drawn within the
    terminal, with content on it; `]` from the last mode wraps to the first."""
    app = app_for(["open", LESSON])

    async def run() -> None:
        async with app.run_test(size=SIZES[0]) as pilot:
            await pilot.pause()
            screen = app.screen
            for size in SIZES:
                await pilot.resize_terminal(*size)
                for mode in MODES:
                    if screen.mode != mode:
                        screen.switch_mode(mode)
                    await pilot.pause()
                    assert screen.mode == mode
                    lines = _screen_lines(app)
                    assert len(lines) == size[1] and all(len(line) <= size[0] for line in lines)
                    assert sum(1 for line in lines if line.strip()) >= 5, f"{mode} at {size}:\n" + "\n".join(lines)
                await pilot.press("right_square_bracket")
                await pilot.pause()
                assert screen.mode == MODES[0]

    asyncio.run(run())


def test_resizing_repeatedly_during_autoplay(monkeypatch) -> None:
    """Autoplay runs while the terminal is resized again and again; every step is still shown.

    The autoplay timer is set to fire every 1000 s and its tick is called between resizes instead, so
    each resize lands at a known step (no timing luck, no sleeping).
    """
    from tutor.ui.widgets import walkthrough

    monkeypatch.setattr(walkthrough, "SPEEDS", (1000.0,) * len(walkthrough.SPEEDS))
    app = app_for(["open", LESSON])
    sizes = [(80, 24), (200, 60), (120, 30), (81, 25), (60, 20), (200, 60), (100, 24)]

    async def run() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            walk = _walk(app)
            await pilot.press("space")
            await pilot.pause()
            assert walk.autoplaying
            resizes = 0
            for i in range(60):
                await pilot.resize_terminal(*sizes[i % len(sizes)])
                resizes += 1
                assert app.size == sizes[i % len(sizes)]
                assert_current_row_shown(app)
                if walk.pending is not None:  # autoplay stops at a predict question: answer, play on
                    assert not walk.autoplaying
                    await pilot.press("1", "enter", "enter")
                    await pilot.press("space")
                    await pilot.pause()
                    assert walk.autoplaying
                if walk.current == walk.total:
                    break
                before = walk.current
                walk._tick()  # what the autoplay timer does
                await pilot.pause()
                assert walk.current in (before + 1, before)  # one step, or stopped at a predict question
            assert walk.current == walk.total and resizes >= walk.total
            await pilot.resize_terminal(80, 24)
            assert_current_row_shown(app)
            await pilot.resize_terminal(200, 60)
            assert_current_row_shown(app)

    asyncio.run(run())


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (160, 50)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_built_in_lesson_is_legible_at_its_last_step(size) -> None:
    """Each built-in lesson at its last step: every heading word of its table on screen, the current row
    marked and drawn, every tracked variable on a row of the tracker."""
    from tutor.lesson import catalog
    from tutor.ui.columns import column_heading

    lessons = [entry.id for entry in catalog.entries([]) if entry.valid]
    assert len(lessons) >= 7

    async def run(lesson: str) -> None:
        app = app_for(["open", lesson])
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            walk = _walk(app)
            walk.answers.update({step: ((0,), True) for step in walk.predicts})
            walk.go(walk.total)
            await pilot.pause()
            table = walk.table
            view = table.content_region
            lines = [line[view.x : view.right] for line in _screen_lines(app)[view.y : view.bottom]]
            heading = " ".join(lines[:4])
            for column in table.lesson_columns:
                for word in column_heading(column).split():
                    assert word in heading, f"{lesson} at {size}: heading word {word!r} missing"
            assert any(line.lstrip().startswith("▶") for line in lines), f"{lesson} at {size}: no current row"
            tracker = walk.tracker
            if tracker is not None:
                rows = [tracker.render_line(y).text for y in range(tracker.size.height)]
                for tracked in tracker.variables:
                    label = (tracked.label or tracked.variable)[:6]
                    assert any(row.lstrip().startswith(label) for row in rows), f"{lesson} at {size}: {label!r}"

    for lesson in lessons:
        asyncio.run(run(lesson))
