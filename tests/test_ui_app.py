"""Pilot tests of the app shell: the picker, the lesson screen's modes, help, back/quit, the store,
watch mode, and the `tutor` / `tutor open` / `tutor serve` commands."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ui_support import UI_LESSON, make_app, only_fixture_lessons, static_text, sync, widget_text

from tutor.cli import main
from tutor.ui.screens.lesson import ModeStrip


@pytest.fixture(autouse=True)
def _private_home(home: Path, monkeypatch) -> None:
    only_fixture_lessons(monkeypatch)


def _notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


async def _settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


# ---------------------------------------------------------------------------------------------------
# picker


@sync
async def test_picker_lists_lessons_with_progress(tmp_path: Path) -> None:
    from textual.widgets import DataTable

    app = make_app(tmp_path, lesson=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one("#lessons", DataTable)
        assert table.row_count == 1
        assert [c.plain for c in table.get_row_at(0)] == [
            "1",
            "Sessions in four requests ◀ next up",
            "beginner",
            "5",
            "0/10",
            "—",
        ]
        app.store.record_step("ui-lesson", 4)
        app.store.record_test("ui-lesson", 8, 10, 80.0)
        app.screen.refresh_progress()
        await pilot.pause()
        assert [c.plain for c in table.get_row_at(0)][4:] == ["4/10", "80%"]


@sync
async def test_picker_typing_filters_and_enter_opens(tmp_path: Path) -> None:
    from tutor.ui.screens.lesson import LessonScreen

    other = tmp_path / "lessons"
    app = make_app(tmp_path, lesson=None)
    text = (
        UI_LESSON.read_text()
        .replace("id: ui-lesson", "id: other-lesson")
        .replace("title: Sessions in four requests", "title: Cookies alone")
    )
    (other / "other.yaml").write_text(text)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        picker = app.screen
        assert len(picker.visible_ids) == 2
        await pilot.press("c", "o", "o")  # typing on the list starts the filter
        await pilot.pause()
        assert picker.query_one("#filter").value == "coo"
        assert picker.visible_ids == ["other-lesson"]
        await pilot.press("x")
        await pilot.pause()
        assert picker.visible_ids == []
        assert "No lesson matches" in static_text(picker.query_one("#picker-empty"))
        await pilot.press("escape")  # clears the filter
        await pilot.pause()
        assert len(picker.visible_ids) == 2 and picker.query_one("#filter").value == ""
        await pilot.press("slash", "f", "o", "u", "r")
        await pilot.pause()
        assert picker.visible_ids == ["ui-lesson"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.loaded.lesson.id == "ui-lesson"


@sync
async def test_picker_arrow_keys_move_and_q_quits(tmp_path: Path) -> None:
    (tmp_path / "lessons").mkdir()
    text = (
        UI_LESSON.read_text()
        .replace("id: ui-lesson", "id: zz-lesson")
        .replace("title: Sessions in four requests", "title: Zebra sessions")
    )
    (tmp_path / "lessons" / "zz.yaml").write_text(text)
    app = make_app(tmp_path, lesson=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        picker = app.screen
        assert picker.highlighted.entry.id == "ui-lesson"
        await pilot.press("down")
        assert picker.highlighted.entry.id == "zz-lesson"
        await pilot.press("up")
        assert picker.highlighted.entry.id == "ui-lesson"
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    assert not app.is_running


@sync
async def test_picker_opening_an_invalid_lesson_notifies(tmp_path: Path) -> None:
    from tutor.ui.screens.picker import PickerScreen

    (tmp_path / "lessons").mkdir()
    bad = (
        UI_LESSON.read_text()
        .replace("id: ui-lesson", "id: bad-lesson")
        .replace("minutes: 5\n", "minutes: 5\nbogus: 1\n")
    )
    (tmp_path / "lessons" / "bad.yaml").write_text(bad)
    app = make_app(tmp_path, lesson=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        picker = app.screen
        row = picker.rows["bad-lesson"]
        assert row.problem and "bad.yaml:" in row.problem
        picker.query_one("#lessons").move_cursor(row=picker.visible_ids.index("bad-lesson"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert any("bad.yaml:" in m and "bogus" in m for m in _notifications(app))


@sync
async def test_help_lists_the_current_screens_keys(tmp_path: Path) -> None:
    from tutor.ui.screens.help import HelpScreen
    from tutor.ui.screens.lesson import LessonScreen

    app = make_app(tmp_path, lesson=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = static_text(app.screen.query_one("#help-keys"))
        assert "Open lesson" in text and "Quit" in text and "Filter" in text
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        text = static_text(app.screen.query_one("#help-keys"))
        for expected in ("Next", "Back", "Go to step", "Autoplay", "Faster", "Restart", "Next mode", "Full value"):
            assert expected in text, expected
        assert "Open lesson" not in text
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)


# ---------------------------------------------------------------------------------------------------
# lesson screen


@sync
async def test_mode_keys_cycle_through_every_tab() -> None:
    from tutor.ui.screens.lesson import MODES

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        seen = [screen.mode]
        for _ in range(len(MODES)):
            await pilot.press("right_square_bracket")
            await pilot.pause()
            seen.append(screen.mode)
        assert seen == list(MODES) + ["walkthrough"]
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert screen.mode == list(MODES)[-1] == "challenges"
        # every quiz/playground/challenges mode got its view when first shown
        views = {"visual": "#quiz-visual", "practice": "#quiz-practice", "test": "#quiz-test"}
        views |= {"play": "#playground", "challenges": "#challenges-view"}
        for mode, view in views.items():
            assert screen.query_children(view).only_one().has_class("mode-pane"), mode
        # only the mode shown is displayed (the lesson screen has no switcher or pane containers)
        assert [v.id for v in screen.query_children(".mode-pane") if v.display] == ["challenges-view"]


@sync
async def test_clicking_a_tab_and_the_command_palette_switch_modes() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        strip = screen.query_one(ModeStrip)  # the mode strip: a click on a mode's label shows it
        await pilot.click(strip, offset=(strip.offset_of("snapshot") + 1, 0))
        await pilot.pause()
        assert screen.mode == "snapshot"
        assert "GET / with no cookie" in widget_text(screen.query_one("#snapshot-text"))
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Switch to Practice")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert screen.mode == "practice"


@sync
async def test_open_lesson_from_the_command_palette(tmp_path: Path) -> None:
    from tutor.ui.screens.lesson import LessonScreen

    app = make_app(tmp_path, lesson=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Open lesson: Sessions in four requests" in commands
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Open lesson: Sessions")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)


@sync
async def test_key_moments_see_step_jumps_to_the_walkthrough() -> None:
    from tutor.ui.widgets.readable import MomentsView

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.walkthrough.answers.update({2: ((0,), True), 5: ((0,), True)})  # predict questions answered
        screen.switch_mode("moments")
        await pilot.pause()
        moments = screen.query_one(MomentsView)
        assert app.focused is moments
        text = widget_text(moments)
        assert "Q: What happens to the ID when alice signs in?" in text and "→ see step 6" in text
        # the second moment's "see step 6" link
        moments.highlighted = [o.id for o in moments._options].index("m1-s6")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.mode == "walkthrough"
        assert screen.walkthrough.current == 6
        screen.switch_mode("moments")
        await pilot.pause()
        moments.highlighted = [o.id for o in moments._options].index("m0")  # the moment itself: its first step
        await pilot.press("enter")
        await pilot.pause()
        assert screen.mode == "walkthrough" and screen.walkthrough.current == 2


@sync
async def test_quiz_step_requested_switches_to_the_walkthrough() -> None:
    from tutor.ui.widgets.quiz import QuizView

    app = make_app(mode="practice")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.mode == "practice"
        screen.walkthrough.answers.update({2: ((0,), True), 5: ((0,), True)})
        quiz = screen.query_one(QuizView)
        quiz.post_message(QuizView.StepRequested(7))
        await pilot.pause()
        assert screen.mode == "walkthrough" and screen.walkthrough.current == 7


@sync
async def test_transcript_is_shown_literally() -> None:
    app = make_app(mode="transcript")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = widget_text(app.screen.query_one("#transcript-text"))
        assert "Narrator: A browser visits the site for the first time." in text


@sync
async def test_back_goes_to_the_picker_and_ctrl_q_quits(tmp_path: Path) -> None:
    from tutor.ui.screens.lesson import LessonScreen
    from tutor.ui.screens.picker import PickerScreen

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        assert isinstance(app.screen, LessonScreen)
        await pilot.press("right", "1", "enter", "enter")  # reach step 2 (choose, confirm, close the verdict)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert app.screen.query_one("#lessons").get_row_at(0)[4].plain == "2/10"  # progress refreshed
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not app.is_running


# ---------------------------------------------------------------------------------------------------
# progress store


@sync
async def test_corrupt_progress_file_is_moved_aside_with_a_notice(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "progress.sqlite3").write_bytes(b"this is not a database" * 100)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.store is not None  # (opened now at the latest: `tutor open` opens it after the first frame)
        await pilot.pause()  # its notice shown
        assert any("corrupt" in m.lower() or "moved" in m.lower() for m in _notifications(app))


@sync
async def test_unopenable_store_still_runs_and_records_nothing(tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setenv("TUTOR_HOME", str(blocker / "home"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.store is None  # (tried now at the latest: `tutor open` opens it after the first frame)
        await pilot.pause()  # its notice shown
        assert any("Progress will not be saved" in m for m in _notifications(app))
        await pilot.press("right", "1", "enter", "enter", "right")
        await pilot.pause()
        assert app.screen.walkthrough.current == 3


# ---------------------------------------------------------------------------------------------------
# watch


@sync
async def test_watch_reloads_keeps_step_and_mode_and_shows_problems(tmp_path: Path) -> None:
    from tutor.lesson.loader import load_lesson
    from tutor.ui.app import TutorApp

    path = tmp_path / "watched.yaml"
    shutil.copy(UI_LESSON, path)
    app = TutorApp(lesson=load_lesson(path), step=4, watch=True, cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await screen.poll_file()  # unchanged: nothing happens
        assert screen.walkthrough.current == 4
        # a valid edit, saved by writing a new file and renaming it over the old one
        new = path.with_suffix(".tmp")
        new.write_text(path.read_text().replace("title: Sessions in four requests", "title: Sessions, edited"))
        new.replace(path)
        await screen.poll_file()
        await pilot.pause()
        assert app.screen is screen
        assert screen.loaded.lesson.title == "Sessions, edited"
        assert screen.walkthrough.current == 4 and screen.mode == "walkthrough"
        # an invalid edit: problems shown in the app, the last good lesson stays
        screen.switch_mode("snapshot")
        await pilot.pause()
        assert screen.mode == "snapshot"
        good = path.read_text()
        path.write_text(good.replace("level: beginner", "level: expert"))
        await screen.poll_file()
        await pilot.pause()
        panel = screen.query_one("#problems")
        assert panel.display
        assert f"{path}:6:8: error:" in static_text(panel)
        assert screen.loaded.lesson.title == "Sessions, edited"
        assert screen.mode == "snapshot"
        # fixed: the problems go away, the mode is kept
        path.write_text(good.replace("minutes: 5", "minutes: 6"))
        await screen.poll_file()
        await pilot.pause()
        assert not screen.query_one("#problems").display
        assert screen.loaded.lesson.minutes == 6 and screen.mode == "snapshot"


@sync
async def test_watch_clamps_the_step_when_the_lesson_shrinks(tmp_path: Path) -> None:
    from tutor.lesson.loader import load_lesson
    from tutor.ui.app import TutorApp

    path = tmp_path / "watched.yaml"
    shutil.copy(UI_LESSON, path)
    app = TutorApp(lesson=load_lesson(path), step=10, watch=True, cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.walkthrough.current == 10
        path.write_text(
            path.read_text().replace("destroy_session, set_cookie, clear_cookie]", "destroy_session, set_cookie]")
        )
        await screen.poll_file()
        await pilot.pause()
        assert not screen.query_one("#problems").display
        assert len(screen.loaded.steps) == 9
        assert screen.walkthrough.current == 9


# ---------------------------------------------------------------------------------------------------
# commands


def _capture_app_run(monkeypatch) -> list:
    from textual.app import App

    started: list = []
    monkeypatch.setattr(App, "run", lambda self, *a, **k: started.append(self))
    return started


def test_open_unknown_lesson_is_one_line_and_exit_1(monkeypatch, capsys) -> None:
    started = _capture_app_run(monkeypatch)
    assert main(["open", "no-such-lesson"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no-such-lesson" in err
    assert started == []


def test_open_bad_lesson_prints_its_problems_and_exit_1(tmp_path: Path, monkeypatch, capsys) -> None:
    started = _capture_app_run(monkeypatch)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        UI_LESSON.read_text().replace("level: beginner", "level: expert").replace("minutes: 5", "minutes: 0")
    )
    assert main(["open", str(bad)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err and all(line.startswith(f"{bad}:") or line.startswith("  hint:") for line in err)
    assert any(":6:8: error:" in line for line in err)
    assert started == []


def test_open_builds_the_app_in_the_mode_and_step(monkeypatch) -> None:
    started = _capture_app_run(monkeypatch)
    assert main(["open", str(UI_LESSON), "--mode", "moments", "--step", "3", "--watch"]) == 0
    (app,) = started
    assert (app.initial_mode, app.initial_step, app.watch_file) == ("moments", 3, True)
    assert app.initial_lesson.lesson.id == "ui-lesson"


def test_open_rejects_a_step_past_the_end(monkeypatch, capsys) -> None:
    started = _capture_app_run(monkeypatch)
    assert main(["open", str(UI_LESSON), "--step", "11"]) == 1
    assert "past the last step (10)" in capsys.readouterr().err
    assert started == []


def test_picker_command_starts_the_app(monkeypatch) -> None:
    started = _capture_app_run(monkeypatch)
    assert main([]) == 0
    assert type(started[0]).__name__ == "TutorApp" and started[0].initial_lesson is None


def test_serve_without_textual_serve_says_how_to_install(monkeypatch, capsys) -> None:
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("textual_serve"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    assert main(["serve"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'session-tutor[web]'" in err


def test_no_color_is_honoured(monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    assert app.no_color


@sync
async def test_every_key_moment_link_is_followed_from_the_keyboard() -> None:
    """Issue 11: the "→ see step N" links could not be followed from the keyboard; the footer names the keys."""
    from tutor.ui.widgets.readable import MomentsView

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.walkthrough.answers.update({2: ((0,), True), 5: ((0,), True)})  # predict questions answered
        link_ids = [f"m{i}-s{step}" for i, m in enumerate(screen.loaded.lesson.moments) for step in m.steps]
        links = [int(link.rsplit("-s", 1)[1]) for link in link_ids]
        assert links == [2, 5, 6]
        followed = []
        for link_id in link_ids:
            screen.switch_mode("moments")
            await pilot.pause()
            moments = screen.query_one(MomentsView)
            assert app.focused is moments
            footer = {b.binding.description: key for key, b in screen.active_bindings.items() if b.enabled}
            assert {"See step", "Next link", "Previous link"} <= set(footer)
            await pilot.press("home")  # back to the top, then down to the link only with the keys
            target = [o.id for o in moments._options].index(link_id)
            await pilot.press(*["down"] * target, "enter")
            await pilot.pause()
            assert screen.mode == "walkthrough"
            followed.append(screen.walkthrough.current)
        assert followed == links


@sync
async def test_key_moments_open_on_the_first_link() -> None:
    from tutor.ui.widgets.readable import MomentsView

    app = make_app(mode="moments")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        moments = app.screen.query_one(MomentsView)
        assert moments.highlighted is not None and moments._options[moments.highlighted].id == "m0-s2"
        app.screen.walkthrough.answers.update({2: ((0,), True)})
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.mode == "walkthrough" and app.screen.walkthrough.current == 2


@sync
async def test_a_lessons_declared_browser_kinds_reach_its_playground() -> None:
    """session-attacks declares `fox: {kind: firefox}`: its playground must play fox as firefox too."""
    from tutor.ui.widgets.playground import PlaygroundView

    lesson = Path(__file__).resolve().parents[1] / "lessons" / "session-attacks.yaml"
    app = make_app(lesson=lesson, mode="play")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        playground = app.screen.query_one(PlaygroundView)
        assert playground.sim is not None and playground.sim.browser_kind("fox") == "firefox"
        assert playground.sim.browser_kind("browser") == "chromium"


@sync
async def test_a_record_made_before_the_late_store_opens_opens_it(home: Path, monkeypatch) -> None:
    """Before the late store is opened (a moment after the first frame), the first record opens it: an
    answer given that early is kept, and so is the step the walkthrough shows."""
    import tutor.ui.app as app_module

    monkeypatch.setattr(app_module, "STORE_DELAY", 3600.0)  # the store's own timer does not fire here
    app = make_app(step=2)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.recorder.opener is not None and not (home / "progress.sqlite3").exists()
        app.recorder.step("ui-lesson", 2)  # (the walkthrough's step alone does not open it)
        assert app.recorder.opener is not None
        app.recorder.answer("ui-lesson", "q-early", "practice", [0], True, 0)
        assert app.recorder.opener is None
        store = app.store
        assert store is not None
        assert [(a.question_id, a.correct) for a in store.answers("ui-lesson")] == [("q-early", True)]
        assert store.lesson_summary("ui-lesson").steps_reached == 2


@sync
async def test_the_late_store_opens_by_itself_after_the_first_frame(home: Path) -> None:
    app = make_app(step=3)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in range(400):  # its timer (STORE_DELAY), on a loaded machine: wait for the condition
            if app.recorder.opener is None:
                break
            await pilot.pause(0.05)
        assert app.recorder.opener is None  # opened by its timer, not by this test's asking
        assert app.store is not None and app.store.lesson_summary("ui-lesson").steps_reached == 3


@sync
async def test_the_start_step_is_saved_once_the_late_store_opens(home: Path) -> None:
    """`tutor open LESSON --step 3` in the walkthrough opens the progress store after the first frame;
    the step shown before then is still saved."""
    app = make_app(step=3)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert app.store is not None
        assert app.store.lesson_summary("ui-lesson").steps_reached == 3
