"""The picker shows the built-in course in order, numbered, with the lesson to take next marked."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_support import sync


@pytest.fixture(autouse=True)
def _private_home(home: Path, monkeypatch) -> None:
    monkeypatch.delenv("TUTOR_LESSONS", raising=False)


@sync
async def test_the_picker_lists_the_course_in_order_with_numbers_and_next_up() -> None:
    """Issue 11: the "start here" lesson was second; no order number, nothing said what comes next."""
    from textual.widgets import DataTable

    from tutor.ui.app import TutorApp

    app = TutorApp(cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        picker = app.screen
        table = picker.query_one("#lessons", DataTable)
        assert picker.visible_ids[:2] == ["session-lifecycle", "cookie-attributes"]
        rows = [[c.plain for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [r[0] for r in rows] == [str(n) for n in range(1, len(rows) + 1)]
        assert rows[0][1].startswith("The session lifecycle") and rows[0][1].endswith("◀ next up")
        assert sum("next up" in r[1] for r in rows) == 1
        assert picker.highlighted.entry.id == "session-lifecycle"  # Enter opens the next lesson
        # the test of the first lesson passed: the next one is up, and the cursor goes there next time
        app.store.record_test("session-lifecycle", 8, 10, 80.0)
        picker.refresh_progress()
        await pilot.pause()
        rows = [[c.plain for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert "next up" not in rows[0][1] and rows[1][1].endswith("◀ next up")
        assert picker.next_up == "cookie-attributes"
        # filtering keeps each lesson's place in the course
        await pilot.press("slash", *"expiry")
        await pilot.pause()
        [row] = [[c.plain for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert row[0] == str(picker.numbers["expiry"]) == "7"


@sync
async def test_next_up_fits_at_80_columns() -> None:
    from textual.widgets import DataTable

    from tutor.ui.app import TutorApp

    app = TutorApp(cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#lessons", DataTable)
        first = table.get_row_at(0)[1].plain
        assert first.endswith("◀ next up") and "…" in first
        assert table.virtual_size.width <= table.size.width  # nothing scrolls sideways


@sync
async def test_a_wide_title_is_cut_by_terminal_cells_not_characters(tmp_path: Path, monkeypatch) -> None:
    """A title of wide characters (two cells each) with a bidi override (made visible as `<U+202E>`,
    longer than the character it stands for) still ends inside the title column."""
    from rich.cells import cell_len
    from textual.widgets import DataTable
    from ui_support import UI_LESSON, only_fixture_lessons

    from tutor.ui.app import TutorApp

    only_fixture_lessons(monkeypatch)
    folder = tmp_path / "lessons"
    folder.mkdir()
    text = UI_LESSON.read_text(encoding="utf-8")
    (folder / "ui-lesson.yaml").write_text(
        text.replace(
            "title: Sessions in four requests",
            'title: "\\u202eセッションの一生：クッキー、作成、検証、期限切れ、そして削除まで"',
        ),
        encoding="utf-8",
    )
    app = TutorApp(extra_dirs=[folder], cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        picker = app.screen
        title = picker.query_one("#lessons", DataTable).get_row_at(0)[1]
        assert title.plain.startswith("<U+202E>セ") and title.plain.endswith("◀ next up")
        assert "…" in title.plain
        assert cell_len(title.plain) <= picker._title_width()
