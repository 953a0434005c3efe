"""What the store gives back: the record types, and the read-back checks every stored value passes
(the file may come from anywhere: a bad value is a :class:`BadRow`, and the row is left out)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields
from typing import Any


def _json_of(record: Any, *omit: str) -> dict[str, Any]:
    """A record as JSON: its fields in declaration order less ``omit``, tuples as lists."""
    found: dict[str, Any] = {}
    for f in fields(record):
        if f.name not in omit:
            value = getattr(record, f.name)
            found[f.name] = list(value) if isinstance(value, tuple) else value
    return found


@dataclass(frozen=True, slots=True)
class LessonProgress:
    """What a learner has done in one lesson.

    ``answered``: distinct questions answered at least once (any mode);
    ``correct``: distinct questions answered correctly at least once;
    ``best_score``: the best test percentage (0–100), ``None`` when no test was taken.
    """

    steps_reached: int = 0
    best_score: float | None = None
    answered: int = 0
    correct: int = 0


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    """One recorded answer (``chosen`` indexes are in the question's file order)."""

    lesson_id: str
    question_id: str
    mode: str
    chosen: tuple[int, ...]
    correct: bool
    hints_used: int
    at: float
    attempt_id: int | None = None
    """The test attempt this answer belongs to (:meth:`ProgressStore.start_attempt`); None outside tests."""
    seconds: float | None = None
    """Seconds from when the question was shown until this answer was confirmed (time spent on the quiz's
    other questions meanwhile not counted); None when not measured (answers recorded before schema
    version 4, predictions in the walkthrough)."""

    def to_json(self) -> dict[str, Any]:
        # written out: "seconds" comes before "at" in the published JSON, unlike the fields
        return {
            "question_id": self.question_id,
            "mode": self.mode,
            "chosen": list(self.chosen),
            "correct": self.correct,
            "hints_used": self.hints_used,
            "seconds": self.seconds,
            "at": self.at,
        }


@dataclass(frozen=True, slots=True)
class TestRecord:
    """One recorded test result (``score`` is the percentage 0–100)."""

    lesson_id: str
    correct: int
    total: int
    score: float
    at: float
    attempt_id: int | None = None
    """The attempt this result finished (None for results recorded before schema version 2)."""

    __test__ = False  # not a pytest test class

    def to_json(self) -> dict[str, Any]:
        return _json_of(self, "lesson_id", "attempt_id")


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """One test attempt as it was started: enough to replay it (the seed orders the choices).

    ``number`` counts a lesson's attempts from 1; ``questions`` are the ids in the order asked.
    """

    id: int
    lesson_id: str
    number: int
    seed: int
    questions: tuple[str, ...]
    at: float

    def to_json(self) -> dict[str, Any]:
        return _json_of(self, "id", "lesson_id")


@dataclass(frozen=True, slots=True)
class ChallengeRecord:
    """One finished challenge run: solved or not, the learner's events (``par`` as it was then), the
    hints taken and the stars earned (0 when not solved)."""

    lesson_id: str
    challenge_id: str
    solved: bool
    events: int
    par: int
    hints_used: int
    stars: int
    at: float

    def to_json(self) -> dict[str, Any]:
        return _json_of(self, "lesson_id")


@dataclass(frozen=True, slots=True)
class CardRecord:
    """A review card: one question to see again, with its FSRS scheduling state (``tutor/review.py`` owns the
    rules; this is only what is stored). Times are Unix seconds; ``id`` is None for a card not yet saved."""

    id: int | None
    lesson_id: str
    question_id: str
    state: int
    """FSRS ``State``: 1 learning, 2 review, 3 relearning."""
    step: int | None
    stability: float | None
    difficulty: float | None
    due: float
    last_review: float | None
    created: float

    def to_json(self) -> dict[str, Any]:
        return _json_of(self, "id")


@dataclass(frozen=True, slots=True)
class ReviewLogRecord:
    """One rating given to a card: ``rating`` is FSRS's 1 Again, 2 Hard, 3 Good, 4 Easy; ``mode`` is where
    the answer was given (``review``, or the quiz mode whose answer made or moved the card);
    ``answer_id`` is the answer's row in ``answers``."""

    card_id: int
    rating: int
    at: float
    duration_ms: int | None
    mode: str
    answer_id: int | None = None


@dataclass(frozen=True, slots=True)
class CardChange:
    """What a scheduling rule decided for one answer: the card as it is now (``id`` None: a new card)
    and the log of the rating (its ``card_id`` is filled in when the card is saved)."""

    card: CardRecord
    rating: int
    at: float
    duration_ms: int | None
    mode: str
    answer_id: int | None


def best_runs(records: list[ChallengeRecord]) -> dict[tuple[str, str], ChallengeRecord]:
    """The best run of each (lesson, challenge): solved first, then the most stars, the fewest events,
    the fewest hints, the earliest."""
    best: dict[tuple[str, str], ChallengeRecord] = {}
    for r in records:
        key = (r.lesson_id, r.challenge_id)
        old = best.get(key)
        if old is None or _rank(r) < _rank(old):
            best[key] = r
    return best


def _rank(r: ChallengeRecord) -> tuple[int, int, int, int]:
    return (0 if r.solved else 1, -r.stars, r.events, r.hints_used)


# ---------------------------------------------------------------------------------------------------
# reading back: every stored value checked like input from a file (the file may come from anywhere)


class BadRow(ValueError):
    """A stored row holds a value this version never writes; ``str(error)`` names the column and why."""


#: Times are Unix seconds from 1970 up to the year 3000 (later ones are not ours, and a date near 9999
#: overflows ``datetime`` once FSRS adds an interval).
MAX_TIME = 32_503_680_000.0
_MAX_INT = 2**31 - 1
_MAX_TEXT = 10_000
_MAX_CHOICES = 1_000


def _kind(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bytes):
        return "a blob"
    if isinstance(value, float):
        return "a real number"
    return "an integer"


def _int(name: str, value: object, low: int = 0, high: int = _MAX_INT) -> int:
    if type(value) is not int:
        raise BadRow(f"{name} is {_kind(value)}, not an integer")
    if not low <= value <= high:
        raise BadRow(f"{name} {value} is out of range ({low} to {high})")
    return value


def _int_or_none(name: str, value: object, low: int = 0, high: int = _MAX_INT) -> int | None:
    return None if value is None else _int(name, value, low, high)


def _real(name: str, value: object, low: float, high: float) -> float:
    if type(value) not in (int, float):
        raise BadRow(f"{name} is {_kind(value)}, not a number")
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number) or not low <= number <= high:
        raise BadRow(f"{name} {number:g} is out of range ({low:g} to {high:g})")
    return number


def _real_or_none(name: str, value: object, low: float, high: float) -> float | None:
    return None if value is None else _real(name, value, low, high)


def _time(name: str, value: object) -> float:
    return _real(name, value, 0.0, MAX_TIME)


def _flag(name: str, value: object) -> bool:
    return bool(_int(name, value, 0, 1))


def _text(name: str, value: object) -> str:
    if type(value) is not str:
        raise BadRow(f"{name} is {_kind(value)}, not text")
    if not value or len(value) > _MAX_TEXT:
        raise BadRow(f"{name} is {'empty' if not value else 'too long'}")
    return value


def _json_list(name: str, value: object, item: type) -> list[Any]:
    if type(value) is not str:
        raise BadRow(f"{name} is {_kind(value)}, not a JSON list")
    try:
        found = json.loads(value)
    except ValueError:  # JSONDecodeError, and numbers too long to convert
        raise BadRow(f"{name} is not JSON") from None
    if type(found) is not list or len(found) > _MAX_CHOICES or any(type(x) is not item for x in found):
        raise BadRow(f"{name} is not a list of {'choice numbers' if item is int else 'ids'}")
    return found


def _answer(row: tuple[Any, ...]) -> AnswerRecord:
    lid, qid, mode, chosen, correct, hints, at, attempt, seconds = row
    picks = _json_list("chosen", chosen, int)
    if any(not 0 <= i < _MAX_CHOICES for i in picks):
        raise BadRow("chosen holds a choice number out of range")
    return AnswerRecord(
        _text("lesson_id", lid),
        _text("question_id", qid),
        _text("mode", mode),
        tuple(picks),
        _flag("correct", correct),
        _int("hints_used", hints),
        _time("at", at),
        _int_or_none("attempt_id", attempt, 1, 2**63 - 1),
        _real_or_none("seconds", seconds, 0.0, MAX_TIME),
    )


def _test(row: tuple[Any, ...]) -> TestRecord:
    lid, correct, total, score, at, attempt = row
    total = _int("total", total)
    correct = _int("correct", correct, 0, total)
    return TestRecord(
        _text("lesson_id", lid),
        correct,
        total,
        _real("score", score, 0.0, 100.0),
        _time("at", at),
        _int_or_none("attempt_id", attempt, 1, 2**63 - 1),
    )


def _attempt(row: tuple[Any, ...]) -> AttemptRecord:
    rowid, lid, number, seed, questions, at = row
    return AttemptRecord(
        _int("id", rowid, 1, 2**63 - 1),
        _text("lesson_id", lid),
        _int("number", number, 1),
        _int("seed", seed, 0, 2**63 - 1),
        tuple(_json_list("questions", questions, str)),
        _time("at", at),
    )


def _challenge(row: tuple[Any, ...]) -> ChallengeRecord:
    lid, cid, solved, events, par, hints, stars, at = row
    won = _flag("solved", solved)
    stars = _int("stars", stars, 0, 3)
    if (stars > 0) != won:
        raise BadRow(f"{stars} stars for a {'solved' if won else 'failed'} run")
    return ChallengeRecord(
        _text("lesson_id", lid),
        _text("challenge_id", cid),
        won,
        _int("events", events),
        _int("par", par, 1),
        _int("hints_used", hints),
        stars,
        _time("at", at),
    )


def _card(row: tuple[Any, ...]) -> CardRecord:
    cid, lid, qid, state, step, stability, difficulty, due, last, created = row
    state = _int("state", state, 1, 3)
    step = _int_or_none("step", step, 0, 100)
    stability = _real_or_none("stability", stability, 1e-6, 1e7)
    difficulty = _real_or_none("difficulty", difficulty, 1.0, 10.0)
    if (stability is None) != (difficulty is None) or (state != 1 and stability is None):
        raise BadRow(f"stability and difficulty do not fit state {state}")
    if (state == 2) != (step is None):
        raise BadRow(f"step does not fit state {state}")
    return CardRecord(
        _int("id", cid, 1, 2**63 - 1),
        _text("lesson_id", lid),
        _text("question_id", qid),
        state,
        step,
        stability,
        difficulty,
        _time("due", due),
        None if last is None else _time("last_review", last),
        _time("created", created),
    )


def _review_log(row: tuple[Any, ...]) -> ReviewLogRecord:
    cid, rating, at, ms, mode, aid = row
    return ReviewLogRecord(
        _int("card_id", cid, 1, 2**63 - 1),
        _int("rating", rating, 1, 4),
        _time("at", at),
        _int_or_none("duration_ms", ms, 0, 2**53),
        _text("mode", mode),
        _int_or_none("answer_id", aid, 1, 2**63 - 1),
    )


def _step(row: tuple[Any, ...]) -> tuple[str, int]:
    lid, reached, at = row
    _time("at", at)
    return _text("lesson_id", lid), _int("steps_reached", reached)
