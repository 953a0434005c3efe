"""Spaced review (tutor/review.py): ratings, which answers make cards, and FSRS scheduling through a week of
simulated days with a fixed clock; progress schema version 4 upgraded from a real version-3 file."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fsrs import Card, Rating, Scheduler, State
from progress_support import copy_fixture, tables_and_columns, user_version

from tutor import review
from tutor.progress import SCHEMA_VERSION, LessonProgress, ProgressStore
from tutor.review import FAST_SECONDS, SLOW_SECONDS, ReviewDeck, makes_card, rating_for

DAY = 86_400.0
#: Monday 2026-11-30 09:00 UTC: "day 0" of the simulated week.
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC).timestamp()
V3_FILE = "progress-v3.sqlite3"
"""Made by the version-3 store (tutor/progress.py of branch challenges, commit 391cca1), clock from
1_700_000_000 in steps of 60 s: session-lifecycle with 7 steps reached; practice answers trace-id-after-set
wrong then right, purpose-of-sessions right with 1 hint; expiry test attempt 1 (seed 4242) with
idle-vs-absolute right and after-expiry wrong with 2 hints, result 1/2 = 50%; a challenge run
login-and-rotation/fixation solved in 3 events, 3 stars. Journal mode set back to delete so it is one file."""


class Clock:
    """A clock that stands still until the test moves it."""

    def __init__(self, now: float = MONDAY) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def day(self, n: int) -> None:
        self.now = MONDAY + n * DAY


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock):
    with ProgressStore.open(tmp_path / "progress.sqlite3", clock=clock) as s:
        yield s


def _due_ids(deck: ReviewDeck) -> list[str]:
    return sorted(c.question_id for c in deck.due())


# -- ratings -------------------------------------------------------------------------------------------


def test_ratings_follow_the_answer() -> None:
    assert rating_for(False, 0, 3.0) is Rating.Again
    assert rating_for(False, 2, 100.0) is Rating.Again
    assert rating_for(True, 1, 3.0) is Rating.Hard  # a hint outweighs speed
    assert rating_for(True, 0, FAST_SECONDS) is Rating.Easy
    assert rating_for(True, 0, FAST_SECONDS + 0.1) is Rating.Good
    assert rating_for(True, 0, SLOW_SECONDS + 30) is Rating.Good
    assert rating_for(True, 0, None) is Rating.Good  # not measured: neither fast nor slow


def test_which_answers_make_a_card() -> None:
    assert makes_card(False, 0, 2.0)
    assert makes_card(True, 1, 2.0)
    assert makes_card(True, 0, SLOW_SECONDS + 0.1)
    assert not makes_card(True, 0, SLOW_SECONDS)
    assert not makes_card(True, 0, 2.0)
    assert not makes_card(True, 0, None)


# -- a week of simulated days ---------------------------------------------------------------------------


def test_a_week_of_reviews_follows_fsrs(store: ProgressStore, clock: Clock) -> None:
    deck = ReviewDeck(store)
    # day 0: a practice session
    store.record_answer("expiry", "missed", "practice", [0], False, 0, seconds=20.0)
    store.record_answer("expiry", "hinted", "practice", [1], True, 1, seconds=20.0)
    store.record_answer("expiry", "slow", "test", [1], True, 0, seconds=SLOW_SECONDS + 20)
    store.record_answer("expiry", "fast", "test", [1], True, 0, seconds=5.0)
    store.record_answer("cookie-attributes", "normal", "visual", [1], True, 0, seconds=30.0)
    assert deck.sync() == 3
    assert deck.sync() == 0  # each answer is handed over once
    cards = {c.question_id: c for c in store.review_cards()}
    assert sorted(cards) == ["hinted", "missed", "slow"]
    assert {
        q: review.RATING_NAMES[log.rating]
        for q, log in zip(["missed", "hinted", "slow"], store.review_logs(), strict=True)
    } == {"missed": "Again", "hinted": "Hard", "slow": "Good"}
    assert _due_ids(deck) == []  # nothing is due the day it was answered

    # the same reviews played straight through fsrs: what the deck must agree with
    fsrs = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    at0 = datetime.fromtimestamp(MONDAY, UTC)
    model = {
        q: fsrs.review_card(Card(card_id=1, due=at0), rating, review_datetime=at0)[0]
        for q, rating in (("missed", Rating.Again), ("hinted", Rating.Hard), ("slow", Rating.Good))
    }

    # what the learner answers on each day, for each card due (right, hints, seconds)
    plan = {
        1: {"missed": (True, 0, 5.0), "hinted": (False, 0, 30.0)},
        2: {"hinted": (True, 0, 30.0), "slow": (True, 1, 40.0)},
    }
    seen_due: dict[int, list[str]] = {}
    for day in range(1, 8):
        clock.day(day)
        now = datetime.fromtimestamp(clock.now, UTC)
        expected = sorted(q for q, card in model.items() if card.due <= now)
        seen_due[day] = _due_ids(deck)
        assert seen_due[day] == expected, f"day {day}"
        for card in deck.due():
            right, hints, seconds = plan.get(day, {}).get(card.question_id, (True, 0, 30.0))
            change = deck.answer(card, [0], right, hints, seconds)
            model[card.question_id] = fsrs.review_card(
                model[card.question_id], rating_for(right, hints, seconds), review_datetime=now
            )[0]
            assert change.card.due == model[card.question_id].due.timestamp()
            assert change.card.stability == pytest.approx(model[card.question_id].stability)
            assert change.card.difficulty == pytest.approx(model[card.question_id].difficulty)
            assert change.card.state == int(State.Review)
    # the days cards came due, as FSRS-6's defaults schedule them
    assert seen_due[1] == ["hinted", "missed"]
    assert "missed" not in seen_due[2]  # right fast on day 1 (Easy): not due again the next day
    assert seen_due[2] == ["hinted", "slow"]  # hinted was missed on day 1 (Again: one day); slow was Good: 2 days
    assert seen_due[3] == []
    assert seen_due[4] == ["hinted", "missed"]  # Easy after one day: 3 more days; hinted: Good on day 2, 2 days
    assert seen_due[5] == seen_due[6] == seen_due[7] == []
    # every review was recorded as an answer in mode review, with its time
    reviews = [a for a in store.answers() if a.mode == "review"]
    assert len(reviews) == sum(len(v) for v in seen_due.values())
    assert {a.seconds for a in reviews} >= {5.0, 30.0, 40.0}
    summary = deck.summary()
    assert (summary.cards, summary.reviews) == (3, len(reviews))
    assert summary.recalled == len(reviews) - 1  # hinted, missed on day 1
    assert summary.retention == pytest.approx((len(reviews) - 1) / len(reviews))
    assert 0 < summary.recall_now <= 1


def test_easy_hard_good_again_first_intervals(store: ProgressStore, clock: Clock) -> None:
    """A right fast answer to a card is not due for days; a miss is due the next day."""
    for qid in ("a", "b", "c", "d"):
        store.record_answer("expiry", qid, "practice", [0], False, 0, seconds=10.0)
    deck = ReviewDeck(store)
    deck.sync()
    clock.day(1)
    due = {c.question_id: c for c in deck.due()}
    assert sorted(due) == ["a", "b", "c", "d"]
    moved = {
        "again": deck.answer(due["a"], [0], False, 0, 10.0).card.due,
        "hard": deck.answer(due["b"], [0], True, 1, 10.0).card.due,
        "good": deck.answer(due["c"], [0], True, 0, 40.0).card.due,
        "easy": deck.answer(due["d"], [0], True, 0, 4.0).card.due,
    }
    days = {k: (v - clock.now) / DAY for k, v in moved.items()}
    assert days["again"] == 1
    assert days["again"] <= days["hard"] <= days["good"] <= days["easy"]
    assert days["easy"] >= 2  # not tomorrow
    clock.day(2)
    assert _due_ids(deck) == ["a"] + (["b"] if days["hard"] == 1 else [])


def test_practice_retry_does_not_undo_a_miss(store: ProgressStore, clock: Clock) -> None:
    """Wrong, then right on the second try a few seconds later: the card stays due tomorrow."""
    store.record_answer("expiry", "q", "practice", [0], False, 0, seconds=12.0)
    clock.now += 8
    store.record_answer("expiry", "q", "practice", [1], True, 0, seconds=4.0)
    deck = ReviewDeck(store)
    assert deck.sync() == 1
    clock.day(1)
    assert _due_ids(deck) == ["q"]


def test_answers_elsewhere_move_a_due_card_and_a_miss_always_does(store: ProgressStore, clock: Clock) -> None:
    deck = ReviewDeck(store)
    store.record_answer("expiry", "q", "practice", [0], False, 0, seconds=12.0)
    deck.sync()
    clock.day(1)  # due now: a right answer in a test is a review
    store.record_answer("expiry", "q", "test", [1], True, 0, seconds=5.0)
    assert deck.sync() == 1
    (card,) = store.review_cards()
    assert card.due > clock.now + DAY  # Easy
    clock.now += 3600  # not due: a miss still counts
    store.record_answer("expiry", "q", "visual", [0], False, 0, seconds=5.0)
    assert deck.sync() == 1
    (card,) = store.review_cards()
    assert card.due == clock.now + DAY
    assert [review.RATING_NAMES[log.rating] for log in store.review_logs()] == ["Again", "Easy", "Again"]
    assert [log.mode for log in store.review_logs()] == ["practice", "test", "visual"]


def test_review_answers_are_not_applied_twice(store: ProgressStore, clock: Clock) -> None:
    deck = ReviewDeck(store)
    store.record_answer("expiry", "q", "practice", [0], False, 0, seconds=12.0)
    deck.sync()
    clock.day(1)
    (card,) = deck.due()
    deck.answer(card, [1], False, 0, 9.0)
    assert deck.sync() == 0  # the review answer is already applied
    assert len(store.review_logs()) == 2


def test_unmeasured_predictions_make_cards_only_when_wrong(store: ProgressStore) -> None:
    store.record_answer("session-lifecycle", "predict-expired", "predict", [0], False, 0)
    store.record_answer("session-lifecycle", "other", "predict", [0], True, 0)
    ReviewDeck(store).sync()
    assert [c.question_id for c in store.review_cards()] == ["predict-expired"]


def test_the_deck_clock_is_injectable(store: ProgressStore, clock: Clock) -> None:
    store.record_answer("expiry", "q", "practice", [0], False, 0)
    ReviewDeck(store).sync()
    assert ReviewDeck(store, clock=lambda: MONDAY + DAY).due()
    assert not ReviewDeck(store, clock=lambda: MONDAY + DAY - 1).due()
    assert ReviewDeck(store).summary(MONDAY + 2 * DAY).due == 1


def test_when() -> None:
    assert review.when(MONDAY, MONDAY) == "now"
    assert review.when(MONDAY + 90, MONDAY) == "in 1m"
    assert review.when(MONDAY + 5 * 3600, MONDAY) == "in 5h"
    assert review.when(MONDAY + 2 * DAY + 60, MONDAY) == "in 2d"


def test_context_step() -> None:
    from tutor.lesson.catalog import resolve
    from tutor.lesson.loader import load_lesson_cached

    lesson = load_lesson_cached(resolve("session-lifecycle")).lesson
    by_id = {q.id: q for q in lesson.questions}
    trace_q = next(q for q in lesson.questions if q.answer is not None)
    assert review.context_step(trace_q) == (trace_q.steps[-1] if trace_q.steps else trace_q.answer.step)
    predict_q = next(q for q in lesson.questions if q.predict is not None)
    assert predict_q.predict > 1 and review.context_step(predict_q) == predict_q.predict - 1
    plain = [q for q in by_id.values() if q.answer is None and q.predict is None]
    for q in plain:
        assert review.context_step(q) == (max(q.steps) if q.steps else None)


def test_reset_deletes_cards_and_logs(store: ProgressStore) -> None:
    store.record_answer("expiry", "q", "practice", [0], False, 0)
    ReviewDeck(store).sync()
    store.reset()
    assert store.review_cards() == [] and store.review_logs() == []
    store.record_answer("expiry", "q", "practice", [0], False, 0)
    assert ReviewDeck(store).sync() == 1  # the sync starts again from the new answers


# -- schema version 4 -----------------------------------------------------------------------------------


def test_a_version_3_file_is_upgraded_without_loss(tmp_path: Path, clock: Clock) -> None:
    path = copy_fixture(V3_FILE, tmp_path)
    assert user_version(path) == 3
    with ProgressStore.open(path, clock=clock) as store:
        assert store.notice is None
        assert store.lesson_summary("session-lifecycle") == LessonProgress(steps_reached=7, answered=2, correct=2)
        assert store.lesson_summary("expiry") == LessonProgress(best_score=50.0, answered=2, correct=1)
        (attempt,) = store.attempts("expiry")
        assert (attempt.seed, attempt.questions) == (4242, ("idle-vs-absolute", "after-expiry"))
        assert [(a.question_id, a.correct, a.hints_used) for a in store.attempt_answers(attempt.id)] == [
            ("idle-vs-absolute", True, 0),
            ("after-expiry", False, 2),
        ]
        assert [(r.challenge_id, r.stars) for r in store.challenge_runs()] == [("fixation", 3)]
        old = store.answers()
        assert len(old) == 5 and all(a.seconds is None for a in old)  # not measured before version 4
        # the old misses and hints become cards, dated when they were answered
        deck = ReviewDeck(store)
        assert deck.sync() == 3
        cards = {(c.lesson_id, c.question_id): c for c in store.review_cards()}
        assert sorted(cards) == [
            ("expiry", "after-expiry"),
            ("session-lifecycle", "purpose-of-sessions"),
            ("session-lifecycle", "trace-id-after-set"),
        ]
        assert (
            cards[("expiry", "after-expiry")].created == 1_700_000_000 + 7 * 60
        )  # the seventh record the v3 store wrote
        assert len(deck.due()) == 3  # long due by the test's clock
        store.record_answer("expiry", "idle-vs-absolute", "practice", [1], True, 0, seconds=3.5)
        assert store.answers("expiry")[-1].seconds == 3.5
    assert user_version(path) == SCHEMA_VERSION == 4
    assert not [p for p in tmp_path.iterdir() if "corrupt" in p.name]


def test_a_failed_upgrade_leaves_the_version_3_file_as_it_was(tmp_path: Path) -> None:
    from tutor import progress
    from tutor.progress import ProgressError

    path = copy_fixture(V3_FILE, tmp_path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(progress._MIGRATIONS, 3, progress._MIGRATIONS[3] + "\nCREATE TABLE answers (x);")
        with pytest.raises(ProgressError):
            ProgressStore.open(path)
    assert user_version(path) == 3
    tables, columns = tables_and_columns(path, "answers")
    assert not tables & {"review_cards", "review_logs", "review_sync"}
    assert "seconds" not in columns


def test_a_version_4_file_missing_a_review_table_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    ProgressStore.open(path).close()
    con = sqlite3.connect(path)
    con.execute("DROP TABLE review_logs")
    con.commit()
    con.close()
    with ProgressStore.open(path) as store:
        assert store.notice is not None and "review_logs" in store.notice


def test_a_version_3_file_viewed_read_only_has_no_cards_and_is_not_changed(tmp_path: Path, monkeypatch) -> None:
    from tutor.commands.progress import progress_json, progress_text

    path = copy_fixture(V3_FILE, tmp_path)
    before = path.read_bytes()
    with ProgressStore.open(path, readonly=True) as store:
        assert store.readonly
        assert [a.seconds for a in store.answers()] == [None] * 5
        deck = ReviewDeck(store)
        assert deck.sync() == 0 and store.review_cards() == [] and store.review_logs() == []
        assert deck.summary().cards == 0
        assert "Review" not in progress_text(store)
        assert progress_json(store)["review"]["cards"] == 0
    assert path.read_bytes() == before and user_version(path) == 3


# -- review ahead ----------------------------------------------------------------------------------------


def test_review_ahead_asks_cards_not_due_soonest_first(store: ProgressStore, clock: Clock) -> None:
    store.record_answer("expiry", "missed", "practice", [0], False, 0, seconds=12.0)  # Again: due in 1 day
    store.record_answer("expiry", "slow", "practice", [0], True, 0, seconds=90.0)  # Good: due in 2 days
    deck = ReviewDeck(store)
    deck.sync()
    clock.now += 3600
    assert deck.due() == []
    ahead = deck.ahead()
    assert [c.question_id for c in ahead] == ["missed", "slow"]
    assert all(c.due > clock.now for c in ahead)
    soonest = ahead[0].due
    assert [c.question_id for c in deck.ahead((soonest - clock.now) / DAY)] == [ahead[0].question_id]
    assert deck.ahead(0.01) == []  # nothing due within a quarter of an hour
    clock.now = soonest
    assert ahead[0].question_id in _due_ids(deck) and ahead[0].question_id not in {c.question_id for c in deck.ahead()}


def test_an_early_review_is_rated_by_fsrs_at_its_real_time(store: ProgressStore, clock: Clock) -> None:
    """FSRS sees the days actually elapsed: reviewed early, a right answer grows stability less than on
    time (the retrievability is higher), and the card's new due date counts from the early review."""
    store.record_answer("expiry", "q", "practice", [0], True, 0, seconds=40.0)
    store.record_answer("expiry", "q", "practice", [0], False, 0, seconds=40.0)  # only the miss makes the card
    deck = ReviewDeck(store)
    deck.sync()
    clock.day(1)
    (card,) = deck.due()
    first = deck.answer(card, [0], True, 0, 40.0)  # Good, on time: a few days later
    assert first.card.due - clock.now >= 2 * DAY
    reviewed = clock.now
    early_at = reviewed + (first.card.due - reviewed) / 2  # halfway to the due date
    clock.now = early_at
    (early_card,) = deck.ahead()
    assert deck.due() == []
    on_time = review.schedule(early_card, Rating.Good, early_card.due)  # what waiting would have given
    early = deck.answer(early_card, [0], True, 0, 40.0)
    assert early.rating == int(Rating.Good) and early.at == early_at and early.mode == "review"
    assert early.card.last_review == early_at and early.card.due > early_at
    assert early.card.stability < on_time.card.stability
    # exactly what FSRS's own scheduler makes of a review at that time
    expected, _ = review.SCHEDULER.review_card(
        review._fsrs_card(early_card), Rating.Good, review_datetime=review.utc(early_at), review_duration=40_000
    )
    assert early.card.stability == expected.stability and early.card.due == expected.due.timestamp()
    assert [log.mode for log in store.review_logs()][-2:] == ["review", "review"]
