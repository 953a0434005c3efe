"""SVG snapshots of the Challenges mode (update with --snapshot-update): the list, and a run that reached
its goal (the verdict, the deciding row), at 80×24 and 120×40."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_support import make_app, only_fixture_lessons

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "lessons" / "login-and-rotation.yaml"
SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "home"))
    only_fixture_lessons(monkeypatch)


async def _list(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    pilot.app.screen.switch_mode("challenges")
    await pilot.pause()
    await pilot.pause()


async def _solved(pilot) -> None:
    await _list(pilot)
    await pilot.press("enter", "h", "b", "c", "b", "l", "b", "d")
    await pilot.pause()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_challenge_list(snap_compare, size) -> None:
    assert snap_compare(make_app(lesson=LESSON, cursor_blink=False), terminal_size=size, run_before=_list)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_challenge_solved(snap_compare, size) -> None:
    assert snap_compare(make_app(lesson=LESSON, cursor_blink=False), terminal_size=size, run_before=_solved)
