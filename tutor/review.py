"""Spaced review: the questions a learner missed, needed a hint for or answered slowly come back as cards,
scheduled by FSRS (the ``fsrs`` package: the Free Spaced Repetition Scheduler that Anki uses).

Pure Python (layer 2, beside :mod:`tutor.progress`, which stores the cards); no Textual. The rules:

* **Which answers make a card** (:func:`makes_card`): a wrong answer, a right one that needed a hint, or a
  right one that took more than :data:`SLOW_SECONDS` on screen. Answers from every mode count (visual quiz,
  practice, test, and predictions in the walkthrough). A right, unhinted answer in time makes none.
* **Ratings** (:func:`rating_for`): wrong = Again; right with a hint = Hard; right = Good; right without a hint
  in at most :data:`FAST_SECONDS` = Easy. An answer whose time was not measured is neither fast nor slow.
* **What moves a card**: a review in `tutor review`; and any later answer to its question elsewhere when
  the card is due, or when it is wrong (a miss is news at any time). A right answer to a card that is not
  due yet changes nothing: practice's second try, seconds after a miss, must not undo the miss.
* **Review ahead** (`tutor review --ahead`, Anki's "review ahead"): the cards not due yet can be asked too,
  soonest due first (:meth:`ReviewDeck.ahead`). Such an answer is an early review, and FSRS rates it as one:
  :meth:`fsrs.Scheduler.review_card` is given the real time of the review, so the retrievability it uses is
  the one at the days actually elapsed (higher than at the due date: a right answer grows stability less
  than on time), and a review less than a day after the last uses FSRS's short-term stability
  (``fsrs/scheduler.py``, ``days_since_last_review < 1``). Nothing is faked: no due date is moved first.
* **The scheduler** (:data:`SCHEDULER`): FSRS's default parameters and 90 % desired retention, with no
  learning steps (a new or lapsed card goes straight to whole-day intervals: review here is about days, the
  lesson's practice already gives an immediate retry), and no fuzzing (fuzz spreads a big deck's load with
  :func:`random.random`; one learner's few cards do not need it, and tests must be deterministic). With
  FSRS-6's defaults a new card rated Again or Hard is due 1 day later, Good 2 days, Easy 8 days.
* **The clock** is injectable: :class:`ReviewDeck` takes a ``clock`` (Unix seconds; default the store's own),
  so tests run a week of simulated days. Times are stored as Unix seconds and handed to FSRS as UTC.

Answers are turned into cards by :meth:`ReviewDeck.sync`, which reads the answers recorded since its last
run (the progress store hands each over exactly once): the quiz only records answers, with their time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from fsrs import Card, Rating, Scheduler, State

from tutor.lesson.quiz_session import context_step
from tutor.progress import AnswerRecord, CardChange, CardRecord, ReviewLogRecord

if TYPE_CHECKING:
    from tutor.lesson.loader import LoadedLesson
    from tutor.lesson.model import Question
    from tutor.progress import ProgressStore

#: A right answer without a hint in at most this many seconds is rated Easy.
FAST_SECONDS = 15.0
#: A right answer that took more than this many seconds makes a review card (rated Good).
SLOW_SECONDS = 60.0
#: The mode of answers given in `tutor review` (they move their card when given, not again at sync).
REVIEW_MODE = "review"
DAY = 86_400.0

#: The FSRS scheduler every card is scheduled with (see the module's docstring for the choices).
SCHEDULER = Scheduler(desired_retention=0.9, learning_steps=(), relearning_steps=(), enable_fuzzing=False)

RATING_NAMES: dict[int, str] = {int(r): r.name for r in Rating}


# ---------------------------------------------------------------------------------------------------
# answers -> ratings


def is_fast(seconds: float | None) -> bool:
    return seconds is not None and seconds <= FAST_SECONDS


def is_slow(seconds: float | None) -> bool:
    return seconds is not None and seconds > SLOW_SECONDS


def rating_for(correct: bool, hints_used: int, seconds: float | None) -> Rating:
    """wrong = Again, hinted = Hard, right = Good, right fast (no hint, ≤ FAST_SECONDS) = Easy."""
    if not correct:
        return Rating.Again
    if hints_used > 0:
        return Rating.Hard
    if is_fast(seconds):
        return Rating.Easy
    return Rating.Good


def makes_card(correct: bool, hints_used: int, seconds: float | None) -> bool:
    """An answer that was wrong, needed a hint, or was slow (> SLOW_SECONDS) makes a review card."""
    return not correct or hints_used > 0 or is_slow(seconds)


# ---------------------------------------------------------------------------------------------------
# FSRS <-> stored cards


def utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _fsrs_card(card: CardRecord) -> Card:
    return Card(
        card_id=card.id or 0,
        state=State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=utc(card.due),
        last_review=None if card.last_review is None else utc(card.last_review),
    )


def _record(card: Card, base: CardRecord) -> CardRecord:
    return CardRecord(
        id=base.id,
        lesson_id=base.lesson_id,
        question_id=base.question_id,
        state=int(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due.timestamp(),
        last_review=None if card.last_review is None else card.last_review.timestamp(),
        created=base.created,
    )


def new_card(lesson_id: str, question_id: str, at: float) -> CardRecord:
    """A card not reviewed yet (FSRS's new card: learning, due at once)."""
    return CardRecord(None, lesson_id, question_id, int(State.Learning), 0, None, None, float(at), None, float(at))


def schedule(
    card: CardRecord,
    rating: Rating,
    at: float,
    *,
    seconds: float | None = None,
    mode: str = REVIEW_MODE,
    answer_id: int | None = None,
    scheduler: Scheduler = SCHEDULER,
) -> CardChange:
    """``card`` rated ``rating`` at ``at`` (Unix seconds), as FSRS reschedules it."""
    moved, _log = scheduler.review_card(
        _fsrs_card(card),
        rating,
        review_datetime=utc(at),
        review_duration=None if seconds is None else int(round(seconds * 1000)),
    )
    return CardChange(
        _record(moved, card),
        int(rating),
        float(at),
        None if seconds is None else int(round(seconds * 1000)),
        mode,
        answer_id,
    )


def schedule_answers(
    answers: Sequence[tuple[int, AnswerRecord]],
    cards: dict[tuple[str, str], CardRecord],
    scheduler: Scheduler = SCHEDULER,
) -> list[CardChange]:
    """The card changes newly recorded answers make (the rules in the module's docstring), oldest first."""
    cards = dict(cards)
    changes: list[CardChange] = []
    for answer_id, a in answers:
        if a.mode == REVIEW_MODE:
            continue  # applied when it was given
        key = (a.lesson_id, a.question_id)
        card = cards.get(key)
        if card is None:
            if not makes_card(a.correct, a.hints_used, a.seconds):
                continue
            card = new_card(a.lesson_id, a.question_id, a.at)
        elif a.correct and a.at < card.due:
            continue
        change = schedule(
            card,
            rating_for(a.correct, a.hints_used, a.seconds),
            a.at,
            seconds=a.seconds,
            mode=a.mode,
            answer_id=answer_id,
            scheduler=scheduler,
        )
        cards[key] = change.card  # later answers in this batch see it (a new card gets its id when saved)
        changes.append(change)
    return changes


# ---------------------------------------------------------------------------------------------------
# the deck


@dataclass(frozen=True)
class ReviewSummary:
    """Due counts and retention at one moment.

    ``reviews``: ratings given to cards that already existed (a card's first rating, the answer that made
    it, is not a review); ``recalled``: those that were not Again. ``recall_now``: FSRS's predicted
    probability of recalling each card now, averaged over the cards (None without cards).
    """

    now: float
    cards: int = 0
    due: int = 0
    next_due: float | None = None
    reviews: int = 0
    recalled: int = 0
    recall_now: float | None = None
    lessons: dict[str, tuple[int, int]] = field(default_factory=dict)
    """lesson id -> (cards, due now)."""

    @property
    def retention(self) -> float | None:
        """The share of reviews recalled (0-1), None before the first review."""
        return self.recalled / self.reviews if self.reviews else None

    def to_json(self) -> dict[str, object]:
        return {
            "cards": self.cards,
            "due": self.due,
            "next_due": self.next_due,
            "reviews": self.reviews,
            "recalled": self.recalled,
            "retention": self.retention,
            "recall_now": self.recall_now,
            "lessons": {lid: {"cards": c, "due": d} for lid, (c, d) in self.lessons.items()},
        }


class ReviewDeck:
    """The learner's review cards in one progress store, with a clock (Unix seconds; default the store's)."""

    def __init__(
        self, store: ProgressStore, *, clock: Callable[[], float] | None = None, scheduler: Scheduler = SCHEDULER
    ) -> None:
        self.store = store
        self.clock = clock if clock is not None else store.clock
        self.scheduler = scheduler

    def sync(self) -> int:
        """Make and move cards for the answers recorded since the last sync; how many changes were saved
        (none in a store open read-only: its cards are shown as they were last saved)."""
        if getattr(self.store, "readonly", False):
            return 0
        return self.store.sync_review_cards(lambda answers, cards: schedule_answers(answers, cards, self.scheduler))

    def due(self, now: float | None = None) -> list[CardRecord]:
        """Cards due at ``now`` (default: the clock), soonest due first."""
        at = self.clock() if now is None else now
        return [c for c in self.store.review_cards() if c.due <= at]

    def ahead(self, days: float | None = None, now: float | None = None) -> list[CardRecord]:
        """Cards not due yet at ``now`` (default: the clock), soonest due first: those due within ``days`` days,
        or all of them (``None``). Answered with :meth:`answer`, each is an early review for FSRS."""
        at = self.clock() if now is None else now
        until = math.inf if days is None else at + days * DAY
        return [c for c in self.store.review_cards() if at < c.due <= until]

    def synced_summary(self) -> ReviewSummary:
        """:meth:`sync`, then :meth:`summary` at the clock: what a screen shows the learner."""
        self.sync()
        return self.summary()

    def preview_summary(self) -> ReviewSummary:
        """What :meth:`synced_summary` shows, worked out without writing anything (``tutor progress`` only
        looks): the answers not yet made into cards are scheduled in memory, by the same rule."""
        answers, stored = self.store.pending_review()
        cards = dict(stored)
        logs = list(self.store.review_logs())
        made: dict[tuple[str, str], int] = {}
        for change in schedule_answers(answers, stored, self.scheduler) if answers else []:
            key = (change.card.lesson_id, change.card.question_id)
            card_id = change.card.id if change.card.id is not None else made.setdefault(key, -1 - len(made))
            cards[key] = replace(change.card, id=card_id)
            logs.append(
                ReviewLogRecord(card_id, change.rating, change.at, change.duration_ms, change.mode, change.answer_id)
            )
        return self.summary(cards=sorted(cards.values(), key=lambda c: (c.due, c.id or 0)), logs=logs)

    def summary(
        self,
        now: float | None = None,
        *,
        cards: Sequence[CardRecord] | None = None,
        logs: Sequence[ReviewLogRecord] | None = None,
    ) -> ReviewSummary:
        """Counts at ``now`` (default: the clock) over ``cards`` and ``logs`` (default: the stored ones)."""
        at = self.clock() if now is None else now
        cards = self.store.review_cards() if cards is None else cards
        if not cards:
            return ReviewSummary(now=at)
        lessons: dict[str, tuple[int, int]] = {}
        for c in cards:
            total, due = lessons.get(c.lesson_id, (0, 0))
            lessons[c.lesson_id] = (total + 1, due + (c.due <= at))
        seen: set[int] = set()
        reviews = recalled = 0
        for log in self.store.review_logs() if logs is None else logs:
            if log.card_id not in seen:
                seen.add(log.card_id)  # the rating that made the card
                continue
            reviews += 1
            recalled += log.rating != int(Rating.Again)
        recall = [self.scheduler.get_card_retrievability(_fsrs_card(c), utc(at)) for c in cards]
        later = [c.due for c in cards if c.due > at]
        return ReviewSummary(
            now=at,
            cards=len(cards),
            due=sum(1 for c in cards if c.due <= at),
            next_due=min(later) if later else None,
            reviews=reviews,
            recalled=recalled,
            recall_now=math.fsum(recall) / len(recall),
            lessons=dict(sorted(lessons.items())),
        )

    def answer(
        self, card: CardRecord, chosen: Iterable[int], correct: bool, hints_used: int, seconds: float | None
    ) -> CardChange:
        """A review in `tutor review`: recorded as an answer (mode ``review``) and the card rescheduled, in one
        transaction. The review happens at the store's clock (the time the answer is recorded)."""
        rating = rating_for(correct, hints_used, seconds)
        assert card.id is not None
        return self.store.record_review(
            card.id,
            list(chosen),
            correct,
            hints_used,
            seconds,
            lambda current, at: schedule(current, rating, at, seconds=seconds, scheduler=self.scheduler),
        )


# ---------------------------------------------------------------------------------------------------
# due cards with their questions


@dataclass(frozen=True)
class DueItem:
    """A due card with the lesson and the question it shows."""

    card: CardRecord
    loaded: LoadedLesson
    question: Question


def due_items(
    cards: Sequence[CardRecord], extra_dirs: Iterable[str | Path] = ()
) -> tuple[list[DueItem], list[CardRecord]]:
    """The cards whose lesson (in the catalog: built-ins, ``--lessons``, ``TUTOR_LESSONS``) and question can
    still be found, with them; and the cards that cannot be shown (lesson gone or invalid, question removed),
    which stay stored as they are."""
    if not cards:
        return [], []
    from tutor.lesson.catalog import entries
    from tutor.lesson.loader import LoadError, load_lesson_cached

    paths: dict[str, Path] = {}
    for entry in entries(extra_dirs):
        if entry.valid:
            paths.setdefault(entry.id, entry.path)
    loaded: dict[str, LoadedLesson | None] = {}
    items: list[DueItem] = []
    skipped: list[CardRecord] = []
    for card in cards:
        if card.lesson_id not in loaded:
            path = paths.get(card.lesson_id)
            try:
                loaded[card.lesson_id] = load_lesson_cached(path) if path is not None else None
            except (LoadError, OSError):
                loaded[card.lesson_id] = None
        lesson = loaded[card.lesson_id]
        question = None
        if lesson is not None:
            question = next((q for q in lesson.lesson.questions if q.id == card.question_id), None)
        if lesson is None or question is None:
            skipped.append(card)
        else:
            items.append(DueItem(card, lesson, question))
    return items, skipped


def when(due: float, now: float) -> str:
    """``now``, ``in 40m``, ``in 5h``, ``in 2d`` (rounded down)."""
    left = due - now
    if left <= 0:
        return "now"
    if left < 3600:
        return f"in {max(1, int(left // 60))}m"
    if left < DAY:
        return f"in {int(left // 3600)}h"
    return f"in {int(left // DAY)}d"


__all__ = [
    "DAY",
    "FAST_SECONDS",
    "RATING_NAMES",
    "REVIEW_MODE",
    "SCHEDULER",
    "SLOW_SECONDS",
    "DueItem",
    "ReviewDeck",
    "ReviewSummary",
    "context_step",
    "due_items",
    "is_fast",
    "is_slow",
    "makes_card",
    "new_card",
    "rating_for",
    "schedule",
    "schedule_answers",
    "when",
]
