"""SVG snapshots of the quiz views (80×24, 120×40; the visual quiz also 100×30 and 160×50) and the
playground (also 100×30 and 160×50).

Update after an intended change with: .venv/bin/python -m pytest tests/test_ui_quiz_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest
from quiz_host import PlaygroundHost, QuizHost, load_quiz_lesson

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


pytestmark = pytest.mark.usefixtures("home")  # a TUTOR_HOME of each test's own (tests/conftest.py)


@pytest.fixture(scope="module")
def loaded():
    return load_quiz_lesson()


#: Issue 8: one quiz at each of the four usual sizes.
QUIZ_SIZES = [
    pytest.param((80, 24), id="80x24"),
    pytest.param((100, 30), id="100x30"),
    pytest.param((120, 40), id="120x40"),
    pytest.param((160, 50), id="160x50"),
]


@pytest.mark.parametrize("size", QUIZ_SIZES)
def test_visual_quiz(snap_compare, loaded, size):
    assert snap_compare(QuizHost("visual", loaded=loaded), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_practice_question(snap_compare, loaded, size):
    async def before(pilot):
        await pilot.press("n", "n")  # await-cookies: the question with code

    assert snap_compare(QuizHost("practice", loaded=loaded), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES)
def test_practice_after_a_hint(snap_compare, loaded, size):
    async def before(pilot):
        await pilot.press("h", "h", "b")

    assert snap_compare(QuizHost("practice", loaded=loaded), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES)
def test_practice_wrong_first_try_offers_a_retry(snap_compare, loaded, size):
    async def before(pilot):
        await pilot.press("b", "enter")

    assert snap_compare(QuizHost("practice", loaded=loaded), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES)
def test_practice_after_submit_with_solution(snap_compare, loaded, size):
    async def before(pilot):
        await pilot.press("h", "b", "enter", "enter")  # wrong, then Enter: no second try, the solution

    assert snap_compare(QuizHost("practice", loaded=loaded), terminal_size=size, run_before=before)


def test_practice_after_submit_light_theme(snap_compare, loaded):
    async def before(pilot):
        await pilot.press("a", "enter")

    app = QuizHost("practice", loaded=loaded, theme="textual-light")
    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


@pytest.mark.parametrize("size", SIZES)
def test_test_question(snap_compare, loaded, size):
    assert snap_compare(QuizHost("test", seed=2, loaded=loaded), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_test_score_and_review(snap_compare, loaded, size):
    async def before(pilot):
        view = pilot.app.query_one("#quiz")
        for position in range(len(view.questions)):
            if position == 0:
                view.action_hint()
            # the first choice on screen, right or wrong: a fixed, deterministic mix
            view.action_choose(1)
            view.action_submit()
        await pilot.pause()

    assert snap_compare(QuizHost("test", seed=2, loaded=loaded), terminal_size=size, run_before=before)


#: The four sizes the playground must fit (issue 8).
PLAYGROUND_SIZES = [
    pytest.param((80, 24), id="80x24"),
    pytest.param((100, 30), id="100x30"),
    pytest.param((120, 40), id="120x40"),
    pytest.param((160, 50), id="160x50"),
]
#: Twenty events as a learner types them (``b`` picks the attacker and plays nothing; the last key moves
#: the clock a day, so the tracker's newest state is the only one that shows +1d).
TWENTY_EVENTS = (
    "g",
    "l",
    "d",
    "3",
    "d",
    "c",
    "b",
    "d",
    "l",
    "a",
    "4",
    "g",
    "x",
    "t",
    "w",
    "a",
    "k",
    "g",
    "o",
    "R",
    "5",
)


@pytest.mark.parametrize("size", SIZES)
def test_test_finish_early_confirmation(snap_compare, loaded, size):
    async def before(pilot):
        await pilot.press("1", "enter", "f")

    assert snap_compare(QuizHost("test", seed=2, loaded=loaded), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES)
def test_visual_quiz_last_question(snap_compare, loaded, size):
    async def before(pilot):
        await pilot.press("n")  # trace-cookie-sent: the tracker shows what GET / sent, the answer is the next row

    assert snap_compare(QuizHost("visual", loaded=loaded), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES)
def test_playground_empty(snap_compare, size):
    assert snap_compare(PlaygroundHost(), terminal_size=size)


@pytest.mark.parametrize("size", PLAYGROUND_SIZES)
def test_playground_after_twenty_events(snap_compare, size):
    async def before(pilot):
        await pilot.press(*TWENTY_EVENTS)
        await pilot.pause()
        assert len(pilot.app.query_one("#playground").events) == 20

    assert snap_compare(PlaygroundHost(), terminal_size=size, run_before=before)


def test_playground_asks_before_a_restart(snap_compare):
    async def before(pilot):
        await pilot.press("g", "l", "j")
        await pilot.pause()

    assert snap_compare(PlaygroundHost(), terminal_size=(80, 24), run_before=before)


#: Issue 19: after answering, the question, all its choices and the verdict (with its feedback and the
#: answer) are on screen without scrolling at every size; the trace above gives way.
@pytest.mark.parametrize("size", QUIZ_SIZES)
def test_visual_quiz_answered(snap_compare, loaded, size):
    async def before(pilot):
        await pilot.press("b", "enter")

    assert snap_compare(QuizHost("visual", loaded=loaded), terminal_size=size, run_before=before)


def test_visual_quiz_answered_light_theme(snap_compare, loaded):
    async def before(pilot):
        await pilot.press("b", "enter")

    app = QuizHost("visual", loaded=loaded, theme="textual-light")
    assert snap_compare(app, terminal_size=(80, 24), run_before=before)
