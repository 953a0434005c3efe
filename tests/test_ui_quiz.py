"""Pilot tests of QuizView: every key of the visual quiz, practice and test modes."""

from __future__ import annotations

import pytest
from quiz_host import QuizHost, active_keys, load_quiz_lesson, sync

from tutor.lesson import grading
from tutor.progress import ProgressStore
from tutor.ui.modals.dialogs import ConfirmScreen

pytestmark = pytest.mark.usefixtures("home")  # a TUTOR_HOME of each test's own (tests/conftest.py)


@pytest.fixture(scope="module")
def loaded():
    return load_quiz_lesson()


@pytest.fixture
def store(tmp_path):
    with ProgressStore.open(tmp_path / "progress.sqlite3") as s:
        yield s


def quiz(app):
    return app.query_one("#quiz")


def text_of(app, selector: str) -> str:
    return str(app.query_one(selector).render())


async def press_to(pilot, view, question_id: str) -> None:
    target = [q.id for q in view.questions].index(question_id)
    while view.index < target:
        await pilot.press("n")
    while view.index > target:
        await pilot.press("p")
    assert view.question.id == question_id


# -- practice -----------------------------------------------------------------------------------------


@sync
async def test_practice_asks_every_normal_question_in_file_order(loaded):
    app = QuizHost("practice", loaded=loaded)
    async with app.run_test(size=(80, 24)):
        view = quiz(app)
        assert [q.id for q in view.questions] == [q.id for q in grading.practice_questions(loaded.lesson)]
        assert all(q.predict is None for q in view.questions)
        assert len(view.questions) >= 10
        assert "question 1 of" in text_of(app, "#quiz-header")


@sync
async def test_choose_by_number_and_by_letter(loaded):
    app = QuizHost("practice", loaded=loaded)
    async with app.run_test(size=(80, 24)) as pilot:
        view = quiz(app)
        await pilot.press("2")
        assert view.state.chosen == {1}
        assert app.query_one("#quiz-choice-1").has_class("-chosen")
        assert not app.query_one("#quiz-choice-0").has_class("-chosen")
        await pilot.press("c")  # single answer: choosing another replaces the first
        assert view.state.chosen == {2}
        await pilot.press("a")
        assert view.state.chosen == {0}
        assert "(•) a)" in text_of(app, "#quiz-choice-0")
        # keys beyond the number of choices do nothing and are not offered
        await pilot.press("5", "e")
        assert view.state.chosen == {0}


@sync
async def test_multiple_answer_toggles(loaded):
    app = QuizHost("practice", loaded=loaded)
    async with app.run_test(size=(80, 24)) as pilot:
        view = quiz(app)
        await press_to(pilot, view, "attributes")
        assert "Choose all that apply" in text_of(app, "#quiz-kind")
        await pilot.press("a", "b", "c", "d")
        assert view.state.chosen == {0, 1, 2, 3}
        await pilot.press("3")  # toggles c off again
        assert view.state.chosen == {0, 1, 3}
        assert "[x] a)" in text_of(app, "#quiz-choice-0")
        assert "[ ] c)" in text_of(app, "#quiz-choice-2")
        await pilot.press("enter")
        assert view.state.submitted and view.state.correct
        assert "Correct" in text_of(app, "#quiz-verdict")


@sync
async def test_submit_shows_verdict_feedback_solution_and_mistakes(loaded, store):
    app = QuizHost("practice", store=store, loaded=loaded)
    async with app.run_test(size=(80, 24)) as pilot:
        view = quiz(app)
        assert "enter" not in active_keys(app)  # nothing chosen yet
        assert not app.query_one("#quiz-verdict").display
        await pilot.press("b")  # cookie-holds: b is wrong
        assert "enter" in active_keys(app)
        await pilot.press("enter")
        verdict = app.query_one("#quiz-verdict")
        assert verdict.display and verdict.has_class("-wrong")
        assert "Not quite" in text_of(app, "#quiz-verdict")
        assert "The password is checked once" in text_of(app, "#quiz-feedback")
        # one more try is offered: the answer stays hidden until the learner asks for it with Enter
        assert not app.query_one("#quiz-solution").display
        assert not app.query_one("#quiz-choice-0").has_class("-correct")
        assert {"r", "enter"} <= active_keys(app)
        await pilot.press("enter")
        solution = text_of(app, "#quiz-solution")
        assert "Solution" in solution and "1. The server keeps the session row" in solution
        assert "Answer: a) Only the session ID." in solution
        assert "Common mistakes" in solution and "that is the JWT strategy" in solution
        assert app.query_one("#quiz-choice-0").has_class("-correct")
        assert app.query_one("#quiz-choice-1").has_class("-wrong")
        # a confirmed answer is locked, and choosing keys are no longer offered
        await pilot.press("a")
        assert view.state.chosen == {1}
        assert not {"1", "a", "enter", "h"} & active_keys(app)
        [record] = store.answers("quiz-lesson")
        assert (record.question_id, record.mode, record.chosen, record.correct) == (
            "cookie-holds",
            "practice",
            (1,),
            False,
        )


@sync
async def test_right_answer_is_recorded_as_correct(loaded, store):
    app = QuizHost("practice", store=store, loaded=loaded)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "enter")
        assert "Correct" in text_of(app, "#quiz-verdict")
        assert quiz(app).query_one("#quiz-verdict").has_class("-right")
        [record] = store.answers("quiz-lesson")
        assert record.correct and record.chosen == (0,)
        assert [type(m).__name__ for m in app.messages] == ["AnswerSubmitted"]


@sync
async def test_hints_come_one_at_a_time(loaded, store):
    app = QuizHost("practice", store=store, loaded=loaded)
    async with app.run_test(size=(80, 24)) as pilot:
        view = quiz(app)
        assert not app.query_one("#quiz-hints").display
        assert "hints 0/3" in text_of(app, "#quiz-header")
        await pilot.press("h")
        hints = text_of(app, "#quiz-hints")
        assert "Hint 1: Where does the session's data live?" in hints
        assert "Hint 2" not in hints
        await pilot.press("h")
        assert "Hint 2: The cookie only has to name the row." in text_of(app, "#quiz-hints")
        assert "Hint 3" not in text_of(app, "#quiz-hints")
        await pilot.press("h")
        assert "Hint 3" in text_of(app, "#quiz-hints")
        assert "hints 3/3" in text_of(app, "#quiz-header")
        assert "h" not in active_keys(app)  # the ladder is exhausted
        await pilot.press("h")
        assert view.state.hints == 3
        await pilot.press("a", "enter")
        [record] = store.answers("quiz-lesson")
        assert record.hints_used == 3


@sync
async def test_next_and_previous_keep_each_questions_state(loaded):
    app = QuizHost("practice", loaded=loaded)
    async with app.run_test(size=(80, 24)) as pilot:
        view = quiz(app)
        assert "p" not in active_keys(app) and "left" not in active_keys(app)
        await pilot.press("b")
        await pilot.press("n")
        assert view.index == 1
        assert "question 2 of" in text_of(app, "#quiz-header")
        await pilot.press("right")
        assert view.index == 2
        await pilot.press("left")
        assert view.index == 1
        await pilot.press("p")
        assert view.index == 0
        assert view.state.chosen == {1}  # what was chosen is still there
        last = len(view.questions) - 1
        for _ in range(last + 3):
            await pilot.press("n")
        assert view.index == last
        assert "n" not in active_keys(app)


def requested(app) -> list[int]:
    return [m.step for m in app.messages if type(m).__name__ == "StepRequested"]


@sync
async def test_see_step_posts_step_requested_by_key_by_enter_and_by_click(loaded):
    from tutor.ui.widgets.quiz import StepLink

    app = QuizHost("practice", loaded=loaded)
    async with app.run_test(size=(80, 24)) as pilot:
        view = quiz(app)
        assert view.question.steps == [3]
        [link] = app.query(StepLink)
        assert "→ step 3" in str(link.render())
        await pilot.press("s")
        await pilot.pause()
        assert requested(app) == [3]
        await pilot.click(link)
        await pilot.pause()
        assert requested(app) == [3, 3]
        await pilot.press("n")  # http-only has no steps: no link, no key
        await pilot.pause()
        assert not app.query_one("#quiz-step-links").display and not app.query(StepLink)
        assert "s" not in active_keys(app)
        assert "Links" not in {b.binding.description for b in app.screen.active_bindings.values() if b.enabled}
        assert app.focused is view  # the link that had the focus is gone: the question has it


@sync
async def test_every_step_link_is_focusable_and_followed_with_enter(loaded):
    """Issue 11: "see step" used only the first step; Tab reaches each link and Enter follows it."""
    from tutor.lesson.loader import lesson_from_text
    from tutor.ui.widgets.quiz import StepLink

    text = loaded.path.read_text().replace(
        "prompt: In a database session, what does the cookie hold?\n    steps: [3]",
        "prompt: In a database session, what does the cookie hold?\n    steps: [3, 5, 6]",
    )
    app = QuizHost("practice", loaded=lesson_from_text(text, "steps.yaml"))
    async with app.run_test(size=(80, 24)) as pilot:
        view = quiz(app)
        assert view.question.steps == [3, 5, 6]
        await pilot.pause()
        links = list(app.query(StepLink))
        assert [link.step for link in links] == [3, 5, 6]
        assert all(link.focusable for link in links)
        footer = {b.binding.description for b in app.screen.active_bindings.values() if b.enabled}
        assert {"See step", "Links"} <= footer
        await pilot.press("tab")
        assert app.focused is links[0]
        await pilot.press("tab", "tab")
        assert app.focused is links[2]
        assert "See this step" in {b.binding.description for b in app.screen.active_bindings.values()}
        await pilot.press("enter")
        await pilot.pause()
        assert requested(app) == [6]
        await pilot.press("shift+tab")
        assert app.focused is links[1]
        await pilot.press("enter")
        await pilot.pause()
        assert requested(app) == [6, 5]
        # choosing an answer gives the keys back to the question: Enter submits, it does not follow a link
        await pilot.press("a", "enter")
        assert app.focused is view and view.state.submitted and requested(app) == [6, 5]
        await pilot.press("tab", "tab", "tab", "tab")  # past the last link: back to the question
        assert app.focused is view


@sync
async def test_clicking_a_choice_chooses_it(loaded):
    app = QuizHost("practice", loaded=loaded)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click("#quiz-choice-2")
        assert quiz(app).state.chosen == {2}


@sync
async def test_question_code_is_syntax_highlighted(loaded):
    app = QuizHost("practice", loaded=loaded)
    async with app.run_test(size=(80, 24)) as pilot:
        view = quiz(app)
        assert not app.query_one("#quiz-code").display
        await press_to(pilot, view, "await-cookies")
        code = app.query_one("#quiz-code")
        assert code.display
        shown = code.content
        assert "const cookieStore = await cookies();" in shown.plain
        assert not shown.plain.endswith("\n")
        # highlighted: keywords are coloured (Pygments spans), and no background is forced on the theme
        coloured = {shown.plain[span.start : span.end] for span in shown.spans if span.style and span.style.color}
        assert {"await", "export"} <= coloured
        assert all(not (span.style and span.style.bgcolor) for span in shown.spans)
        lines = [strip.text for strip in code.render_lines(code.region.reset_offset)]
        assert any("await cookies()" in line for line in lines)


@sync
async def test_lesson_text_is_shown_literally(loaded):
    from tutor.lesson.loader import lesson_from_text

    text = (load_quiz_lesson().path).read_text()
    text = text.replace(
        "prompt: In a database session, what does the cookie hold?",
        'prompt: "[bold]markup[/bold] \\e[31m stays literal"',
    )
    hostile = lesson_from_text(text, "hostile.yaml")
    app = QuizHost("practice", loaded=hostile)
    async with app.run_test(size=(80, 24)):
        shown = text_of(app, "#quiz-prompt")
        assert "[bold]markup[/bold]" in shown
        assert "\x1b" not in shown and "␛[31m" in shown


# -- visual -------------------------------------------------------------------------------------------


@sync
async def test_visual_quiz_asks_the_trace_questions(loaded, store):
    app = QuizHost("visual", store=store, loaded=loaded)
    async with app.run_test(size=(80, 24)) as pilot:
        view = quiz(app)
        expected = [q.id for q in grading.visual_questions(loaded.lesson)]
        assert expected and [q.id for q in view.questions] == expected
        assert all(q.answer is not None for q in view.questions)
        right = sorted(grading.correct_indexes(view.question))[0]
        await pilot.press(str(right + 1), "enter")
        assert view.state.correct
        [record] = store.answers("quiz-lesson")
        assert record.mode == "visual" and record.correct


# -- test ---------------------------------------------------------------------------------------------


async def answer_all(pilot, view, *, wrong=frozenset(), hint_on=frozenset(), keys: bool = True) -> None:
    """Answer every test question in order; questions at positions in `wrong` get a wrong answer.

    With ``keys=False`` the view's actions are called directly (the keys are covered elsewhere; this
    keeps the suite fast).
    """

    async def press(*keys_: str) -> None:
        if keys:
            await pilot.press(*keys_)
            return
        for key in keys_:
            {"h": view.action_hint, "enter": view.action_submit}.get(key, lambda k=key: view.action_choose(int(k)))()
        await pilot.pause()

    for position in range(len(view.questions)):
        assert view.index == position
        q = view.question
        order = view.session.orders[position]
        if position in hint_on:
            await press("h")
        right = grading.correct_indexes(q)
        if position in wrong:
            picks = [next(i for i in range(len(q.choices)) if i not in right)]
        else:
            picks = sorted(right)
        await press(*(str(order.index(original) + 1) for original in picks), "enter")


@sync
async def test_test_mode_full_run_to_the_score_and_review(loaded, store):
    app = QuizHost("test", store=store, seed=3, loaded=loaded)
    async with app.run_test(size=(80, 24)) as pilot:
        view = quiz(app)
        expected = [q.id for q in grading.test_questions(loaded.lesson, 3, count=10)]
        assert [q.id for q in view.questions] == expected and len(expected) == 10
        assert {q.difficulty for q in view.questions} == {"easy", "medium", "hard"}
        # choices are shown in the seeded shuffled order
        assert view.session.orders[0] == grading.choice_order(view.questions[0], 3)
        hinted = next(i for i, q in enumerate(view.questions) if q.hints and i != 1)
        await answer_all(pilot, view, wrong={1}, hint_on={hinted})
        assert view.finished
        summary = text_of(app, "#quiz-score-summary")
        # 9 right, one hint: 9 - 0.25 points
        assert "8.75 of 10 points" in summary and "87.5%" in summary
        assert "9 of 10 answers right" in summary
        assert "hints used: 1 (cost 0.25 points)" in summary
        items = app.query(".quiz-review-item")
        assert len(items) == 10
        assert items[1].has_class("-wrong") and items[0].has_class("-right")
        review = str(items[1].render())
        assert "Your answer:" in review and "Answer:" in review
        assert [t.to_json()["score"] for t in store.tests("quiz-lesson")] == [87.5]
        answers = store.answers("quiz-lesson")
        assert len(answers) == 10 and {a.mode for a in answers} == {"test"}
        assert active_keys(app) >= {"r"} and not {"enter", "h", "n", "1"} & active_keys(app)


@sync
async def test_test_mode_gives_no_feedback_until_the_end(loaded):
    app = QuizHost("test", seed=3, loaded=loaded)
    async with app.run_test(size=(80, 24)) as pilot:
        view = quiz(app)
        first = view.question
        right = sorted(grading.correct_indexes(first))
        for original in right:
            await pilot.press(str(view.session.orders[0].index(original) + 1))
        await pilot.press("enter")
        assert view.index == 1  # moved on to the next unanswered question
        await pilot.press("p")
        assert "Answer saved" in text_of(app, "#quiz-kind")
        assert not app.query_one("#quiz-verdict").display
        assert not app.query_one("#quiz-solution").display
        assert not any(c.has_class("-correct") for c in app.query(".quiz-choice"))
        assert "s" not in active_keys(app)


@sync
async def test_retake_starts_over_with_the_next_seed(loaded, store):
    app = QuizHost("test", store=store, seed=3, loaded=loaded)
    async with app.run_test(size=(80, 24)) as pilot:
        view = quiz(app)
        assert "r" not in active_keys(app)
        await answer_all(pilot, view, keys=False)
        assert "10 of 10 points" in text_of(app, "#quiz-score-summary")
        first = [q.id for q in view.questions]
        await pilot.press("r")
        assert view.seed == 4 and not view.finished and view.index == 0
        # every question was right: the retake asks the others first (the lesson has 12 normal questions)
        expected = grading.test_questions(loaded.lesson, 4, count=10, right_last_time=set(first))
        assert [q.id for q in view.questions] == [q.id for q in expected]
        pool = {q.id for q in grading.practice_questions(loaded.lesson)}
        assert pool - set(first) <= {q.id for q in view.questions}
        assert view.session.orders[0] == grading.choice_order(view.questions[0], 4)
        assert all(not s.submitted and not s.chosen for s in view.session.states)
        assert app.query_one("#quiz-question").display and not app.query_one("#quiz-score").display
        await answer_all(pilot, view, wrong={0, 1}, keys=False)
        assert [t.correct for t in store.tests("quiz-lesson")] == [10, 8]


@sync
async def test_without_a_store_nothing_is_recorded(loaded, tmp_path):
    app = QuizHost("test", store=None, seed=1, loaded=loaded)
    async with app.run_test(size=(80, 24)) as pilot:
        await answer_all(pilot, quiz(app), keys=False)
        assert quiz(app).finished
        finished = [m for m in app.messages if type(m).__name__ == "TestFinished"]
        assert len(finished) == 1 and finished[0].total == 10
    assert not (tmp_path / "home").exists()


@sync
async def test_survives_resizing(loaded):
    app = QuizHost("practice", loaded=loaded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h", "b", "enter", "enter")
        await pilot.resize_terminal(60, 16)
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.query_one("#quiz-solution").display


@sync
async def test_practice_choices_are_shuffled_in_the_app(loaded):
    """Authors write the right choice first; the learner must not see it always at a)."""
    app = QuizHost("practice", loaded=loaded, shuffle=True)
    async with app.run_test(size=(80, 24)) as pilot:
        view = quiz(app)
        positions = []
        for number, question in enumerate(view.questions):
            order = grading.choice_order(question, 0)
            assert view.session.orders[number] == order
            positions += [shown for shown, index in enumerate(order) if question.choices[index].correct]
            if number < len(view.questions) - 1:
                await pilot.press("n")
        assert len(set(positions)) >= 3  # the right answer moves around
        assert positions.count(0) < len(positions) / 2


# -- issue 11 -----------------------------------------------------------------------------------------


@sync
async def test_practice_allows_one_retry_and_records_the_wrong_first_try(loaded, store):
    app = QuizHost("practice", store=store, loaded=loaded)
    async with app.run_test(size=(80, 24)) as pilot:
        view = quiz(app)
        await pilot.press("b", "enter")  # cookie-holds: b is wrong
        assert "try once more" in text_of(app, "#quiz-verdict")
        assert "r" in active_keys(app)
        await pilot.press("r")
        assert not view.state.submitted and not view.state.chosen
        assert not app.query_one("#quiz-verdict").display
        assert "h" in active_keys(app)  # hints are still there for the second try
        await pilot.press("a", "enter")
        assert view.state.correct and view.state.revealed
        assert "Correct on the second try" in text_of(app, "#quiz-verdict")
        assert app.query_one("#quiz-solution").display
        assert "r" not in active_keys(app)
        # two wrong tries: no third, the answer is shown
        await pilot.press("n", "b", "enter")  # http-only: b is wrong
        await pilot.press("r", "c", "enter")  # c is wrong as well
        assert view.state.revealed and not view.state.correct
        assert "r" not in active_keys(app) and app.query_one("#quiz-solution").display
        got = [(a.question_id, a.chosen, a.correct) for a in store.answers("quiz-lesson")]
        assert got == [
            ("cookie-holds", (1,), False),
            ("cookie-holds", (0,), True),
            ("http-only", (1,), False),
            ("http-only", (2,), False),
        ]


@sync
async def test_a_test_can_be_finished_early_after_a_confirmation(loaded, store):
    app = QuizHost("test", store=store, seed=3, loaded=loaded)
    async with app.run_test(size=(80, 24)) as pilot:
        view = quiz(app)
        assert "f" in active_keys(app)
        first = view.question
        right = sorted(grading.correct_indexes(first))
        await pilot.press(*(str(view.session.orders[0].index(i) + 1) for i in right), "enter")
        await pilot.press("f")
        confirm = app.screen  # the app's one confirmation dialog (the playground asks with it too)
        assert isinstance(confirm, ConfirmScreen)
        assert "Finish now? 9 unanswered questions count as wrong" in str(
            confirm.query_one("#confirm-question").render()
        )
        assert str(confirm.query_one("#confirm-keys").render()).startswith("y, n") and not {
            "1",
            "h",
            "f",
        } & active_keys(app)
        await pilot.press("n")  # keep going: nothing changed
        assert app.screen is not confirm and not view.finished and view.index == 1
        await pilot.press("f", "escape")
        assert not view.finished and not isinstance(app.screen, ConfirmScreen)
        await pilot.press("f", "y")
        assert view.finished and not isinstance(app.screen, ConfirmScreen)
        summary = text_of(app, "#quiz-score-summary")
        assert "1 of 10 points" in summary and "9 unanswered counted as wrong" in summary
        items = app.query(".quiz-review-item")
        assert len(items) == 10 and items[0].has_class("-right") and items[1].has_class("-wrong")
        assert "(no answer)" in str(items[1].render())
        [test] = store.tests("quiz-lesson")
        assert (test.correct, test.total, test.score) == (1, 10, 10.0)
        assert [a.question_id for a in store.answers("quiz-lesson")] == [first.id]
        assert "f" not in active_keys(app) and "r" in active_keys(app)


@sync
async def test_each_attempt_gets_its_own_seed_recorded_in_progress(loaded, store):
    """Issue 11: two runs both said "seed 0" and asked the authored order."""
    lesson_id = loaded.lesson.id
    seen = []
    for run in (1, 2):  # two runs of the app on the same progress
        app = QuizHost("test", store=store, seed=None, loaded=loaded)
        async with app.run_test(size=(80, 24)) as pilot:
            view = quiz(app)
            assert view.seed == grading.attempt_seed(lesson_id, run)
            assert f"attempt {run}" in text_of(app, "#quiz-header")
            await answer_all(pilot, view, wrong={0}, keys=False)
            assert f"seed {view.seed}" in text_of(app, "#quiz-header")
            seen.append((view.seed, [q.id for q in view.questions], [list(o) for o in view.session.orders]))
    assert seen[0][0] != seen[1][0]
    authored = [q.id for q in grading.practice_questions(loaded.lesson)]
    assert seen[0][1] != authored[: len(seen[0][1])]
    assert seen[0][1][0] != seen[1][1][0] or seen[0][1] != seen[1][1]
    # the progress store keeps what a review needs: seed, questions in order, answers, result
    attempts = store.attempts(lesson_id)
    assert [(a.number, a.seed, list(a.questions)) for a in attempts] == [
        (1, seen[0][0], seen[0][1]),
        (2, seen[1][0], seen[1][1]),
    ]
    assert [t.attempt_id for t in store.tests(lesson_id)] == [a.id for a in attempts]
    # replay the first attempt's review: the seed gives back the choice order, the answers their picks
    first = attempts[0]
    by_id = {q.id: q for q in loaded.lesson.questions}
    assert [grading.choice_order(by_id[qid], first.seed) for qid in first.questions] == seen[0][2]
    replayed = store.attempt_answers(first.id)
    assert [a.question_id for a in replayed] == seen[0][1]
    assert [a.correct for a in replayed] == [False] + [True] * 9
    # the second attempt preferred what was missed or not asked in the first
    right_first = {a.question_id for a in replayed if a.correct}
    fresh = set(authored) - right_first
    assert fresh <= set(seen[1][1])


@sync
async def test_an_attempt_only_looked_at_is_not_recorded(loaded, store):
    app = QuizHost("test", store=store, seed=None, loaded=loaded)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "n")
    assert store.attempts() == []
    app = QuizHost("test", store=store, seed=None, loaded=loaded)
    async with app.run_test(size=(80, 24)):
        assert quiz(app).seed == grading.attempt_seed(loaded.lesson.id, 1)


@sync
async def test_visual_quiz_shows_the_trace_up_to_the_questions_step(loaded):
    """Issue 11: the visual quiz showed no visual. The walkthrough's table and tracker, read-only, up to
    the question's context row (issue 19: no "Read it off row N" pointer next to the question)."""
    from tutor.lesson.quiz_session import context_step
    from tutor.ui.widgets.execution_table import ExecutionTable
    from tutor.ui.widgets.variable_tracker import VariableTracker

    app = QuizHost("visual", loaded=loaded)
    async with app.run_test(size=(120, 40)) as pilot:
        view = quiz(app)
        table = app.query_one("#quiz-table", ExecutionTable)
        tracker = app.query_one("#quiz-tracker", VariableTracker)
        for number, question in enumerate(view.questions):
            await pilot.pause()
            step = context_step(question)
            assert step is not None and step <= question.answer.step
            assert table.upto == step and table.row_count == step
            assert tracker.upto == step
            assert table.region.height > 2 and tracker.region.height > 2  # on screen
            assert "Read it off" not in text_of(app, "#quiz-kind")
            assert "Choose" in text_of(app, "#quiz-kind")
            if number < len(view.questions) - 1:
                await pilot.press("n")
        # read-only: the quiz keeps the keys
        assert not table.focusable and app.focused is view
        await pilot.press("1")
        assert view.state.chosen == {0}


@sync
async def test_visual_quiz_trace_above_the_question_at_every_size(loaded):
    app = QuizHost("visual", loaded=loaded)
    async with app.run_test(size=(160, 50)) as pilot:
        for size in ((160, 50), (120, 40), (100, 30), (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            trace, body = app.query_one("#quiz-trace"), app.query_one("#quiz-body")
            assert trace.region.bottom <= body.region.y and trace.region.width == body.region.width
            assert body.region.height >= 8  # the question keeps room


@sync
async def test_visual_quiz_survives_resizing_down_to_40x12(loaded):
    app = QuizHost("visual", loaded=loaded)
    async with app.run_test(size=(160, 50)) as pilot:
        for size in ((40, 12), (80, 24), (40, 12), (120, 40)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
        await pilot.press("n", "1", "enter")
        assert quiz(app).state.submitted
        # the trace stays at the question's context row, the row before the answer's
        from tutor.lesson.quiz_session import context_step

        question = quiz(app).question
        assert app.query_one("#quiz-table").upto == context_step(question) < question.answer.step


@sync
async def test_in_the_app_enter_on_a_step_link_opens_that_step_in_the_walkthrough(tmp_path):
    from ui_support import make_app

    from tutor.ui.widgets.quiz import QuizView, StepLink

    app = make_app(mode="practice")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.walkthrough.answers.update({2: ((0,), True), 5: ((0,), True)})  # predict questions answered
        view = screen.query_one(QuizView)
        while not view.question.steps:
            await pilot.press("n")
        step = view.question.steps[-1]
        await pilot.press("tab")
        assert isinstance(app.focused, StepLink) and app.focused.step == view.question.steps[0]
        while app.focused.step != step:
            await pilot.press("tab")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.mode == "walkthrough" and screen.walkthrough.current == step


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (160, 50)])
@sync
async def test_visual_quiz_answer_fits_without_scrolling(loaded, size):
    app = QuizHost("visual", loaded=loaded)
    async with app.run_test(size=size) as pilot:
        quiz = app.query_one("#quiz")
        for n in range(len(quiz.questions)):
            await pilot.press("b", "enter")
            await pilot.pause()
            await pilot.pause()
            body = app.query_one("#quiz-body")
            assert body.scroll_y == 0 and body.max_scroll_y == 0, (n, size)  # nothing below the screen
            bottom = body.region.bottom
            for selector in ("#quiz-prompt", "#quiz-verdict", "#quiz-feedback", "#quiz-solution"):
                part = app.query_one(selector)
                if part.display:
                    assert part.region.bottom <= bottom and part.region.height > 0, (n, selector, size)
            for line in app.query(".quiz-choice"):
                if line.display:
                    assert line.region.bottom <= bottom and line.region.height > 0, (n, size)
            assert app.query_one("#quiz-table").region.height >= 3
            if n + 1 < len(quiz.questions):
                await pilot.press("n")
