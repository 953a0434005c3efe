"""Pilot tests of the walkthrough: stepping, jumping, autoplay, predict questions, progress records."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui_support import make_app, screen_lines, static_text, sync, widget_text


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "home"))


def parts(app):
    from tutor.ui.widgets.execution_table import ExecutionTable
    from tutor.ui.widgets.variable_tracker import VariableTracker
    from tutor.ui.widgets.walkthrough import Walkthrough

    walk = app.screen.query_one(Walkthrough)
    return walk, walk.query_one(ExecutionTable), walk.query_one(VariableTracker)


async def answer_predict(app, pilot, *, correct: bool = True) -> None:
    """Press the key of the right (or a wrong) choice of the question on screen."""
    from tutor.lesson import grading
    from tutor.ui.widgets.walkthrough import PredictPanel

    walk, _, _ = parts(app)
    assert walk.pending is not None
    panel = walk.query_one(PredictPanel)
    right = grading.correct_indexes(panel.question)
    wanted = next(i for i, index in enumerate(panel.order) if (index in right) == correct)
    await pilot.press(str(wanted + 1))
    await pilot.pause()


async def answer_all(app, pilot) -> None:
    """Walk to the end answering every predict question correctly, then go back to step 1."""
    walk, _, _ = parts(app)
    while walk.current < walk.total:
        await pilot.press("end")
        await pilot.pause()
        if walk.pending is not None:
            await answer_predict(app, pilot)
    await pilot.press("home")
    await pilot.pause()


@sync
async def test_opens_at_step_one_with_everything_in_step() -> None:
    from tutor.ui.widgets.code_view import CodeSampleView
    from tutor.ui.widgets.flow_diagram import FlowDiagram
    from tutor.ui.widgets.narration import Narration

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        walk, table, tracker = parts(app)
        assert (walk.current, walk.total) == (1, 10)
        assert table.row_count == 1 and table.cursor_row == 0
        assert [c.label.plain for c in table.columns.values()] == ["#", "action", "session ID", "user", "result"]
        assert len(tracker.columns) == 2  # the label column and step 1
        assert walk.query_one(FlowDiagram).current_nodes == ["browser"]
        assert walk.query_one(CodeSampleView).highlighted == {3}
        assert "The first request arrives" in widget_text(walk.query_one(Narration))
        assert any("step 1/10" in line for line in screen_lines(app))


@sync
async def test_next_back_keys_and_predict_gating() -> None:
    from tutor.ui.widgets.flow_diagram import FlowDiagram
    from tutor.ui.widgets.walkthrough import PredictPanel

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        walk, table, tracker = parts(app)
        # step 2 has a predict question: it is asked first, the row stays hidden
        await pilot.press("right")
        await pilot.pause()
        assert walk.pending == 2 and walk.current == 1 and table.row_count == 1
        panel = walk.query_one(PredictPanel)
        assert panel.display and "arrived without a session cookie" in widget_text(panel)
        await pilot.press("n")  # next is refused until the question is answered
        await pilot.pause()
        assert walk.pending == 2 and table.row_count == 1
        await answer_predict(app, pilot, correct=True)
        assert walk.pending is None and walk.current == 2 and table.row_count == 2
        assert "✓ Right" in widget_text(panel)
        assert walk.query_one(FlowDiagram).current_nodes == ["store"]
        await pilot.press("n")
        await pilot.pause()
        assert walk.current == 3 and not panel.display
        await pilot.press("left")
        await pilot.press("p")
        await pilot.pause()
        assert walk.current == 1 and table.row_count == 1 and len(tracker.columns) == 2
        await pilot.press("right")  # answered already: no second asking
        await pilot.pause()
        assert walk.current == 2 and walk.pending is None
        # step 5: a wrong answer still reveals the step, and says what was right
        for _ in range(3):
            await pilot.press("right")
        await pilot.pause()
        assert walk.pending == 5 and walk.current == 4
        await answer_predict(app, pilot, correct=False)
        assert walk.current == 5
        text = static_text(panel.query_one("#predict-result"))
        assert "✗ Not quite" in text and "Answer: It is replaced by a fresh ID." in text
        answers = app.store.answers("ui-lesson")
        assert [(a.question_id, a.mode, a.correct) for a in answers] == [
            ("predict-first-visit", "predict", True),
            ("predict-login-rotation", "predict", False),
        ]


@sync
async def test_enter_on_a_predict_choice_answers_it() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        walk, table, _ = parts(app)
        await pilot.press("right")
        await pilot.pause()
        assert app.focused.id == "predict-choices"
        await pilot.press("down", "enter")
        await pilot.pause()
        assert walk.pending is None and walk.current == 2 and 2 in walk.answers


@sync
async def test_home_end_jump_and_restart() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        walk, table, tracker = parts(app)
        await pilot.press("end")  # stops at the first unanswered predict question
        await pilot.pause()
        assert walk.pending == 2 and walk.current == 1
        await answer_all(app, pilot)
        assert walk.current == 1
        await pilot.press("end")
        await pilot.pause()
        assert walk.current == 10 and table.row_count == 10 and table.cursor_row == 9
        assert len(tracker.columns) == 11
        await pilot.press("home")
        await pilot.pause()
        assert walk.current == 1 and table.row_count == 1
        await pilot.press("g", "7", "enter")
        await pilot.pause()
        assert walk.current == 7 and table.row_count == 7
        await pilot.press("g", "3", "backspace", "6", "enter")  # backspace edits the number
        await pilot.pause()
        assert walk.current == 6
        await pilot.press("g", "9", "9", "enter")  # past the end: clamped
        await pilot.pause()
        assert walk.current == 10
        await pilot.press("g", "3", "escape")  # cancelled: nothing moves, the lesson stays open
        await pilot.pause()
        assert walk.current == 10 and type(app.screen).__name__ == "LessonScreen"
        assert app.focused is table
        await pilot.press("r")
        await pilot.pause()
        assert walk.current == 0 and table.row_count == 0 and len(tracker.columns) == 1


@sync
async def test_autoplay_start_speed_and_stop() -> None:
    from tutor.ui.widgets import walkthrough

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        walk, table, _ = parts(app)
        await answer_all(app, pilot)
        await pilot.press("space")
        await pilot.pause()
        assert walk.autoplaying
        speed = walk.speed
        await pilot.press("plus")
        assert walk.speed == speed + 1
        await pilot.press("minus", "minus")
        assert walk.speed == speed - 1
        assert any(f"autoplay every {walkthrough.SPEEDS[walk.speed]:g}s" in line for line in screen_lines(app))
        walk._tick()  # one tick of the timer
        await pilot.pause()
        assert walk.current == 2
        await pilot.press("space")
        await pilot.pause()
        assert not walk.autoplaying
        walk.go(9)
        await pilot.press("space")
        walk._tick()
        await pilot.pause()
        assert walk.current == 10 and not walk.autoplaying  # stops by itself at the end


@sync
async def test_autoplay_stops_at_a_predict_question() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        walk, _, _ = parts(app)
        await pilot.press("space")
        await pilot.pause()
        walk._tick()
        await pilot.pause()
        assert walk.pending == 2 and not walk.autoplaying


@sync
async def test_full_value_dialog_shows_unabridged_values() -> None:
    from tutor.ui.screens.dialogs import ValueScreen

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        walk, table, _ = parts(app)
        await answer_all(app, pilot)
        await pilot.press("g", "3", "enter")
        await pilot.pause()
        session_id = walk.steps[2].session_id
        assert len(session_id) > 24
        assert session_id not in " ".join(screen_lines(app))  # abbreviated in the table
        assert "…" in table.get_cell("r2", "c2").plain
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ValueScreen)
        assert session_id in widget_text(app.screen.query_one("#value-text"))
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ValueScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ValueScreen)


@sync
async def test_tracker_emphasises_changed_values() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        walk, _, tracker = parts(app)
        await answer_all(app, pilot)
        await pilot.press("g", "3", "enter")
        await pilot.pause()
        changed = tracker.get_cell("v0", "s1")  # session ID at step 2: created
        same = tracker.get_cell("v0", "s2")  # step 3: unchanged
        assert changed.plain == same.plain != "—"
        assert "bold" in str(changed.style) and "underline" in str(changed.style)
        assert not same.style and not same.spans


@sync
async def test_steps_reached_recorded_only_on_a_new_maximum() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        walk, _, _ = parts(app)
        calls = []
        original = app.store.record_step
        app.store.record_step = lambda lesson_id, step: (calls.append(step), original(lesson_id, step))
        await answer_all(app, pilot)  # reached 10
        assert app.store.lesson_summary("ui-lesson").steps_reached == 10
        calls.clear()
        for key in ("right", "right", "left", "end", "home"):
            await pilot.press(key)
        await pilot.pause()
        assert calls == []  # no new maximum, no write


@sync
async def test_start_step_from_the_command_line() -> None:
    app = make_app(step=4)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        walk, table, _ = parts(app)
        assert walk.current == 4 and table.row_count == 4


@sync
async def test_multiple_answer_predict_question_is_picked_then_submitted(tmp_path: Path) -> None:
    from tutor.lesson import grading
    from tutor.ui.widgets.walkthrough import PredictPanel
    from ui_support import UI_LESSON

    lesson = tmp_path / "multi.yaml"
    lesson.write_text(UI_LESSON.read_text().replace("    predict: 2\n", "    predict: 2\n    multiple: true\n"))
    app = make_app(lesson=lesson)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        walk, table, _ = parts(app)
        await pilot.press("right")
        await pilot.pause()
        panel = walk.query_one(PredictPanel)
        right = grading.correct_indexes(panel.question)
        good = next(i for i, index in enumerate(panel.order) if index in right)
        bad = next(i for i, index in enumerate(panel.order) if index not in right)
        await pilot.press(str(bad + 1), str(good + 1))  # pick two ...
        await pilot.press(grading.choice_letter(bad))  # ... and unpick the wrong one
        await pilot.pause()
        assert walk.pending == 2 and panel.picks == {panel.order[good]}
        assert "☑" in widget_text(panel)
        choices = walk.query_one("#predict-choices")
        choices.highlighted = choices.option_count - 1  # "Submit the answer"
        await pilot.press("enter")
        await pilot.pause()
        assert walk.pending is None and walk.current == 2 and table.row_count == 2
        assert walk.answers[2] == ((panel.order[good],), True)
        assert "✓ Right" in static_text(panel.query_one("#predict-result"))
