"""Hardening: the lesson screen at small and large terminal sizes, and resizing during autoplay.

The app is built by the real command line (`tutor open ...`, with App.run only recording the app) and
driven headless by Pilot. After every interaction the current step's row must be the table's cursor
row and must be visible inside the table, on the screen, with its text.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tutor.cli import MODES
from ui_support import app_for

ROOT = Path(__file__).resolve().parent.parent
LESSON = "session-lifecycle"
SIZES = [(80, 24), (200, 60)]


pytestmark = pytest.mark.usefixtures("home")  # a TUTOR_HOME of each test's own (tests/conftest.py)


def _screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def _walk(app):
    from tutor.ui.widgets.walkthrough import Walkthrough

    return app.screen.query_one(Walkthrough)


def assert_current_row_shown(app) -> None:
    """The walkthrough's current step is the table's cursor row, inside the table's view, on screen."""
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
    row = table._get_row_region(current - 1)
    top = int(table.scroll_y) + table.header_height
    bottom = int(table.scroll_y) + table.scrollable_content_region.height
    assert top <= row.y and row.y + row.height <= bottom, f"row {current} at y={row.y} outside the view {top}..{bottom}"
    # ...and the row's first cell is really on the screen, on the line where the table draws it
    screen_y = view.y + row.y - int(table.scroll_y)
    line = _screen_lines(app)[screen_y]
    first_cell = table.cell(walk.steps[current - 1], table.lesson_columns[0]).plain
    assert first_cell[:8] in line, f"row {current} ({first_cell!r}) not on screen line {screen_y}: {line!r}"


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
                if walk.pending is not None:  # a predict question: answer it to go on
                    await pilot.press("1")
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
                    if screen.tabs.active != mode:
                        screen.switch_mode(mode)
                    await pilot.pause()
                    assert screen.tabs.active == mode
                    lines = _screen_lines(app)
                    assert len(lines) == size[1] and all(len(line) <= size[0] for line in lines)
                    assert sum(1 for line in lines if line.strip()) >= 5, f"{mode} at {size}:\n" + "\n".join(lines)
                await pilot.press("right_square_bracket")
                await pilot.pause()
                assert screen.tabs.active == MODES[0]

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
                    await pilot.press("1")
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
