"""SVG snapshot of the sign-out-everywhere lesson's first screen at 120×40 (update with --snapshot-update),
and a check of what that screen says."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_support import make_app, only_fixture_lessons, screen_lines, sync

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "lessons" / "sign-out-everywhere.yaml"


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "home"))
    only_fixture_lessons(monkeypatch)


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_first_screen_120x40(snap_compare) -> None:
    assert snap_compare(make_app(lesson=LESSON), terminal_size=(120, 40), run_before=_settle)


@sync
async def test_first_screen_names_the_lesson_and_tracks_the_new_variables() -> None:
    app = make_app(lesson=LESSON)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "Sign out everywhere" in text
        assert "token versions" in text and '{"alice":0,"bob":0}' in text
        assert "signing secrets" in text and '["secret 1"]' in text
