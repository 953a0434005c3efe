"""Issue 19: the course's visual questions must not give their answers away.

A visual (trace) question shows the execution table and the tracker up to its context row
(:func:`tutor.lesson.quiz_session.context_step`) and highlights that row. When the answer is a value
the table or the tracker prints, that row must not be the answer's row (the answer would sit in the
highlighted row), and the prompt must not point at a row: pointers belong to the hint ladder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tutor.lesson import catalog, grading
from tutor.lesson.loader import load_lesson_cached
from tutor.lesson.model import Lesson, Question
from tutor.lesson.quiz_session import context_step

POINTER = re.compile(r"\brows? \d+|\bread it off\b", re.IGNORECASE)


def lessons() -> list[Lesson]:
    return [load_lesson_cached(e.path).lesson for e in catalog.entries()]


def visual(lesson: Lesson) -> list[Question]:
    return grading.visual_questions(lesson)


def shown_fields(lesson: Lesson) -> set[str]:
    """What the table and the tracker print: the table's columns and the tracked variables."""
    return {c.field for c in lesson.table.columns} | {t.variable for t in lesson.tracker}


COURSE = lessons()
#: The quiz tests' own lesson (tests/fixtures/quiz_lesson.yaml) follows the same rules: its visual
#: questions are the ones the quiz snapshots show.
FIXTURE = load_lesson_cached(Path(__file__).parent / "fixtures" / "quiz_lesson.yaml").lesson
CHECKED = [*COURSE, FIXTURE]


def test_the_course_has_visual_questions_in_every_lesson() -> None:
    assert len(COURSE) >= 8
    for lesson in COURSE:
        assert visual(lesson), lesson.id


@pytest.mark.parametrize("lesson", CHECKED, ids=lambda lesson: lesson.id)
def test_the_highlighted_row_does_not_hold_the_answer(lesson: Lesson) -> None:
    fields = shown_fields(lesson)
    given_away = [
        q.id
        for q in visual(lesson)
        if q.answer is not None and q.answer.field in fields and context_step(q) == int(q.answer.step)
    ]
    assert given_away == [], f"{lesson.id}: the highlighted row shows the answer of {given_away}"


@pytest.mark.parametrize("lesson", CHECKED, ids=lambda lesson: lesson.id)
def test_the_context_row_comes_before_the_answer(lesson: Lesson) -> None:
    """The trace is shown up to the context row: an answer row after it is reasoned about, not read."""
    for q in visual(lesson):
        assert q.answer is not None
        step = context_step(q)
        assert step is not None and 1 <= step <= int(q.answer.step), q.id


@pytest.mark.parametrize("lesson", CHECKED, ids=lambda lesson: lesson.id)
def test_prompts_do_not_point_at_rows(lesson: Lesson) -> None:
    pointing = [q.id for q in visual(lesson) if POINTER.search(q.prompt)]
    assert pointing == [], f"{lesson.id}: prompts that point at a row: {pointing}"


@pytest.mark.parametrize("lesson", CHECKED, ids=lambda lesson: lesson.id)
def test_the_first_hint_is_the_pointer(lesson: Lesson) -> None:
    """Where to look moved from the prompt to the hint ladder: a visual question has a hint."""
    assert [q.id for q in visual(lesson) if not q.hints] == []


def test_the_pointer_pattern_catches_the_old_wording() -> None:
    assert POINTER.search("Read it off row 2 of the table.")
    assert POINTER.search("What does row 3 say?")
    assert not POINTER.search("The browser stored the cookie at step 2. Which ID does it send next?")
    assert not POINTER.search("Alice's logout deletes the session row at step 8.")
