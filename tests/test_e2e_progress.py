"""End to end: answer in practice and test mode with Pilot, then read everything back from the store.

The quiz writes through a ProgressStore opened from TUTOR_HOME (as the app does); the checks open a
second, independent store on the same TUTOR_HOME afterwards.
"""

from __future__ import annotations

import pytest

from quiz_host import QuizHost, load_quiz_lesson, sync
from tutor.lesson import grading
from tutor.progress import ProgressStore, default_path


@pytest.fixture(autouse=True)
def _tutor_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "home"))


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
                order = view._orders[position]
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
