"""Pilot tests of the walkthrough: stepping, jumping, autoplay, predict questions, progress records,
the execution table's legibility at the four usual terminal sizes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ui_support import app_for, make_app, screen_lines, static_text, sync, widget_text

SIZES = [(80, 24), (100, 30), (120, 40), (160, 50)]


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "home"))


def parts(app):
    from tutor.ui.widgets.execution_table import ExecutionTable
    from tutor.ui.widgets.variable_tracker import VariableTracker

    walk = app.screen.walkthrough if hasattr(app.screen, "walkthrough") else app.screen_stack[-2].walkthrough
    return walk, walk.query_one(ExecutionTable), walk.query_one(VariableTracker)


def predict_screen(app):
    from tutor.ui.modals.predict import PredictScreen

    assert isinstance(app.screen, PredictScreen), f"no predict question on screen: {app.screen}"
    return app.screen


async def answer_predict(app, pilot, *, correct: bool = True, close: bool = True) -> None:
    """Choose the right (or a wrong) choice of the question on screen, confirm it with Enter, and (with
    ``close``) close the verdict with another Enter."""
    from tutor.lesson import grading

    screen = predict_screen(app)
    right = grading.correct_indexes(screen.question)
    wanted = next(i for i, index in enumerate(screen.order) if (index in right) == correct)
    await pilot.press(grading.choice_letter(wanted), "enter")
    await pilot.pause()
    if close:
        await pilot.press("enter")
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


def tracker_lines(tracker) -> list[str]:
    return [tracker.render_line(y).text for y in range(tracker.size.height)]


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
        # the lesson has its own step column ("#"): no second one is added
        assert [c.heading or c.field for c in table.shown_columns] == ["step", "action", "session ID", "user", "result"]
        assert tracker.upto == 1 and "now · step 1" in tracker_lines(tracker)[0]
        assert walk.query_one(FlowDiagram).current_nodes == ["browser"]
        assert walk.query_one(CodeSampleView).highlighted == {3}
        assert walk.query_one(FlowDiagram).layout_class == "-boxes"  # 4 short labels fit at 120 columns
        assert "The first request arrives" in widget_text(walk.query_one(Narration))
        assert any("step 1/10" in line for line in screen_lines(app))


@sync
async def test_next_back_keys_and_predict_gating() -> None:
    from tutor.ui.widgets.flow_diagram import FlowDiagram

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        walk, table, tracker = parts(app)
        # step 2 has a predict question: it is asked first (a modal), the row stays hidden
        await pilot.press("right")
        await pilot.pause()
        question = predict_screen(app)
        assert walk.pending == 2 and walk.current == 1 and table.row_count == 1
        assert "arrived without a session cookie" in widget_text(question.query_one("#predict-body"))
        await pilot.press("n")  # next is not a choice: nothing happens until the question is answered
        await pilot.pause()
        assert walk.pending == 2 and table.row_count == 1
        await answer_predict(app, pilot, correct=True, close=False)
        # the verdict is shown in the question's box, the step is revealed behind it
        assert "✓" in static_text(question.query_one("#predict-result"))
        assert walk.pending is None and walk.current == 2 and table.row_count == 2
        assert walk.query_one(FlowDiagram).current_nodes == ["store"]
        await pilot.press("enter")  # closes the verdict
        await pilot.pause()
        assert app.screen is not question
        assert "Your prediction: ✓" in static_text(walk.query_one("#narration"))
        await pilot.press("n")
        await pilot.pause()
        assert walk.current == 3
        await pilot.press("left")
        await pilot.press("p")
        await pilot.pause()
        assert walk.current == 1 and table.row_count == 1 and tracker.upto == 1
        await pilot.press("right")  # answered already: no second asking
        await pilot.pause()
        assert walk.current == 2 and walk.pending is None
        # step 5: a wrong answer still reveals the step, and says what was right
        for _ in range(3):
            await pilot.press("right")
        await pilot.pause()
        assert walk.pending == 5 and walk.current == 4
        await answer_predict(app, pilot, correct=False, close=False)
        assert walk.current == 5
        text = static_text(app.screen.query_one("#predict-result"))
        assert "✗" in text and "Answer: It is replaced by a fresh ID." in text
        answers = app.store.answers("ui-lesson")
        assert [(a.question_id, a.mode, a.correct) for a in answers] == [
            ("predict-first-visit", "predict", True),
            ("predict-login-rotation", "predict", False),
        ]


@sync
async def test_predict_choice_is_made_then_confirmed_with_enter() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        walk, table, _ = parts(app)
        await pilot.press("right")
        await pilot.pause()
        question = predict_screen(app)
        await pilot.press("b")  # a choice alone does not answer
        await pilot.pause()
        assert walk.pending == 2 and question.picks == {question.order[1]} and 2 not in walk.answers
        await pilot.press("a")  # another choice replaces it
        await pilot.pause()
        assert question.picks == {question.order[0]}
        await pilot.press("enter")
        await pilot.pause()
        assert walk.pending is None and walk.current == 2 and walk.answers[2][0] == (question.order[0],)


@sync
async def test_escape_closes_an_unanswered_question_and_it_is_asked_again() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        walk, _, _ = parts(app)
        await pilot.press("right")
        await pilot.pause()
        predict_screen(app)
        await pilot.press("escape")
        await pilot.pause()
        assert walk.pending is None and walk.current == 1 and 2 not in walk.answers
        assert type(app.screen).__name__ == "LessonScreen"
        await pilot.press("right")
        await pilot.pause()
        assert predict_screen(app).step == 2


@sync
async def test_walkthrough_keys_work_wherever_the_focus_is() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        walk, _, _ = parts(app)
        app.set_focus(None)
        await pilot.press("tab", "tab")
        await pilot.pause()
        await pilot.press("right")
        await pilot.pause()
        await answer_predict(app, pilot)
        app.set_focus(None)  # nothing focused at all
        await pilot.press("right")
        await pilot.pause()
        assert walk.current == 3
        await pilot.press("end")  # stops at the next predict question (step 5)
        await pilot.pause()
        assert walk.pending == 5
        await pilot.press("escape", "home")
        await pilot.pause()
        assert walk.current == 1


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
        assert tracker.upto == 10
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
        await pilot.press("r")
        await pilot.pause()
        assert walk.current == 0 and table.row_count == 0 and tracker.upto == 0


@sync
async def test_autoplay_start_speed_and_stop() -> None:
    from tutor.ui.widgets import walkthrough

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        walk, table, _ = parts(app)
        await answer_all(app, pilot)
        assert not any("autoplay" in line for line in screen_lines(app))  # only while it runs
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
        assert not any("autoplay" in line for line in screen_lines(app))
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
    from tutor.ui.modals.dialogs import ValueScreen

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        walk, table, _ = parts(app)
        await answer_all(app, pilot)
        await pilot.press("g", "3", "enter")
        await pilot.pause()
        session_id = walk.steps[2].session_id
        assert len(session_id) > 24
        # an ID is long by nature: shortened in the middle, both ends kept
        text = widget_text(table)
        assert session_id not in text and f"{session_id[:6]}" in text and f"{session_id[-4:]}" in text
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
async def test_tracker_shows_the_current_step_and_emphasises_changed_values() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        walk, _, tracker = parts(app)
        await answer_all(app, pilot)
        await pilot.press("g", "2", "enter")
        await pilot.pause()
        lines = tracker_lines(tracker)
        assert "now · step 2" in lines[0]
        session_id = walk.steps[1].session_id
        row = next(line for line in lines if line.strip().startswith("session ID"))
        assert session_id[:8] in row
        # changed at step 2: emphasised; the value before it is on screen too (a column or "was")
        strip = tracker.render_line(lines.index(row))
        styles = [seg.style for seg in strip if session_id[:8] in seg.text]
        assert styles and any(s is not None and s.bold for s in styles)
        await pilot.press("right")  # step 3: unchanged, not emphasised
        await pilot.pause()
        lines = tracker_lines(tracker)
        row_y = next(y for y, line in enumerate(lines) if line.strip().startswith("session ID"))
        strip = tracker.render_line(row_y)
        assert not any(seg.style is not None and seg.style.bold for seg in strip if session_id[:8] in seg.text)


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
    from ui_support import UI_LESSON

    from tutor.lesson import grading

    lesson = tmp_path / "multi.yaml"
    lesson.write_text(UI_LESSON.read_text().replace("    predict: 2\n", "    predict: 2\n    multiple: true\n"))
    app = make_app(lesson=lesson)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        walk, table, _ = parts(app)
        await pilot.press("right")
        await pilot.pause()
        question = predict_screen(app)
        right = grading.correct_indexes(question.question)
        good = next(i for i, index in enumerate(question.order) if index in right)
        bad = next(i for i, index in enumerate(question.order) if index not in right)
        await pilot.press(str(bad + 1), str(good + 1))  # pick two ...
        await pilot.press(grading.choice_letter(bad))  # ... and unpick the wrong one
        await pilot.pause()
        assert walk.pending == 2 and question.picks == {question.order[good]}
        assert "☑" in static_text(question.query_one("#predict-choices"))
        await pilot.press("enter")
        await pilot.pause()
        assert walk.pending is None and walk.current == 2 and table.row_count == 2
        assert walk.answers[2] == ((question.order[good],), True)
        assert "✓" in static_text(question.query_one("#predict-result"))


@sync
async def test_a_terminal_too_small_says_how_large_it_must_be() -> None:
    from tutor.ui.screens.lesson import MIN_SIZE

    app = make_app()
    async with app.run_test(size=(50, 14)) as pilot:
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert f"enlarge the terminal to at least {MIN_SIZE[0]}×{MIN_SIZE[1]}" in text
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "enlarge the terminal" not in text and "step 1/10" in text


@sync
async def test_an_answered_predict_question_is_not_asked_again_after_a_watch_reload(tmp_path: Path) -> None:
    from ui_support import UI_LESSON

    lesson = tmp_path / "watched.yaml"
    lesson.write_text(UI_LESSON.read_text())
    app = make_app(lesson=lesson, watch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        walk, _, _ = parts(app)
        await pilot.press("right")
        await pilot.pause()
        await answer_predict(app, pilot)
        await pilot.press("left")
        await pilot.pause()
        lesson.write_text(UI_LESSON.read_text().replace("minutes: 5", "minutes: 6"))
        await app.screen.reload()
        await pilot.pause()
        walk, _, _ = parts(app)
        assert walk.current == 1 and 2 in walk.answers
        await pilot.press("right")
        await pilot.pause()
        assert type(app.screen).__name__ == "LessonScreen" and walk.current == 2


def _words(text: str) -> list[str]:
    return text.replace("…", " ").split()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_session_lifecycle_expired_step_is_legible(size) -> None:
    """At each size: step to the expired step (4) of session-lifecycle; every heading and every word of
    the Result values of steps 3 and 4 is on screen, and so is the predict verdict."""
    import asyncio

    from tutor.ui.columns import column_heading

    app = app_for(["open", "session-lifecycle"])

    async def run() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            for _ in range(3):
                await pilot.press("right")
                await pilot.pause()
            question = predict_screen(app)
            await answer_predict(app, pilot, correct=True, close=False)
            # the verdict and every choice are on screen, inside the screen (no scrolling)
            text = "\n".join(screen_lines(app))
            verdict = static_text(question.query_one("#predict-result"))
            assert verdict.startswith("✓")
            for word in _words(verdict)[:6]:
                assert word in text, f"verdict word {word!r} not on screen at {size}"
            body = question.query_one("#predict-body")
            assert body.region.bottom <= size[1] and body.max_scroll_y == 0, f"the question scrolls at {size}"
            for choice in question.question.choices:
                assert choice.text[:20] in text
            await pilot.press("enter")
            await pilot.pause()
            walk, table, _ = parts(app)
            assert walk.current == 4
            table_text = widget_text(table)
            lines = table_text.splitlines()
            for column in table.lesson_columns:
                for word in column_heading(column).split():
                    assert word in lines[0] + lines[1] + lines[2], f"heading {word!r} missing at {size}"
            for step in (3, 4):
                result = walk.steps[step - 1].result
                for word in _words(result):
                    assert word in table_text, f"{word!r} of step {step}'s result not on screen at {size}"
            assert 3 in table.visible_rows() and 4 in table.visible_rows() or 2 in table.visible_rows()

    asyncio.run(run())


# ---------------------------------------------------------------------------------------------------
# the parts of the redesigned screen, one by one


def test_column_widths_fit_the_width_and_every_heading_word() -> None:
    from tutor.ui.widgets.execution_table import allocate

    naturals, minimums, caps = [4, 25, 23, 32, 71], [4, 9, 8, 8, 14], [4, 25, 5, 15, 30]
    for avail in (60, 68, 88, 108, 150):
        widths = allocate(naturals, minimums, caps, avail, [4, 6, 23, 16, 6])
        assert sum(widths) <= avail and all(w >= m for w, m in zip(widths, minimums, strict=True))
    assert allocate(naturals, minimums, caps, 200) == naturals  # room for all: nothing wraps
    # no column takes the room the others need: at 88 cells the action (25) fits on one line
    assert allocate(naturals, minimums, caps, 88)[1] == 25


def test_only_id_like_words_are_shortened_and_keep_both_ends() -> None:
    from tutor.ui.widgets.execution_table import fit_words

    session_id = "6513270e269e0d37f2a74de452e6b438"
    short = fit_words(f"Look up {session_id}", 14)
    assert session_id not in short and session_id[:5] in short and session_id[-4:] in short and "…" in short
    # ordinary words are never cut (they wrap in the cell)
    assert fit_words("Set-Cookie sessionId=abc; HttpOnly; Path=/; SameSite=Lax", 10) == (
        "Set-Cookie sessionId=abc; HttpOnly; Path=/; SameSite=Lax"
    )


def test_flow_labels_wrap_at_spaces_or_become_a_breadcrumb() -> None:
    from tutor.ui.widgets.flow_diagram import wrap_words

    assert wrap_words("Respond (Set-Cookie if changed)", 12) == ["Respond", "(Set-Cookie", "if changed)"]
    assert wrap_words("document.cookie is read", 8) is None  # a word wider than the box: no boxes


@sync
async def test_flow_never_breaks_a_word_and_shows_branches_apart_from_the_caption() -> None:
    from tutor.ui.widgets.flow_diagram import FlowDiagram

    for lesson, size in [
        (lesson, size)
        for lesson in ("session-lifecycle", "cookie-attributes")
        for size in [(80, 24), (100, 30), (120, 40), (160, 50)]
    ]:
        app = app_for(["open", lesson])
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            flow = parts(app)[0].query_one(FlowDiagram)
            text = widget_text(flow)
            edge_labels = [e.label for e in flow.flow.edges if e.label]
            words = {w.strip("()") for label in [*flow.labels, *edge_labels, flow.caption] for w in label.split()}
            drawn = {w.strip("()") for w in re.sub("[─│┬┴├┤╭╮╰╯┼▶]", " ", text).split() if not w.endswith("…")}
            # every word on screen is a whole word of a label (or arrow/branch/caption text), never a piece
            for word in drawn:
                if word not in words and any(word in w for w in words):
                    raise AssertionError(f"{word!r} is a piece of a label word at {size}:\n{text}")
            if flow.layout_class == "-compact":
                assert flow.size.height == 1
            else:
                lines = text.splitlines()
                caption = " ".join(flow.caption.split()[:3])
                caption_line = next(i for i, line in enumerate(lines) if caption in line)
                assert not any("↪" in line for line in lines[caption_line:])  # branches above, on their own


@sync
async def test_title_line_and_key_bar() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        assert "Session Tutor — Sessions in four requests" in lines[0]
        assert lines[-1].rstrip().endswith("? Help  ^p palette")  # help is always on screen
        assert "→/n Next" in lines[-1]


@sync
async def test_predict_arrows_move_the_choice_and_enter_confirms_it() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        walk, _, _ = parts(app)
        await pilot.press("right")
        await pilot.pause()
        question = predict_screen(app)
        await pilot.press("down", "enter")  # the second choice on screen
        await pilot.pause()
        assert walk.answers[2][0] == (question.order[1],) and walk.current == 2


@sync
async def test_current_row_is_marked_and_rows_a_move_added_are_marked_too() -> None:
    app = make_app(step=3)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        walk, table, _ = parts(app)
        walk.answers.update({5: ((0,), True)})
        lines = widget_text(table).splitlines()
        assert [line.split()[0] for line in lines[1:] if line.split()[0] in ("+", "▶")] == ["▶"]  # opened at 3
        await pilot.press("g", "6", "enter")
        await pilot.pause()
        marks = [line.split()[:2] for line in widget_text(table).splitlines()[1:] if line.strip()[:1] in ("+", "▶")]
        assert marks == [["+", "4"], ["+", "5"], ["▶", "6"]]


# ---------------------------------------------------------------------------------------------------
# polish after the redesign: no scrollbars in the band, readable branches, the table first on short screens

SCROLLBAR_GLYPHS = set("▁▂▃▄▅▆▇█")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_band_shows_no_scrollbar_and_the_narration_fits_its_longest_step(size) -> None:
    """The narration (sized to its longest step) and the code pane (it follows the step) never show a
    scrollbar; a code line wider than its pane ends in "…"; the narration box holds every step's text."""
    import asyncio

    from tutor.ui.widgets.narration import Narration

    app = app_for(["open", "session-lifecycle"])

    async def run() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            walk, table, _ = parts(app)
            for step in range(1, walk.total + 1):
                for s in walk.predicts:
                    walk.answers.setdefault(s, ((0,), False))  # a wrong verdict: the longest text
                walk.go(step)
                await pilot.pause()
                band = walk.query_one("#walk-band")
                lines = screen_lines(app)[band.region.y : band.region.bottom]
                glyphs = {c for line in lines for c in line} & SCROLLBAR_GLYPHS
                assert not glyphs, f"a scrollbar in the band at {size}, step {step}:\n" + "\n".join(lines)
                narration = walk.query_one(Narration)
                shown = narration._shown_text.wrap(app.console, narration.content_region.width)
                assert len(shown) <= narration.content_region.height, f"narration cut at {size}, step {step}"
            code_lines = "\n".join(lines)
            if size[1] >= 28:
                assert "…" in code_lines or size[0] >= 160  # long code lines say they are cut
            assert table.region.height > band.region.height or size[1] >= 34

    asyncio.run(run())


@sync
async def test_breadcrumb_never_cuts_a_branch_label() -> None:
    """The one-line flow keeps every branch label whole: targets are shortened, else branches counted."""
    from tutor.ui.widgets.flow_diagram import FlowDiagram

    for size in [(80, 24), (100, 30)]:  # (taller terminals draw the graph)
        app = app_for(["open", "session-lifecycle"])
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            walk, _, _ = parts(app)
            walk.answers.update({s: ((0,), True) for s in walk.predicts})
            walk.go(4)
            await pilot.pause()
            flow = walk.query_one(FlowDiagram)
            assert flow.layout_class == "-compact"
            text = widget_text(flow)
            labels = [label for i in flow._current for label, _ in flow.branches.get(i, [])]
            assert labels, "step 4 is at a node with branches"
            shown = [piece.split(" → ")[0].strip() for piece in text.split("↪ ")[1:]]
            for piece in shown:
                assert piece in labels or re.fullmatch(r"\+\d+ more", piece), f"{piece!r} cut at {size}: {text}"
            assert shown[0] == labels[0]


@sync
async def test_short_terminals_give_the_table_more_rows_than_the_band() -> None:
    """At 80×24 and 100×30 the code is hidden (or three lines) and the narration sits beside the tracker:
    the execution table has more rows than the band above it, and the current row is in view."""
    from tutor.ui.widgets.code_view import CodeView

    for size, code_rows in [((80, 24), 0), ((100, 30), 4)]:
        app = app_for(["open", "session-lifecycle"])
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            walk, table, tracker = parts(app)
            walk.answers.update({s: ((0,), True) for s in walk.predicts})
            walk.go(4)
            await pilot.pause()
            code = walk.query_one(CodeView)
            assert (code.region.height if code.display else 0) == code_rows
            band = walk.query_one("#walk-band")
            assert table.region.height > band.region.height, (size, table.region, band.region)
            narration = walk.query_one("#narration")
            assert narration.region.y == tracker.region.y and narration.region.right <= tracker.region.x
            assert 3 in table.visible_rows()  # (0-based: step 4)
            assert "step 4/7 · validate" in "\n".join(screen_lines(app))  # the heading, on the status line


@sync
async def test_a_long_narration_on_a_short_terminal_shows_its_start_and_enter_reads_the_rest() -> None:
    """At 60×20 the narration takes at most what the table leaves; step 6 of session-lifecycle is longer,
    so it ends in the "reads the rest" line, and Enter opens the step's dialog with the whole narration."""
    from tutor.ui.modals.dialogs import ValueScreen
    from tutor.ui.widgets.narration import MORE, Narration, narration_for

    app = app_for(["open", "session-lifecycle"])
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        walk, _, _ = parts(app)
        walk.answers.update({s: ((0,), True) for s in walk.predicts})
        narration = walk.query_one(Narration)
        for step in range(1, walk.total + 1):
            walk.go(step)
            await pilot.pause()
            assert narration.region.height <= narration.short_limit
            assert widget_text(narration).endswith(MORE) == narration.cut
        walk.go(6)
        await pilot.pause()
        assert narration.cut and MORE in widget_text(narration)
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ValueScreen)
        whole = static_text(dialog.query_one("#value-narration"))
        assert whole == narration_for(walk.lesson, walk.steps[5])


@pytest.mark.parametrize("size", [(80, 24), (100, 30)], ids=["80x24", "100x30"])
def test_at_80x24_and_100x30_no_lesson_cuts_its_narration_and_the_table_keeps_its_rows(size) -> None:
    """Every built-in lesson, every step (with the longest verdict): the narration shows its whole text
    (never the "reads the rest" line), and the execution table keeps at least TABLE_KEEPS rows."""
    import asyncio

    from tutor.lesson import catalog
    from tutor.ui.widgets.narration import MORE, TABLE_KEEPS, Narration

    async def run(lesson: str) -> None:
        app = app_for(["open", lesson])
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            walk, table, _ = parts(app)
            walk.answers.update({s: ((0,), False) for s in walk.predicts})
            narration = walk.query_one(Narration)
            assert table.region.height >= TABLE_KEEPS, f"{lesson}: table {table.region.height} rows at {size}"
            for step in range(1, walk.total + 1):
                walk.go(step)
                await pilot.pause()
                assert not narration.cut and MORE not in widget_text(narration), f"{lesson} step {step} at {size}"

    for lesson in [entry.id for entry in catalog.entries([]) if entry.valid]:
        asyncio.run(run(lesson))


def test_every_lesson_at_120x40_shows_the_whole_tracker_and_a_narration_that_fits_or_says_where_the_rest_is() -> None:
    """Tall terminal, every built-in lesson, every step: the tracker is drawn whole (its values go on one
    line each when wrapped ones would pass its 9 lines), and the narration shows all its text or ends
    in the "reads the rest" line; no scrollbar."""
    import asyncio

    from tutor.lesson import catalog
    from tutor.ui.widgets.narration import MORE, Narration

    async def run(lesson: str) -> None:
        app = app_for(["open", lesson])
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            walk, _, tracker = parts(app)
            walk.answers.update({s: ((0,), False) for s in walk.predicts})
            narration = walk.query_one(Narration)
            for step in range(1, walk.total + 1):
                walk.go(step)
                await pilot.pause()
                needed = tracker.get_content_height(None, None, tracker.content_region.width)
                assert tracker.content_region.height >= needed, f"{lesson} step {step}: tracker cut"
                shown = widget_text(narration)
                assert not set(shown) & SCROLLBAR_GLYPHS
                lines = narration._shown_text.wrap(app.console, narration.content_region.width)
                assert len(lines) <= narration.content_region.height
                assert narration.cut == shown.rstrip("│ ╯╰─\n").endswith(MORE)

    for lesson in [entry.id for entry in catalog.entries([]) if entry.valid]:
        asyncio.run(run(lesson))
