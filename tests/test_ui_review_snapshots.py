"""SVG snapshots of the review screen and the picker's Review entry at 80×24 and 120×40 (fixture lesson,
fixed clocks; update with --snapshot-update)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from ui_support import make_app, only_fixture_lessons

SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC).timestamp()
DAY = 86_400.0


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch) -> None:
    from tutor.ui.widgets.quiz import QuizView

    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "home"))
    only_fixture_lessons(monkeypatch)
    monkeypatch.setattr(QuizView, "clock", staticmethod(lambda: 100.0))  # every answer takes 0 s


def _store(tmp_path: Path):
    """Two missed questions of the fixture lesson, a day and a minute ago."""
    from tutor.progress import ProgressStore

    now = [MONDAY]
    store = ProgressStore.open(tmp_path / "review.sqlite3", clock=lambda: now[0])
    store.record_answer("ui-lesson", "predict-login-rotation", "predict", [1], False, 0)
    store.record_answer("ui-lesson", "cookie-holds", "practice", [1], False, 1, seconds=20.0)
    now[0] = MONDAY + DAY + 60
    return store


async def _answer_right(pilot) -> None:
    from tutor.lesson.grading import LETTERS

    await pilot.pause()
    quiz = pilot.app.screen.quiz
    order = quiz.session.orders[0]
    right = next(pos for pos, i in enumerate(order) if quiz.question.choices[i].correct)
    await pilot.press(LETTERS[right], "enter")
    await pilot.pause()


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_review_card_answered(snap_compare, tmp_path: Path, size) -> None:
    app = make_app(tmp_path, lesson=None, review=True, store=_store(tmp_path))
    assert snap_compare(app, terminal_size=size, run_before=_answer_right)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_picker_with_the_review_entry(snap_compare, tmp_path: Path, size) -> None:
    app = make_app(tmp_path, lesson=None, store=_store(tmp_path))
    assert snap_compare(app, terminal_size=size, run_before=_settle)
