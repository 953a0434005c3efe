"""Rows go to the panes that hold content: the execution table as tall as its steps need on tall
terminals (the band above takes the rest), tracker names whole from 28 rows up."""

from __future__ import annotations

import asyncio

import pytest
from ui_support import app_for, widget_text


def _lessons() -> list[str]:
    from tutor.lesson import catalog

    return [entry.id for entry in catalog.entries([]) if entry.valid]


def test_at_160x50_the_table_is_as_tall_as_its_steps_and_the_code_shows_whole() -> None:
    from tutor.ui.widgets.code_view import CodeView

    async def run() -> None:
        app = app_for(["open", "session-lifecycle"])
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.pause()
            walk = app.screen.walkthrough
            walk.answers.update({s: ((0,), True) for s in walk.predicts})
            walk.go(walk.total)
            await pilot.pause()
            table = walk.table
            assert table.region.height == table.full_height(table.size.width)  # no empty rows under it
            assert table.visible_rows() == list(range(walk.total))
            code = walk.query_one(CodeView)
            sample_lines = len(walk.lesson.code[0].source.rstrip("\n").split("\n"))
            assert code.region.height >= sample_lines + 1  # every line of the sample in view (under its title)

    asyncio.run(run())


@pytest.mark.parametrize("size", [(120, 40), (160, 50)], ids=["120x40", "160x50"])
def test_on_tall_terminals_the_table_gets_its_rows_or_its_share(size) -> None:
    """Every lesson: the table has all the rows its steps need, or at least 40% of what the flow leaves;
    the band has what the table leaves (nothing blank under the table)."""
    from tutor.ui.widgets.walkthrough import TABLE_SHARE

    async def run(lesson: str) -> None:
        app = app_for(["open", lesson])
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            walk = app.screen.walkthrough
            table = walk.table
            band = walk.query_one("#walk-band")
            full = table.full_height(table.size.width)
            avail = table.region.height + band.region.height
            assert table.region.height == full or table.region.height >= int(avail * TABLE_SHARE) - 1, lesson
            assert table.region.bottom == walk.region.bottom, lesson  # the band took the rest

    for lesson in _lessons():
        asyncio.run(run(lesson))


def test_at_100x30_tracker_names_are_whole() -> None:
    from tutor.ui.widgets.variable_tracker import VariableTracker

    async def run(lesson: str) -> None:
        app = app_for(["open", lesson])
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            walk = app.screen.walkthrough
            walk.go(1)
            await pilot.pause()
            trackers = walk.query(VariableTracker)
            if not trackers:
                return
            tracker = trackers.first()
            text = " ".join(widget_text(tracker).split())
            for tracked in tracker.variables:
                name = tracker.label(tracked)
                assert "…" not in text.split(name[:4], 1)[-1][: len(name)], f"{lesson}: {name!r} cut"
                for word in name.split():
                    assert word in text, f"{lesson}: {word!r} of {name!r} not shown:\n{widget_text(tracker)}"

    for lesson in _lessons():
        asyncio.run(run(lesson))
