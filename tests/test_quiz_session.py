"""QuizSession's rules without a terminal (tutor/lesson/quiz_session.py)."""

from __future__ import annotations

import pytest
from quiz_host import load_quiz_lesson

from tutor.lesson import grading
from tutor.lesson.quiz_session import PRACTICE_TRIES, TEST_LENGTH, QuizSession, context_step

LOADED = load_quiz_lesson()
LESSON = LOADED.lesson


def right_and_wrong(session: QuizSession) -> tuple[int, int]:
    """Screen positions (1-based) of a right and a wrong choice of the current question."""
    q = session.question
    assert q is not None
    right = next(p for p, i in enumerate(session.order, 1) if q.choices[i].correct)
    wrong = next(p for p, i in enumerate(session.order, 1) if not q.choices[i].correct)
    return right, wrong


def single_practice(session: QuizSession) -> None:
    while session.question is not None and session.question.multiple:
        session.go(session.index + 1, 0.0)


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown quiz mode"):
        QuizSession(LESSON, "exam")  # type: ignore[arg-type]


def test_questions_per_mode() -> None:
    assert QuizSession(LESSON, "visual").questions == grading.visual_questions(LESSON)
    assert QuizSession(LESSON, "practice").questions == grading.practice_questions(LESSON)
    test = QuizSession(LESSON, "test", seed=5)
    assert test.questions == grading.test_questions(LESSON, 5, count=TEST_LENGTH)
    one = LESSON.questions[:1]
    assert QuizSession(LESSON, "review", questions=one).questions == one


def test_choice_order_is_seeded_and_file_order_without_shuffle() -> None:
    a, b = QuizSession(LESSON, "practice", seed=3), QuizSession(LESSON, "practice", seed=3)
    assert a.orders == b.orders == [grading.choice_order(q, 3) for q in a.questions]
    assert QuizSession(LESSON, "practice", seed=4).orders != a.orders
    plain = QuizSession(LESSON, "practice", shuffle=False)
    assert plain.orders == [list(range(len(q.choices))) for q in plain.questions]
    # a test always shuffles
    assert QuizSession(LESSON, "test", seed=3, shuffle=False).orders != [
        list(range(len(q.choices))) for q in QuizSession(LESSON, "test", seed=3).questions
    ]


def test_test_seeds_follow_attempts() -> None:
    assert QuizSession(LESSON, "test").seed == grading.attempt_seed(LESSON.id, 1)
    recorded = QuizSession(LESSON, "test", recorded_attempts=4)
    assert (recorded.attempt_number, recorded.seed) == (5, grading.attempt_seed(LESSON.id, 5))
    given = QuizSession(LESSON, "test", seed=10)
    given.finish()
    given.retake()
    assert (given.seed, given.attempt_number, given.finished) == (11, 2, False)


def test_a_retake_prefers_questions_not_right_just_now() -> None:
    s = QuizSession(LESSON, "test", seed=1)
    right = set()
    while not s.finished:
        pos, _ = right_and_wrong(s)
        q = s.question
        assert q is not None
        if not q.multiple:
            s.choose(pos)
            right.add(q.id)
        else:
            for p, i in enumerate(s.order, 1):
                if q.choices[i].correct:
                    s.choose(p)
            right.add(q.id)
        s.submit(0.0)
    s.retake()
    assert s.right_last_time == frozenset(right)
    assert s.questions == grading.test_questions(LESSON, 2, count=TEST_LENGTH, right_last_time=right)


def test_practice_allows_one_more_try_then_reveals() -> None:
    s = QuizSession(LESSON, "practice", seed=0)
    single_practice(s)
    right, wrong = right_and_wrong(s)
    assert not s.allows("submit")  # nothing chosen yet
    assert s.choose(wrong)
    first = s.submit(1.0)
    assert first is not None and not first.correct and not first.finished
    st = s.state
    assert st is not None and st.tries == 1 and not st.revealed
    assert s.can_retry() and s.allows("retry") and not s.allows("choose", 1)
    assert s.retry() and st.chosen == set() and not st.submitted
    s.choose(right)
    second = s.submit(2.0)
    assert second is not None and second.correct and st.tries == PRACTICE_TRIES and st.revealed
    assert not s.allows("retry") and not s.retry()


def test_practice_reveal_ends_the_question() -> None:
    s = QuizSession(LESSON, "practice", seed=0)
    single_practice(s)
    _, wrong = right_and_wrong(s)
    s.choose(wrong)
    s.submit(0.0)
    assert s.reveal()
    st = s.state
    assert st is not None and st.revealed and not s.can_retry()


def test_visual_answers_are_revealed_at_once() -> None:
    s = QuizSession(LESSON, "visual")
    _, wrong = right_and_wrong(s)
    s.choose(wrong)
    s.submit(0.0)
    st, q = s.state, s.question
    assert st is not None and q is not None and st.revealed and not s.can_retry()
    assert s.trace_step(q) == context_step(q) is not None


def test_a_test_moves_on_reveals_nothing_and_finishes() -> None:
    s = QuizSession(LESSON, "test", seed=2)
    assert not s.shows_links() and not s.allows("see_step") and s.trace_step(s.questions[0]) is None
    _, wrong = right_and_wrong(s)
    s.choose(wrong)
    done = s.submit(0.0)
    assert done is not None and not done.finished
    assert s.index == 1 and not s.states[0].revealed and s.answered == 1
    assert s.allows("finish") and not s.allows("retake")
    score = s.finish()
    assert s.finished and s.result == score and score.correct == 0 and score.total == len(s.questions)
    assert s.allows("retake") and not s.allows("next") and not s.allows("choose", 1)


def test_hints_one_at_a_time_and_not_after_the_answer() -> None:
    s = QuizSession(LESSON, "practice")
    while s.question is not None and (len(s.question.hints) < 1 or s.question.multiple):
        s.go(s.index + 1, 0.0)
    q = s.question
    assert q is not None
    for _ in q.hints:
        assert s.hint()
    assert not s.hint() and s.state is not None and s.state.hints == len(q.hints)
    s.choose(1)
    s.submit(0.0)
    assert not s.allows("hint")


def test_seconds_on_screen_add_up_over_visits() -> None:
    s = QuizSession(LESSON, "practice", shuffle=False)
    single_practice(s)
    here = s.index
    s.shown(10.0)
    s.go(here + 1, 14.0)  # 4 s on it, then away
    s.shown(14.0)
    s.go(here, 20.0)
    s.shown(30.0)  # back for 2.5 s
    s.choose(1)
    done = s.submit(32.5)
    assert done is not None and done.seconds == 6.5
    with pytest.raises(IndexError):
        s.go(len(s.questions), 0.0)


def test_multiple_choice_toggles() -> None:
    s = QuizSession(LESSON, "practice", shuffle=False)
    while s.question is not None and not s.question.multiple:
        s.go(s.index + 1, 0.0)
    st = s.state
    assert st is not None
    s.choose(1)
    s.choose(2)
    s.choose(1)
    assert st.chosen == {1}


def test_a_trace_questions_context_row_is_the_last_of_its_steps() -> None:
    """Issue 19: the row shown and highlighted is the one the question starts from, not its answer's."""
    from msgspec.structs import replace

    q = next(q for q in LESSON.questions if q.answer is not None)
    assert q.answer is not None
    later = replace(q, steps=[1, 2], answer=replace(q.answer, step=4))
    assert context_step(later) == 2
    assert QuizSession(LESSON, "visual", questions=[later]).trace_step(later) == 2
    assert QuizSession(LESSON, "review", questions=[later]).trace_step(later) == 2
    assert QuizSession(LESSON, "practice", questions=[later]).trace_step(later) is None
    bare = replace(q, steps=[], answer=replace(q.answer, step=3))  # a lesson without steps: the answer's row
    assert context_step(bare) == 3
