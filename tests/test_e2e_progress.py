"""End to end: answer in practice and test mode with Pilot, then read everything back from the store.

The quiz writes through a ProgressStore opened from TUTOR_HOME (as the app does); the checks open a
second, independent store on the same TUTOR_HOME afterwards.
"""

from __future__ import annotations

import pytest
from quiz_host import QuizHost, load_quiz_lesson, sync

from tutor.lesson import grading
from tutor.progress import ProgressStore, default_path

pytestmark = pytest.mark.usefixtures("home")  # a TUTOR_HOME of each test's own (tests/conftest.py)


@sync
async def test_practice_and_test_answers_and_the_score_are_read_back(tmp_path):
    loaded = load_quiz_lesson()
    lesson_id = loaded.lesson.id

    # practice: the first question right after two hints, the second wrong, the third right
    store = ProgressStore.open()
    try:
        app = QuizHost("practice", store=store, loaded=loaded)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("h", "h", "a", "enter")
            await pilot.press("n", "c", "enter")
            await pilot.press("n", "1", "enter")
        # test: every question answered with the keys; the first one wrong, one hint on the last
        app = QuizHost("test", store=store, seed=5, loaded=loaded)
        async with app.run_test(size=(80, 24)) as pilot:
            view = app.query_one("#quiz")
            expected_test = []
            for position, q in enumerate(view.questions):
                order = view.session.orders[position]
                right = sorted(grading.correct_indexes(q))
                picks = right if position else [next(i for i in range(len(q.choices)) if i not in right)]
                hints = 1 if position == len(view.questions) - 1 and q.hints else 0
                await pilot.press(*(["h"] * hints), *(str(order.index(i) + 1) for i in picks), "enter")
                expected_test.append((q.id, "test", tuple(sorted(picks)), position != 0, hints))
            assert view.finished
    finally:
        store.close()

    assert default_path() == tmp_path / "home" / "progress.sqlite3"
    with ProgressStore.open() as again:
        answers = again.answers(lesson_id)
        got = [(a.question_id, a.mode, a.chosen, a.correct, a.hints_used) for a in answers]
        assert got[:3] == [
            ("cookie-holds", "practice", (0,), True, 2),
            ("http-only", "practice", (2,), False, 0),
            ("await-cookies", "practice", (0,), True, 0),
        ]
        assert got[3:] == expected_test
        hints_on_last = expected_test[-1][4]
        score = grading.score_test(
            grading.TestAnswer(question_id=qid, correct=ok, hints_used=h) for qid, _, _, ok, h in expected_test
        )
        [test] = again.tests(lesson_id)
        assert (test.correct, test.total) == (9, 10)
        assert test.score == score.percentage == (90.0 - 25.0 * hints_on_last / 10)
        summary = again.lesson_summary(lesson_id)
        assert summary.best_score == test.score
        assert summary.answered == len({a.question_id for a in answers})


@sync
async def test_the_app_gives_each_test_attempt_its_own_seed_and_retakes_prefer_new_questions(tmp_path):
    """Issue 11, as a learner meets it: two runs of `tutor open LESSON --mode test` on the same progress."""
    from quiz_host import QUIZ_LESSON
    from ui_support import make_app

    loaded = load_quiz_lesson()
    lesson_id = loaded.lesson.id
    runs = []
    for run in (1, 2):
        app = make_app(lesson=QUIZ_LESSON, mode="test")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            view = app.screen.query_one("#quiz-test")
            assert view.seed == grading.attempt_seed(lesson_id, run)
            assert f"attempt {run}" in str(view.query_one("#quiz-header").render())
            for position, q in enumerate(view.questions[:5]):  # five answered right, then finish early
                order = view.session.orders[position]
                await pilot.press(*(str(order.index(i) + 1) for i in sorted(grading.correct_indexes(q))), "enter")
            await pilot.press("f", "y")
            assert view.finished
            runs.append((view.seed, [q.id for q in view.questions]))
    assert runs[0][0] != runs[1][0]
    right_first = set(runs[0][1][:5])
    # the second attempt asks the questions not answered right the first time first, within each difficulty
    second = set(runs[1][1])
    for difficulty in grading.DIFFICULTIES:
        pool = {q.id for q in grading.practice_questions(loaded.lesson) if q.difficulty == difficulty}
        if pool & right_first & second:
            assert pool - right_first <= second
    assert second - right_first  # and it does ask others
    with ProgressStore.open() as again:
        attempts = again.attempts(lesson_id)
        assert [(a.number, a.seed, list(a.questions)) for a in attempts] == [(1, *runs[0]), (2, *runs[1])]
        assert [(t.correct, t.total, t.attempt_id) for t in again.tests(lesson_id)] == [
            (5, 10, attempts[0].id),
            (5, 10, attempts[1].id),
        ]
