"""SVG snapshots of the app shell's screens (update with --snapshot-update).

The walkthrough at the four usual sizes (80×24, 100×30, 120×40, 160×50); the other screens at 80×24 and
120×40."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_support import make_app, only_fixture_lessons

SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]
WALK_SIZES = [(80, 24), (100, 30), (120, 40), (160, 50)]
WALK_IDS = ["80x24", "100x30", "120x40", "160x50"]


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "home"))
    only_fixture_lessons(monkeypatch)


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _answer(pilot, *, right: bool = True, close: bool = True) -> None:
    """Choose the right (or a wrong) choice of the predict question on screen and confirm it."""
    from tutor.lesson import grading

    question = pilot.app.screen
    correct = grading.correct_indexes(question.question)
    shown = next(i for i, index in enumerate(question.order) if (index in correct) == right)
    await pilot.press(grading.choice_letter(shown), "enter")
    await pilot.pause()
    if close:
        await pilot.press("enter")
        await pilot.pause()


async def _middle_step(pilot) -> None:
    """Step 5: both predict questions answered (the second one right), the row of step 5 current."""
    walk = pilot.app.screen.walkthrough
    walk.answers[2] = ((0,), True)
    walk.go(5)
    await pilot.pause()
    await _answer(pilot)


async def _predict_answered(pilot) -> None:
    """The second predict question (step 5) answered wrongly: the verdict and the right answer shown."""
    walk = pilot.app.screen.walkthrough
    walk.answers[2] = ((0,), True)
    walk.go(5)
    await pilot.pause()
    await _answer(pilot, right=False, close=False)


async def _last_step(pilot) -> None:
    walk = pilot.app.screen.walkthrough
    walk.answers.update({2: ((0,), True), 5: ((0,), True)})
    walk.go(walk.total)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_picker(snap_compare, tmp_path: Path, size) -> None:
    assert snap_compare(make_app(tmp_path, lesson=None), terminal_size=size, run_before=_settle)


@pytest.mark.parametrize("size", WALK_SIZES, ids=WALK_IDS)
def test_walkthrough_step_1(snap_compare, size) -> None:
    assert snap_compare(make_app(step=1), terminal_size=size)


@pytest.mark.parametrize("size", WALK_SIZES, ids=WALK_IDS)
def test_walkthrough_predict_answered(snap_compare, size) -> None:
    assert snap_compare(make_app(step=1), terminal_size=size, run_before=_predict_answered)


@pytest.mark.parametrize("size", WALK_SIZES, ids=WALK_IDS)
def test_walkthrough_last_step(snap_compare, size) -> None:
    assert snap_compare(make_app(step=1), terminal_size=size, run_before=_last_step)


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


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_walkthrough_light_theme(snap_compare, size) -> None:
    async def light(pilot) -> None:
        pilot.app.theme = "textual-light"
        await _middle_step(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=light)


def test_value_dialog(snap_compare) -> None:
    assert snap_compare(make_app(step=3), terminal_size=(120, 40), press=["v"])
