"""`tutor open capture.har`: the walkthrough over a capture (snapshots; keys; export; no progress)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor.capture.lesson import MAX_SHOWN, capture_lesson
from tutor.capture.load import load_capture

HAND = Path(__file__).parent / "fixtures" / "har" / "hand"
RECORDED = HAND.parent / "recorded"
SIZES = [(80, 24), (100, 30), (120, 40), (160, 50)]
IDS = ["80x24", "100x30", "120x40", "160x50"]


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "home"))


def capture_app(name: str = "php-firefox.har", fixtures: Path = HAND, *, folder: Path | None = None):
    from tutor.ui.capture_app import CaptureApp

    path = fixtures / name
    replay = load_capture(path)
    return CaptureApp(capture_lesson(replay, path), replay, folder=folder, cursor_blink=False)


async def _to_step(pilot, step: int = 3) -> None:
    pilot.app.screen.walkthrough.go(step)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_capture_walkthrough(snap_compare, size) -> None:
    assert snap_compare(capture_app(), terminal_size=size, run_before=_to_step)


def test_capture_walkthrough_light(snap_compare) -> None:
    async def light(pilot) -> None:
        pilot.app.theme = "textual-light"
        await _to_step(pilot, 5)

    assert snap_compare(capture_app("nextauth-chromium.har"), terminal_size=(120, 40), run_before=light)


def test_recorded_capture_findings_wrap_at_160x50(snap_compare) -> None:
    """Real Chromium's next-auth capture: its long findings wrap in the pane (they were cut with `…`)."""
    assert snap_compare(capture_app("chromium-nextauth.har", RECORDED), terminal_size=(160, 50), run_before=_to_step)


@pytest.mark.parametrize("size", [(100, 30), (120, 40), (160, 50), (200, 60)])
def test_every_finding_is_drawn_whole(size) -> None:
    """The findings pane draws every word of every finding (wrapped, none cut) at each size that has the
    pane: tall terminals all of them, a short one (three rows) all of them as it scrolls."""
    import asyncio

    from tutor.ui.widgets.code_view import CodeSampleView, CodeView

    async def run() -> None:
        app = capture_app("chromium-nextauth.har", RECORDED)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            view = app.screen.query_one(CodeSampleView)
            pane = app.screen.query_one(CodeView)
            drawn = [strip.text for strip in view.render_lines(view.region.reset_offset)]
            tall = size[1] >= 34
            # tall: inside the round border; short: under the one rule on top (code_view.tcss)
            top, *rows = drawn[:-1] if tall else drawn
            rows = [row[1:-1] for row in rows] if tall else rows
            assert "Findings" in top and "…" not in "".join(rows)
            assert " ".join("".join(rows).split()) == " ".join(view.sample.source.split())
            if tall:  # the pane shows them all, none hidden below
                assert view.outer_size.height <= pane.size.height

    asyncio.run(run())


def test_steps_narrate_and_export_without_overwriting(tmp_path: Path) -> None:
    import asyncio

    (tmp_path / "capture-1.yaml").write_text("mine\n")
    app = capture_app(folder=tmp_path)
    asyncio.run(_steps_and_export(app))
    _after(tmp_path, app)


async def _steps_and_export(app) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right")  # (it opens at step 1)
        await pilot.pause()
        walk = app.screen.walkthrough
        assert walk.current == 2
        from tutor.ui.widgets.narration import Narration

        text = str(app.screen.query_one(Narration).render())
        assert "PHPSESSID NOT rotated at login" in text and "aaa111" not in text
        await pilot.press("e")
        await pilot.pause()


def _after(tmp_path: Path, app) -> None:
    assert (tmp_path / "capture-1.yaml").read_text() == "mine\n"
    exported = (tmp_path / "capture-2.yaml").read_text()
    assert "aaa111" not in exported and "set_cookie" in exported
    from tutor.lesson.loader import load_lesson

    lesson = load_lesson(tmp_path / "capture-2.yaml").lesson  # a lesson `tutor check` takes, named by its file
    assert lesson.id == "capture-2" and len(lesson.narration) == 5
    assert app.store is None and not (tmp_path / "home").exists()  # nothing recorded


def test_long_capture_opens_in_windows() -> None:
    path = HAND / "php-firefox.har"
    replay = load_capture(path)
    loaded = capture_lesson(replay, path, first=2)
    assert [s.step for s in loaded.steps] == [1, 2, 3, 4]
    assert loaded.steps[0].action == "POST /login.php" and "steps 2–5 of 5" in loaded.lesson.title
    # its rows count from 1; the narration says which step of the capture each is (the findings' numbers)
    assert [n.text.splitlines()[0] for n in loaded.lesson.narration] == [f"capture step {n} of 5" for n in (2, 3, 4, 5)]
    assert not capture_lesson(replay, path).lesson.narration[0].text.startswith("capture step")
    assert MAX_SHOWN >= 100


def test_a_window_is_replayed_only_up_to_its_end() -> None:
    path = HAND / "php-firefox.har"
    replay = load_capture(path, upto=3)
    assert len(replay.trace) == 3 and replay.total == 5
    loaded = capture_lesson(replay, path)
    assert loaded.lesson.title.startswith("Capture php-firefox.har · steps 1–3 of 5 (firefox;")  # kept at 80 columns
    assert loaded.lesson.code[0].source.startswith("Findings of steps 1–3 (tutor show lists them all):")


def test_capture_snapshot_mode(snap_compare) -> None:
    async def snapshot(pilot) -> None:
        await pilot.press("right_square_bracket")
        await pilot.pause()

    assert snap_compare(capture_app(), terminal_size=(80, 24), run_before=snapshot)


def test_a_capture_offers_only_the_modes_it_has_content_for() -> None:
    import asyncio

    from tutor.ui.screens.lesson import ModeStrip

    async def run() -> None:
        app = capture_app()
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            assert screen.query_one(ModeStrip).modes == ("walkthrough", "snapshot", "transcript")
            seen = []
            for _ in range(3):
                await pilot.press("right_square_bracket")
                await pilot.pause()
                seen.append(screen.mode)
            assert seen == ["snapshot", "transcript", "walkthrough"]
            await pilot.press("left_square_bracket")
            await pilot.pause()
            assert screen.mode == "transcript"
            commands = [c.title for c in app.get_system_commands(screen) if c.title.startswith("Switch to")]
            assert commands == ["Switch to Walkthrough", "Switch to Snapshot", "Switch to Transcript"]
            with pytest.raises(ValueError):
                screen.switch_mode("test")
            text = screen.query_one("#snapshot-text").text
            assert "5 requests replayed as firefox; session cookie: PHPSESSID" in text
            assert "ID not rotated at login" in text and "aaa111" not in text

    asyncio.run(run())


def test_other_windows_open_in_the_app_and_a_bad_entry_there_is_one_line(tmp_path: Path) -> None:
    import asyncio
    from functools import partial

    from capture_support import entry, write

    from tutor.capture.har import read_har
    from tutor.capture.replay import replay
    from tutor.ui.capture_app import CaptureApp
    from tutor.ui.widgets.variable_tracker import VariableTracker

    count = 2 * MAX_SHOWN + 60
    entries = [entry(i) for i in range(count)]
    entries[2 * MAX_SHOWN + 20]["response"]["status"] = "ok"  # in the third window
    path = write(tmp_path / "long.har", entries)
    good = [entry(i) for i in range(2 * MAX_SHOWN)]
    full = replay(read_har(write(tmp_path / "ref.har", good)))  # the first two windows, replayed whole
    load = partial(load_capture, path)
    first = load(upto=MAX_SHOWN)
    app = CaptureApp(capture_lesson(first, path), first, load=lambda upto: load(upto=upto), cursor_blink=False)

    async def until(pilot, condition) -> None:
        for _ in range(600):  # a generous deadline: the worker replays 500 requests
            if condition():
                return
            await pilot.pause(0.05)
        raise AssertionError("the condition never held")

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            assert not app.screen.check_action("window", (-1,)) and app.screen.check_action("window", (1,))
            await pilot.press("greater_than_sign")
            await until(pilot, lambda: getattr(app.screen, "first", 1) == MAX_SHOWN + 1)
            screen = app.screen
            assert f"steps {MAX_SHOWN + 1}–{2 * MAX_SHOWN} of {count}" in screen.loaded.lesson.title
            shown = screen.loaded.steps[0]
            expected = full.trace.steps[MAX_SHOWN]
            assert shown.action == expected.action and dict(shown.variables) == dict(expected.variables)
            assert screen.query(VariableTracker)  # the walkthrough is on screen at the window's first step
            await pilot.press("greater_than_sign")  # the third window holds the bad entry
            await until(pilot, lambda: bool(app._notifications) and not app.screen.loading)
            assert app.screen is screen  # the window shown stays
            errors = [n.message for n in app._notifications if n.severity == "error"]
            assert len(errors) == 1 and "\n" not in errors[0]
            assert errors[0].startswith(f"{path}:{2 * MAX_SHOWN + 20 + 3}:") and "response.status" in errors[0]
            await pilot.press("less_than_sign")
            await until(pilot, lambda: getattr(app.screen, "first", 0) == 1)

    asyncio.run(run())


def test_no_findings_says_whether_a_session_cookie_was_found() -> None:
    """The cookie matrix has no session cookie: its pane must not claim one with HttpOnly, Secure, SameSite."""
    from tutor.capture.lesson import findings_text

    assert findings_text(load_capture(RECORDED / "chromium-cookie-matrix.har")) == (
        "No session cookie recognised (--session-cookie NAME names it), so nothing to check."
    )
    text = findings_text(load_capture(RECORDED / "chromium-cookie-matrix.har", session_cookie="lax"))
    assert text.startswith("step 1: session cookie without HttpOnly")


# -- `tutor open`'s first window before the whole-file check (issue 20: the first frame) -------------------


async def _until(pilot, condition) -> None:
    for _ in range(600):  # a generous deadline: the check reads the whole file in a worker thread
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the condition never held")


def _first_window_app(path: Path):
    from tutor.capture.load import open_capture
    from tutor.ui.capture_app import CaptureApp

    replayed, capture = open_capture(path, upto=MAX_SHOWN)
    assert not replayed.counted  # the whole file is still to be checked
    return CaptureApp(
        capture_lesson(replayed, path),
        replayed,
        load=capture.window,  # as `tutor open` gives it: windows replayed on, or cut, not from the start
        confirm=capture.confirm,
        cursor_blink=False,
    )


def _title(app) -> str:
    return str(app.screen.query_one("#title").render())


def test_the_first_window_shows_before_the_count_and_the_total_comes_after(tmp_path: Path) -> None:
    import asyncio

    from capture_support import in_order, write

    count = MAX_SHOWN + 30
    path = write(tmp_path / "long.har", [in_order(i) for i in range(count)])
    app = _first_window_app(path)

    async def run() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = app.screen
            assert f"steps 1–{MAX_SHOWN} of … (counting)" in _title(app)  # at 80 columns too
            assert not screen.check_action("window", (1,)) and not screen.check_action("export", ())
            await _until(pilot, lambda: screen.replay.counted)
            assert app.screen is screen  # the same screen, now with the count
            assert f"steps 1–{MAX_SHOWN} of {count} (" in _title(app) and screen.replay.total == count
            assert screen.check_action("window", (1,)) and screen.check_action("export", ())
            assert "the first" not in screen.loaded.lesson.snapshot and f"{MAX_SHOWN} of {count} requests" in (
                screen.loaded.lesson.snapshot
            )
            assert not app._notifications  # nothing to say: the usual case
            await pilot.press("greater_than_sign")
            await _until(pilot, lambda: getattr(app.screen, "first", 1) == MAX_SHOWN + 1)
            full = load_capture(path)
            steps = app.screen.loaded.steps
            assert [dict(s.variables) for s in steps] == [dict(s.variables) for s in full.trace.steps[MAX_SHOWN:]]
            await pilot.press("less_than_sign")
            await _until(pilot, lambda: getattr(app.screen, "first", 0) == 1 and not app.screen.loading)
            assert app.screen.replay.findings == load_capture(path, upto=MAX_SHOWN).findings

    asyncio.run(run())


def test_entries_out_of_time_order_past_the_first_window_replay_it_again(tmp_path: Path) -> None:
    import asyncio

    from capture_support import in_order, write

    count = MAX_SHOWN + 30
    entries = [in_order(i) for i in range(count)]
    entries[MAX_SHOWN + 10]["startedDateTime"] = in_order(3)["startedDateTime"]  # earlier than the window's end
    path = write(tmp_path / "late-early.har", entries)
    expected = load_capture(path, upto=MAX_SHOWN)  # checked whole: the time order
    assert expected.exchanges[4].url.endswith(f"/page/{MAX_SHOWN + 10}")
    app = _first_window_app(path)

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            first = app.screen
            assert [s.action for s in first.loaded.steps][4] == "GET /page/4"
            await _until(pilot, lambda: app.screen is not first and bool(app.screen.query("ExecutionTable")))
            await pilot.pause()
            screen = app.screen
            assert screen.replay.counted and screen.first == 1
            assert [dict(s.variables) for s in screen.loaded.steps] == [dict(s.variables) for s in expected.trace.steps]
            assert [ex.url for ex in screen.replay.exchanges] == [ex.url for ex in expected.exchanges]
            assert f"steps 1–{MAX_SHOWN} of {count} (" in _title(app)
            said = [n.message for n in app._notifications]
            assert any("not in time order: replaying its first 250 requests in time order" in m for m in said)

    asyncio.run(run())


def test_a_file_bad_past_the_first_window_ends_the_app_with_its_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    from capture_support import in_order, write
    from textual.app import App

    from tutor.capture.har import HarError, read_har
    from tutor.cli import main
    from tutor.ui.capture_app import CaptureApp

    entries = [in_order(i) for i in range(MAX_SHOWN + 30)]
    entries[MAX_SHOWN + 20]["startedDateTime"] = "tomorrow"
    path = write(tmp_path / "late.har", entries)
    with pytest.raises(HarError) as eager:
        read_har(path)
    shown: list[str] = []

    def headless(self, *args, **kw):  # `tutor open` as in a terminal, without one
        async def seen(pilot) -> None:
            shown.append(_title(pilot.app))

        return App.run(self, headless=True, size=(100, 30), auto_pilot=seen)

    monkeypatch.setattr(CaptureApp, "run", headless)
    assert main(["open", str(path)]) == 1
    assert shown and "of … (counting)" in shown[0]  # the first window was on screen
    err = capsys.readouterr().err
    assert err == f"{eager.value}\n" and f"{path}:{MAX_SHOWN + 20 + 3}:" in err and "tomorrow" in err


def test_a_bad_entry_that_the_time_order_brings_into_the_first_window_ends_the_app(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    """An entry past the first window, earlier in time and malformed: the check (dates only) asks for the
    first window again in time order, whose replay meets the entry; `tutor open` of a checked file reports it
    before its first frame, so the app ends with the same line, exit 1 (not a notice and a title that says
    "counting" for ever)."""
    from capture_support import in_order, write
    from textual.app import App

    from tutor.capture.har import HarError, read_har
    from tutor.cli import main
    from tutor.ui.capture_app import CaptureApp

    entries = [in_order(i) for i in range(MAX_SHOWN + 30)]
    entries[MAX_SHOWN + 10]["startedDateTime"] = in_order(3)["startedDateTime"]
    entries[MAX_SHOWN + 10]["request"]["method"] = 7  # not a string
    path = write(tmp_path / "early-bad.har", entries)
    with pytest.raises(HarError) as eager:
        read_har(path)
    shown: list[str] = []

    def headless(self, *args, **kw):
        async def seen(pilot) -> None:
            shown.append(_title(pilot.app))
            for _ in range(400):  # the check and the window's replay end the app within seconds
                if pilot.app.return_code is not None:
                    return
                await pilot.pause(0.05)
            pilot.app.exit(return_code=99)  # (still running: the title would say "counting" for ever)

        return App.run(self, headless=True, size=(100, 30), auto_pilot=seen)

    monkeypatch.setattr(CaptureApp, "run", headless)
    assert main(["open", str(path)]) == 1
    assert shown and "of … (counting)" in shown[0]
    assert capsys.readouterr().err == f"{eager.value}\n"


def test_a_capture_left_before_its_check_ends_leaves_the_app_running(tmp_path: Path) -> None:
    import asyncio

    from capture_support import in_order, write

    entries = [in_order(i) for i in range(MAX_SHOWN + 30)]
    entries[MAX_SHOWN + 20]["startedDateTime"] = "tomorrow"  # (a bad file: the app stays, the capture was left)
    app = _first_window_app(write(tmp_path / "left.har", entries))

    async def run() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            from tutor.capture.har import HarError
            from tutor.ui.screens.capture import CHECK_DELAY

            capture = app.screen
            await pilot.press("escape")  # back to the lessons, before the check has run: it never runs
            await pilot.pause(CHECK_DELAY + 0.5)
            assert app.return_code is None and app.screen is not capture and capture.confirm is not None
            # a check that ends after the capture was left (its worker thread cannot be stopped): nothing
            capture._bad_file(HarError(str(tmp_path), 1, 1, "late"))
            capture._counted(MAX_SHOWN + 30, None)
            await pilot.pause(0.2)
            assert app.return_code is None and app.late_error is None and app.screen is not capture

    asyncio.run(run())
