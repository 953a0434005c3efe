"""The course order (prerequisites first, ties in catalog order) and "next up"."""

from __future__ import annotations

from pathlib import Path

from tutor.lesson import catalog
from tutor.lesson.catalog import Entry
from tutor.lesson.course import PASS_PERCENTAGE, course_order, is_done, next_up


def entry(lesson_id: str, *prerequisites: str, level: str = "beginner", problem: str | None = None) -> Entry:
    return Entry(lesson_id, lesson_id.title(), level, 5, Path(f"{lesson_id}.yaml"), problem, tuple(prerequisites))


def ids(entries) -> list[str]:
    return [e.id for e in entries]


def test_the_built_in_course_starts_with_session_lifecycle_and_respects_every_prerequisite() -> None:
    """Issue 11: the "start here" lesson was second in the picker (cookie-attributes first)."""
    entries = catalog.entries()
    assert entries[0].id == "cookie-attributes"  # the catalog sorts by level, then title
    ordered = course_order(entries)
    assert ordered[0].id == "session-lifecycle"
    assert sorted(ids(ordered)) == sorted(ids(entries))
    place = {e.id: n for n, e in enumerate(ordered)}
    for e in ordered:
        assert e.prerequisites is not None
        for prerequisite in e.prerequisites:
            assert place[prerequisite] < place[e.id], (prerequisite, e.id)
    assert ids(ordered) == [
        "session-lifecycle",
        "cookie-attributes",
        "jwt-vs-database",
        "login-and-rotation",
        "protecting-pages",
        "sealed-cookies",
        "expiry",
        "session-attacks",
        "sign-out-everywhere",
        "side-by-side",
    ]


def test_prerequisites_are_read_from_the_lesson_files() -> None:
    by_id = {e.id: e for e in catalog.entries()}
    assert by_id["session-lifecycle"].prerequisites == ()
    assert by_id["login-and-rotation"].prerequisites == ("session-lifecycle", "cookie-attributes")


def test_ties_keep_the_catalog_order_and_the_result_is_stable() -> None:
    entries = [entry("a", "c"), entry("b"), entry("c"), entry("d", "b")]
    assert ids(course_order(entries)) == ["b", "c", "a", "d"]
    assert ids(course_order(entries)) == ids(course_order(list(entries)))


def test_unknown_prerequisites_cycles_and_invalid_lessons() -> None:
    entries = [
        entry("broken", problem="line 1: bad"),
        entry("x", "y"),
        entry("y", "x"),
        entry("solo", "not-listed"),
        entry("self", "self"),
    ]
    # a prerequisite that is not listed is ignored; a lesson naming itself too; a cycle comes last
    assert ids(course_order(entries)) == ["solo", "self", "x", "y", "broken"]


def test_next_up_is_the_first_lesson_not_passed() -> None:
    ordered = course_order([entry("b", "a"), entry("a"), entry("c", "b"), entry("bad", problem="x")])
    scores: dict[str, float] = {}
    assert next_up(ordered, scores.get) == "a"
    scores["a"] = PASS_PERCENTAGE - 1  # taken, not passed: still next
    assert next_up(ordered, scores.get) == "a"
    scores["a"] = PASS_PERCENTAGE
    assert next_up(ordered, scores.get) == "b"
    scores["c"] = 100.0  # done out of order: b is still the next to take
    assert next_up(ordered, scores.get) == "b"
    scores["b"] = 90.0
    assert next_up(ordered, scores.get) is None
    assert not is_done(None) and is_done(70.0) and not is_done(69.99)


def test_next_up_and_the_xapi_export_agree_on_what_passing_is() -> None:
    from tutor.lesson.xapi import PASS_PERCENT

    assert PASS_PERCENTAGE == PASS_PERCENT
