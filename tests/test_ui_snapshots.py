"""SVG snapshots of the app shell's screens at 80×24 and 120×40 (update with --snapshot-update)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui_support import make_app, only_fixture_lessons

SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "home"))
    only_fixture_lessons(monkeypatch)


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _middle_step(pilot) -> None:
    """Step 5: both predict questions answered (the second one right), the row of step 5 current."""
    from tutor.lesson import grading

    walk = pilot.app.screen.walkthrough
    walk.answers[2] = ((0,), True)
    walk.go(5)
    await pilot.pause()
    panel = walk.query_one("PredictPanel")
    right = grading.correct_indexes(panel.question)
    shown = next(i for i, index in enumerate(panel.order) if index in right)
    await pilot.press(str(shown + 1))
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_picker(snap_compare, tmp_path: Path, size) -> None:
    assert snap_compare(make_app(tmp_path, lesson=None), terminal_size=size, run_before=_settle)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_walkthrough_step_1(snap_compare, size) -> None:
    assert snap_compare(make_app(step=1), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_walkthrough_middle_step(snap_compare, size) -> None:
    assert snap_compare(make_app(step=1), terminal_size=size, run_before=_middle_step)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_walkthrough_predict_question(snap_compare, size) -> None:
    assert snap_compare(make_app(step=1), terminal_size=size, press=["right"])


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("mode", ["moments", "snapshot", "transcript"])
def test_readable_views(snap_compare, mode: str, size) -> None:
    assert snap_compare(make_app(mode=mode), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_help(snap_compare, size) -> None:
    assert snap_compare(make_app(), terminal_size=size, press=["question_mark"])


def test_walkthrough_light_theme(snap_compare) -> None:
    async def light(pilot) -> None:
        pilot.app.theme = "textual-light"
        await _middle_step(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=light)


def test_value_dialog(snap_compare) -> None:
    assert snap_compare(make_app(step=3), terminal_size=(120, 40), press=["v"])
