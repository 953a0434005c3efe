"""The review session in the app (Pilot, by keys), the picker's Review entry, `tutor review` and
`tutor progress` with review cards, and the time the quiz records per answer."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from ui_support import sync

from tutor.progress import ProgressStore
from tutor.review import ReviewDeck

DAY = 86_400.0
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC).timestamp()
TRACE_Q = ("session-lifecycle", "trace-id-after-set")
PLAIN_Q = ("expiry", "idle-vs-absolute")


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TUTOR_LESSONS", raising=False)


@pytest.fixture
def clock() -> Clock:
    return Clock(MONDAY)


@pytest.fixture
def store(tmp_path: Path, clock: Clock):
    with ProgressStore.open(tmp_path / "home" / "progress.sqlite3", clock=clock) as s:
        yield s


@pytest.fixture
def quiz_clock(monkeypatch) -> Clock:
    """The quiz's answer timer, moved by the test."""
    from tutor.ui.widgets.quiz import QuizView

    fake = Clock(1000.0)
    monkeypatch.setattr(QuizView, "clock", staticmethod(fake))
    return fake


def _miss(store: ProgressStore, *questions: tuple[str, str]) -> None:
    for lesson_id, question_id in questions:
        store.record_answer(lesson_id, question_id, "practice", [0], False, 0, seconds=20.0)


def _question(lesson_id: str, question_id: str):
    from tutor.lesson.catalog import resolve
    from tutor.lesson.loader import load_lesson_cached

    loaded = load_lesson_cached(resolve(lesson_id))
    return loaded, next(q for q in loaded.lesson.questions if q.id == question_id)


def _key_for(quiz, *, right: bool) -> str:
    """The letter of a right (or a wrong) choice of the quiz's question as it is shown."""
    from tutor.lesson.grading import LETTERS

    order = quiz.session.orders[quiz.index]
    question = quiz.question
    position = next(pos for pos, original in enumerate(order) if question.choices[original].correct == right)
    return LETTERS[position]


def _text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


@sync
async def test_a_review_session_by_keys(store: ProgressStore, clock: Clock, quiz_clock: Clock) -> None:
    from tutor.review import context_step
    from tutor.ui.app import TutorApp
    from tutor.ui.screens.picker import PickerScreen
    from tutor.ui.screens.review import ReviewScreen
    from tutor.ui.widgets.execution_table import ExecutionTable

    _miss(store, TRACE_Q)
    clock.now += 60
    _miss(store, PLAIN_Q)
    clock.now = MONDAY + DAY + 120  # the next morning: both are due
    app = TutorApp(store=store, review=True, cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert [(i.card.lesson_id, i.card.question_id) for i in screen.items] == [TRACE_Q, PLAIN_Q]
        assert _text(app, "#review-status").startswith("Card 1 of 2 · due now · The session lifecycle")
        # the first card: a trace question, shown with the trace up to its row
        quiz = screen.quiz
        assert quiz.mode == "review" and [q.id for q in quiz.questions] == [TRACE_Q[1]]
        _, question = _question(*TRACE_Q)
        assert quiz.query_one("#quiz-trace").display
        assert quiz.query_one("#quiz-table", ExecutionTable).upto == context_step(question)
        assert "n" not in {k for k, b in app.screen.active_bindings.items() if b.enabled}  # answer first
        quiz_clock.now += 6  # answered right, without a hint, in 6 seconds: Easy
        await pilot.press(_key_for(quiz, right=True), "enter")
        await pilot.pause()
        result = _text(app, "#review-result")
        assert "✓ Right · rated Easy · next review in" in result and "n next card" in result
        (card, _) = sorted(store.review_cards(), key=lambda c: c.question_id != TRACE_Q[1])
        assert card.due - clock.now >= 2 * DAY  # not due again tomorrow
        last = store.answers()[-1]
        assert (last.lesson_id, last.question_id, last.mode, last.correct, last.seconds) == (
            *TRACE_Q,
            "review",
            True,
            6.0,
        )
        assert store.review_logs()[-1].rating == 4 and store.review_logs()[-1].mode == "review"
        # the second card: a wrong answer after a hint
        await pilot.press("n")
        await pilot.pause()
        assert _text(app, "#review-status").startswith("Card 2 of 2")
        quiz = screen.quiz
        assert quiz.questions[0].id == PLAIN_Q[1]
        if quiz.questions[0].hints:
            await pilot.press("h")
        quiz_clock.now += 30
        await pilot.press(_key_for(quiz, right=False), "enter")
        await pilot.pause()
        assert "✗ Not quite · rated Again · next review in 1d · n finish" in _text(app, "#review-result")
        await pilot.press("n")
        await pilot.pause()
        done = _text(app, "#review-done")
        assert "Review done: 2 cards, 1 right." in done and "Next card due in 1d." in done
        assert ReviewDeck(store).due() == []
        # back: the picker, whose Review entry has nothing due now
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert app.screen.visible_ids[0] == ":review"


@sync
async def test_the_picker_review_entry_shows_the_number_due_and_opens_the_review(
    store: ProgressStore, clock: Clock
) -> None:
    from textual.widgets import DataTable

    from tutor.ui.app import TutorApp
    from tutor.ui.screens.review import ReviewScreen

    _miss(store, TRACE_Q, PLAIN_Q)
    clock.now = MONDAY + DAY
    app = TutorApp(store=store, cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        picker = app.screen
        table = picker.query_one("#lessons", DataTable)
        assert picker.visible_ids[0] == ":review" and picker.visible_ids[1] == "session-lifecycle"
        assert [c.plain for c in table.get_row_at(0)][1] == "↻ Review: 2 cards due"
        assert table.cursor_row == 0  # due cards come first
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and len(app.screen.items) == 2
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is picker
        # typing a filter hides the entry; clearing it brings it back
        await pilot.press("e", "x")
        await pilot.pause()
        assert ":review" not in picker.visible_ids
        await pilot.press("escape")
        picker.query_one("#filter").value = ""
        await pilot.pause()
        assert picker.visible_ids[0] == ":review"


@sync
async def test_without_cards_the_picker_has_no_review_entry(store: ProgressStore) -> None:
    from tutor.ui.app import TutorApp

    store.record_answer(*TRACE_Q, "practice", [0], True, 0, seconds=5.0)  # right and fast: no card
    app = TutorApp(store=store, cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.visible_ids[0] == "session-lifecycle"


@sync
async def test_nothing_due_in_the_review_screen_says_when(store: ProgressStore, clock: Clock) -> None:
    from tutor.ui.app import TutorApp

    _miss(store, TRACE_Q)
    app = TutorApp(store=store, review=True, cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        done = _text(app, "#review-done")
        assert "Nothing to review now." in done and "Next card due in 1d." in done


@sync
async def test_review_ahead_asks_the_cards_not_due_yet_as_early_reviews(
    store: ProgressStore, clock: Clock, quiz_clock: Clock
) -> None:
    """`tutor review --ahead`: a card missed an hour ago (due tomorrow) is asked now; FSRS rates it early."""
    import math

    from tutor.ui.app import TutorApp

    _miss(store, TRACE_Q)
    clock.now += 3600
    app = TutorApp(store=store, review=True, review_ahead=math.inf, cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert [(i.card.lesson_id, i.card.question_id) for i in screen.items] == [TRACE_Q]
        assert _text(app, "#review-status").startswith("Card 1 of 1 · due in 23h · early review ·")
        quiz_clock.now += 30
        await pilot.press(_key_for(screen.quiz, right=True), "enter")
        await pilot.pause()
        assert "✓ Right · rated Good · next review in" in _text(app, "#review-result")
        (card,) = store.review_cards()
        assert card.last_review == clock.now and card.due > MONDAY + DAY  # moved past the old due date
        assert [log.mode for log in store.review_logs()] == ["practice", "review"]


@sync
async def test_review_ahead_within_days_leaves_later_cards(store: ProgressStore, clock: Clock) -> None:
    from tutor.ui.app import TutorApp

    _miss(store, TRACE_Q)  # due in 1 day
    app = TutorApp(store=store, review=True, review_ahead=0.5, cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Nothing to review now." in _text(app, "#review-done")


# -- the time per answer -----------------------------------------------------------------------------------


@sync
async def test_the_quiz_records_the_time_each_question_was_on_screen(store: ProgressStore, quiz_clock: Clock) -> None:
    from quiz_host import QuizHost

    app = QuizHost("practice", store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        quiz_clock.now += 4
        await pilot.press("n")  # away from question 1 after 4 s ...
        quiz_clock.now += 100  # ... 100 s on question 2 (not answered)
        await pilot.press("p")
        quiz_clock.now += 3  # ... and back for 3 s more
        await pilot.press("b", "enter")  # wrong (the fixture's first choices are the right ones)
        await pilot.pause()
        (first,) = store.answers()
        assert (first.correct, first.seconds) == (False, 7.0)
        quiz_clock.now += 50  # reading the verdict
        await pilot.press("r")
        quiz_clock.now += 2  # the second try is timed from the retry
        await pilot.press("a", "enter")
        await pilot.pause()
        assert (store.answers()[-1].correct, store.answers()[-1].seconds) == (True, 2.0)
        await pilot.press("n")
        await pilot.pause()
        quiz_clock.now += 9
        await pilot.press("a", "enter")
        await pilot.pause()
        assert store.answers()[-1].seconds == 109.0  # the 100 s it was shown earlier count


# -- the commands ----------------------------------------------------------------------------------------


def test_tutor_review_with_nothing_due_says_so_and_exits_0(capsys) -> None:
    from tutor.cli import main

    assert main(["review"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Nothing to review yet: cards come from questions you miss")


def test_tutor_review_with_cards_not_yet_due_says_when(capsys) -> None:
    import time

    from tutor.cli import main

    with ProgressStore.open(clock=lambda: time.time() - 1800) as store:  # missed half an hour ago
        _miss(store, TRACE_Q)
    assert main(["review"]) == 0
    assert capsys.readouterr().out == (
        "Nothing to review: no card is due now. The next of your 1 card is due in 23h "
        "(tutor review --ahead asks it now).\n"
    )


def test_tutor_review_ahead_asks_cards_not_due(capsys, monkeypatch) -> None:
    import time

    from tutor.cli import main
    from tutor.ui import terminal

    monkeypatch.setattr(terminal, "terminal_problem", lambda: terminal.MESSAGE.format(why=" (stdin is not a terminal)"))
    with ProgressStore.open(clock=lambda: time.time() - 1800) as store:  # missed half an hour ago: due in 23h
        _miss(store, TRACE_Q)
    assert main(["review", "--ahead"]) == 1  # there is a card to ask: the app would start
    assert capsys.readouterr().err.startswith(
        "tutor review: error: 1 card is to review, but tutor needs an interactive"
    )
    assert main(["review", "--ahead", "2"]) == 1
    capsys.readouterr()
    monkeypatch.setattr(terminal, "terminal_problem", lambda: None)
    with ProgressStore.open() as store:
        before = store.review_cards()
    for days in ("0", "x", "-1"):
        with pytest.raises(SystemExit) as exc:
            main(["review", "--ahead", days])
        assert exc.value.code == 2
        assert "--ahead: expected a number of days, 1 or more" in capsys.readouterr().err
    with ProgressStore.open() as store:
        assert store.review_cards() == before


def test_tutor_review_with_cards_due_needs_a_terminal(capsys, monkeypatch) -> None:
    import time

    from tutor.cli import main
    from tutor.ui import terminal

    monkeypatch.setattr(terminal, "terminal_problem", lambda: terminal.MESSAGE.format(why=" (stdin is not a terminal)"))
    with ProgressStore.open(clock=lambda: time.time() - 2 * DAY) as store:
        _miss(store, TRACE_Q, PLAIN_Q)
    assert main(["review"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("tutor review: error: 2 cards are due, but tutor needs an interactive terminal (")
    assert "hint: run `tutor review` in a terminal; `tutor progress` shows the due counts anywhere" in err


def test_tutor_review_with_only_cards_of_gone_questions_says_so(capsys) -> None:
    import time

    from tutor.cli import main

    with ProgressStore.open(clock=lambda: time.time() - 2 * DAY) as store:
        store.record_answer("session-lifecycle", "a-question-renamed-since", "practice", [0], False, 0)
    assert main(["review"]) == 0
    assert capsys.readouterr().out.startswith(
        "Nothing to review: 1 due card belongs to lessons or questions that are gone"
    )


@sync
async def test_the_picker_counts_only_cards_it_can_show(store: ProgressStore, clock: Clock) -> None:
    from textual.widgets import DataTable

    from tutor.ui.app import TutorApp

    _miss(store, TRACE_Q, ("a-lesson-not-listed", "q"), ("expiry", "a-question-renamed-since"))
    clock.now = MONDAY + DAY
    app = TutorApp(store=store, cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#lessons", DataTable)
        assert table.get_row_at(0)[1].plain == "↻ Review: 1 card due"
        # the one card left is answered: nothing can be shown now, though two due cards stay stored
        deck = ReviewDeck(store)
        deck.answer(next(c for c in deck.due() if c.question_id == TRACE_Q[1]), [1], True, 0, 5.0)
        app.screen.refresh_progress()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert table.get_row_at(0)[1].plain.startswith("↻ Review: nothing due")
        assert len(deck.due()) == 2


def test_tutor_review_with_nothing_due_does_not_import_textual(tmp_path: Path) -> None:
    code = "import sys; from tutor.cli import main; rc = main(['review']); assert 'textual' not in sys.modules; sys.exit(rc)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Nothing to review")


def test_tutor_progress_shows_due_counts_and_retention(store: ProgressStore, clock: Clock) -> None:
    from tutor.commands.progress import progress_json, progress_text

    _miss(store, TRACE_Q, PLAIN_Q)
    clock.now = MONDAY + DAY
    deck = ReviewDeck(store)
    deck.sync()
    card = next(c for c in deck.due() if c.question_id == TRACE_Q[1])
    moved = deck.answer(card, [1], True, 0, 5.0).card  # Easy: 3 days
    text = progress_text(store)
    assert "Review (tutor review): 1 of 2 cards due now; next due in 3d" in text
    assert "retention 100% (1 of 1 reviews recalled); predicted recall now" in text
    assert "  expiry             1 due of 1 card\n" in text
    assert "  session-lifecycle  0 due of 1 card\n" in text
    data = json.loads(json.dumps(progress_json(store)))
    assert data["review"]["cards"] == 2 and data["review"]["due"] == 1
    assert data["review"]["retention"] == 1.0 and data["review"]["reviews"] == 1
    assert data["review"]["next_due"] == moved.due == MONDAY + 4 * DAY
    assert data["review"]["lessons"] == {"expiry": {"cards": 1, "due": 1}, "session-lifecycle": {"cards": 1, "due": 0}}
    assert data["lessons"]["expiry"]["answers"][0]["seconds"] == 20.0
