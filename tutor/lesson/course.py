"""The course: the order to take the lessons in, and which one is next for a learner.

Pure Python (layer 2), used by the picker. The order follows each lesson's ``prerequisites:`` (a lesson
comes after every lesson it names), and lessons that are free to come next keep the catalog's order
(level, then title, then id): a topological order that is the same on every machine. Prerequisites that
name no listed lesson are ignored; lessons caught in a cycle of prerequisites, and lessons that do not
load, come last in catalog order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from tutor.lesson.catalog import Entry

#: The test percentage from which a lesson counts as done (the next lesson becomes "next up"), and from
#: which the xAPI export says ``passed`` (`tutor.lesson.xapi.PASS_PERCENT` is this value).
PASS_PERCENTAGE = 70.0

E = TypeVar("E", bound=Entry)


def course_order(entries: Sequence[E]) -> list[E]:
    """``entries`` (in catalog order) reordered so every lesson follows its prerequisites."""
    valid = [e for e in entries if e.valid]
    known = {e.id for e in valid}
    waiting = {e.id: {p for p in e.prerequisites if p in known and p != e.id} for e in valid}
    placed: set[str] = set()
    ordered: list[E] = []
    remaining = list(valid)
    while remaining:
        ready = next((e for e in remaining if waiting[e.id] <= placed), None)
        if ready is None:  # a cycle: what is left keeps the catalog order
            ordered.extend(remaining)
            break
        ordered.append(ready)
        placed.add(ready.id)
        remaining.remove(ready)
    return ordered + [e for e in entries if not e.valid]


def is_done(best_score: float | None) -> bool:
    """A lesson is done once its test was passed (a best score of :data:`PASS_PERCENTAGE` or more)."""
    return best_score is not None and best_score >= PASS_PERCENTAGE


def next_up(ordered: Sequence[Entry], best_score: Callable[[str], float | None]) -> str | None:
    """The id of the first valid lesson in course order that is not done, or None when all are."""
    for entry in ordered:
        if entry.valid and not is_done(best_score(entry.id)):
            return entry.id
    return None


__all__ = ["PASS_PERCENTAGE", "course_order", "is_done", "next_up"]
