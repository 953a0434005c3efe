"""Grading: which questions a mode asks, whether an answer is right, and how a test is scored.

Pure Python (layer 2). The app and `tutor progress` both score tests through :func:`score_test`, so
they always agree. Everything here is deterministic for the same input: shuffles and selections are
seeded from a stable hash (SHA-256), never Python's per-process randomised ``hash()``.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from tutor.lesson.model import Lesson, Question

#: Difficulties in the order a test asks them.
DIFFICULTIES: tuple[str, ...] = ("easy", "medium", "hard")
#: What one hint costs, as a fraction of the question's single point.
HINT_COST: float = 0.25
#: Letters that name choices on screen and in keys (a question has at most six choices).
LETTERS: str = "abcdef"


# ---------------------------------------------------------------------------------------------------
# letters


def choice_letter(index: int) -> str:
    """``0 -> "a"`` ... ``5 -> "f"``."""
    if not 0 <= index < len(LETTERS):
        raise ValueError(f"choice index {index} is out of range 0..{len(LETTERS) - 1}")
    return LETTERS[index]


def letter_index(letter: str) -> int:
    """``"a" -> 0`` ... ``"f" -> 5`` (case-insensitive)."""
    key = letter.strip().lower()
    if len(key) != 1 or key not in LETTERS:
        raise ValueError(f"{letter!r} is not a choice letter a..f")
    return LETTERS.index(key)


# ---------------------------------------------------------------------------------------------------
# correctness


def correct_indexes(question: Question) -> frozenset[int]:
    """Indexes (file order) of the choices marked correct."""
    return frozenset(i for i, choice in enumerate(question.choices) if choice.correct)


def is_correct(question: Question, chosen: Iterable[int]) -> bool:
    """Is this selection right?

    Indexes are into ``question.choices`` in file order (not the shuffled display order).
    Single-answer: exactly one choice, and it is a correct one. Multiple: exactly the set of correct ones.
    """
    picked = frozenset(chosen)
    right = correct_indexes(question)
    if not right:
        return False
    if question.multiple:
        return picked == right
    return len(picked) == 1 and picked <= right


# ---------------------------------------------------------------------------------------------------
# seeded randomness


def stable_seed(*parts: object) -> int:
    """A 64-bit seed from the parts' text, identical in every process and on every machine."""
    text = "\x1f".join(str(p) for p in parts)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def choice_order(question: Question, seed: int) -> list[int]:
    """The order to display the choices in: a deterministic shuffle of their indexes."""
    order = list(range(len(question.choices)))
    random.Random(stable_seed("choices", seed, question.id)).shuffle(order)
    return order


# ---------------------------------------------------------------------------------------------------
# question sets


def is_predict(question: Question) -> bool:
    return question.predict is not None


def is_trace(question: Question) -> bool:
    return question.answer is not None and question.predict is None


def visual_questions(lesson: Lesson) -> list[Question]:
    """Trace questions (they carry ``answer:``, and are not predict questions), in file order."""
    return [q for q in lesson.questions if is_trace(q)]


def practice_questions(lesson: Lesson) -> list[Question]:
    """Every question that is not a predict question, in file order."""
    return [q for q in lesson.questions if not is_predict(q)]


def predict_questions(lesson: Lesson) -> dict[int, Question]:
    """Predict questions keyed by the step they are asked before, in step order.

    Two predict questions for the same step are a lesson error (the loader reports it); here the
    first in file order wins.
    """
    found: dict[int, Question] = {}
    for q in lesson.questions:
        # a loaded lesson's predict is a step number (the loader resolved marks, or reported them)
        if isinstance(q.predict, int) and q.predict not in found:
            found[q.predict] = q
    return dict(sorted(found.items()))


def _quotas(available: Sequence[int], count: int) -> list[int]:
    """Share ``count`` among buckets as evenly as their sizes allow (round-robin, easy first)."""
    quotas = [0] * len(available)
    remaining = min(count, sum(available))
    while remaining > 0:
        for i, size in enumerate(available):
            if remaining and quotas[i] < size:
                quotas[i] += 1
                remaining -= 1
    return quotas


def test_questions(
    lesson: Lesson, seed: int, count: int = 10, *, right_last_time: Collection[str] = ()
) -> list[Question]:
    """A deterministic draw of ``count`` non-predict questions for a test attempt, in a shuffled order.

    The draw is spread across easy, medium and hard as evenly as the lesson allows. Within each difficulty
    the questions in ``right_last_time`` (answered right in the previous attempt) are drawn only when the
    others (not asked last time, missed, or skipped) run out, so a retake asks other questions first.
    The questions drawn are then shuffled; every question is asked when the lesson has ``count`` or fewer.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    known = frozenset(right_last_time)
    pool = practice_questions(lesson)
    buckets = [[q for q in pool if q.difficulty == d] for d in DIFFICULTIES]
    quotas = _quotas([len(b) for b in buckets], count)
    rng = random.Random(stable_seed("test", seed, lesson.id))
    chosen: list[Question] = []
    for bucket, quota in zip(buckets, quotas, strict=False):
        fresh = [q for q in bucket if q.id not in known]
        again = [q for q in bucket if q.id in known]
        rng.shuffle(fresh)
        rng.shuffle(again)
        chosen.extend((fresh + again)[:quota])
    rng.shuffle(chosen)
    return chosen


def attempt_seed(lesson_id: str, attempt: int) -> int:
    """The seed of a lesson's ``attempt``-th test (1, 2, ...): six digits, the same on every machine.

    Recorded with the attempt in the progress store, so its questions and choice order can be replayed.
    """
    if attempt < 1:
        raise ValueError("attempts are numbered from 1")
    return stable_seed("attempt", lesson_id, attempt) % 1_000_000


# ---------------------------------------------------------------------------------------------------
# scoring


@dataclass(frozen=True, slots=True)
class TestAnswer:
    """One answered test question."""

    question_id: str
    correct: bool
    hints_used: int = 0

    __test__ = False  # not a pytest test class


@dataclass(frozen=True, slots=True)
class TestScore:
    """The result of a test: ``percentage`` is what the progress store keeps as the score."""

    correct: int
    points: float
    total: int
    percentage: float

    __test__ = False  # not a pytest test class

    def describe(self) -> str:
        """``7/10 correct, 6.5 of 10 points (65%)``."""
        return f"{self.correct}/{self.total} correct, {format_points(self.points)} of {self.total} points ({format_percentage(self.percentage)})"


def question_points(correct: bool, hints_used: int) -> float:
    """1 point for a right answer, less 0.25 per hint used, never below 0; a wrong answer is 0."""
    if hints_used < 0:
        raise ValueError("hints_used must not be negative")
    if not correct:
        return 0.0
    return max(0.0, 1.0 - HINT_COST * hints_used)


def score_test(answers: Iterable[TestAnswer]) -> TestScore:
    """Score a test: one point per question, hints cost a quarter point each."""
    items = list(answers)
    total = len(items)
    points = sum(question_points(a.correct, a.hints_used) for a in items)
    correct = sum(1 for a in items if a.correct)
    percentage = round(points * 100.0 / total, 2) if total else 0.0
    return TestScore(correct=correct, points=points, total=total, percentage=percentage)


def format_points(points: float) -> str:
    """``6.5`` / ``7`` (quarters print exactly: ``6.75``)."""
    return f"{points:g}"


def format_percentage(percentage: float) -> str:
    """``65%`` / ``62.5%``."""
    return f"{round(percentage, 1):g}%"


__all__ = [
    "DIFFICULTIES",
    "HINT_COST",
    "LETTERS",
    "TestAnswer",
    "TestScore",
    "attempt_seed",
    "choice_letter",
    "choice_order",
    "correct_indexes",
    "format_percentage",
    "format_points",
    "is_correct",
    "is_predict",
    "is_trace",
    "letter_index",
    "practice_questions",
    "predict_questions",
    "question_points",
    "score_test",
    "stable_seed",
    "test_questions",
    "visual_questions",
]

# `from tutor.lesson.grading import test_questions` in a test module must not make pytest collect it.
test_questions.__test__ = False  # type: ignore[attr-defined]
