"""The side-by-side lesson (two servers in one scenario, issue 19 §3): its challenge is won in the app
with the server key, its first screen is a snapshot at the four sizes, and its story holds (the database
session dies at once, the jwt one lives until it expires)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_ui_challenge_run import Host
from ui_support import make_app, only_fixture_lessons, screen_lines, sync

from tutor.engine.scenario import Event
from tutor.lesson.challenges import ChallengeRun
from tutor.lesson.loader import load_lesson
from tutor.progress import ProgressStore
from tutor.ui.widgets.challenge import ChallengesView

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "lessons" / "side-by-side.yaml"
SIZES = [(80, 24), (100, 30), (120, 40), (160, 50)]


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "home"))
    only_fixture_lessons(monkeypatch)


def by_mark(mark: str):
    loaded = load_lesson(LESSON)
    return {s.phase: s for s in loaded.trace if s.event == _event(loaded, mark)}


def _event(loaded, mark: str) -> int:
    return next(n for n, e in enumerate(loaded.lesson.scenario.events, 1) if getattr(e, "mark", None) == mark)


def test_the_database_session_dies_at_once_and_the_token_lives_until_it_expires() -> None:
    assert by_mark("db-after-restart")["send_response"].variables["status"] == 307
    assert by_mark("jwt-after-restart")["send_response"].variables["status"] == 200
    assert by_mark("thief-db")["send_response"].variables["status"] == 307
    jwt = by_mark("thief-jwt")
    assert jwt["send_response"].variables["status"] == 200 and jwt["validate"].variables["server"] == "jwt"
    late = by_mark("thief-jwt-late")
    assert late["validate"].result == "Expired at +30m: rejected"


def test_a_step_of_one_server_marks_only_that_servers_code() -> None:
    loaded = load_lesson(LESSON)
    db, jwt = loaded.lesson.code
    assert (db.server, jwt.server) == ("db", "jwt")
    first = loaded.steps[0]  # the jwt app's create_session: both samples have lines for that phase
    assert (first.phase, first.variables["server"]) == ("create_session", "jwt")
    assert db.lines["create_session"] and jwt.marked(first) == {4}
    assert db.marked(first) == frozenset()
    db_login = next(s for s in loaded.steps if s.phase == "create_session" and s.variables["server"] == "db")
    assert db.marked(db_login) == {6, 8} and jwt.marked(db_login) == frozenset()
    idle = next(s for s in loaded.steps if s.phase == "advance_clock")  # goes to no server
    assert idle.variables["server"] is None and not db.marked(idle) and not jwt.marked(idle)


def test_a_row_of_no_server_shows_no_server_in_every_view() -> None:
    """The clock's advance and the run's end go to no server: the Server column, the step dialog, the
    tracker and `tutor show` all write the loader's one spelling of that (``-``), never ``null``."""
    from tutor.lesson.loader import NO_SERVER, format_value
    from tutor.lesson.model import Tracked
    from tutor.lesson.render import render_text
    from tutor.ui.modals.dialogs import step_values
    from tutor.ui.widgets.execution_table import ExecutionTable
    from tutor.ui.widgets.variable_tracker import VariableTracker

    loaded = load_lesson(LESSON)
    column = next(c for c in loaded.lesson.table.columns if c.field == "server")
    nowhere = [s for s in loaded.steps if s.phase in ("advance_clock", "end")]
    assert len(nowhere) == 2 and all(s.variables["server"] is None for s in nowhere)
    for step in nowhere:
        assert ExecutionTable.cell(step, column).plain == NO_SERVER == "-"
        assert step_values(step, [column]).plain.startswith("Server\n-\n")
    tracker = VariableTracker([Tracked(variable="server")])
    tracker.set_steps(loaded.steps)
    assert tracker.text(loaded.steps.index(nowhere[-1]), Tracked(variable="server")) == "-"
    assert format_value(None) == "null" and format_value(None, "user") == "null"  # every other absent value
    rows = [line.split()[:3] for line in render_text(loaded).splitlines() if "Scenario over" in line]
    assert rows == [["25", "-", "scenario"]]  # `tutor show`: #, Server, Who


@sync
async def test_the_challenge_is_won_with_the_server_key(tmp_path) -> None:
    with ProgressStore.open(tmp_path / "progress.sqlite3") as store:
        app = Host("side-by-side", store)
        async with app.run_test(size=(160, 50)) as pilot:
            view = app.query_one(ChallengesView)
            view.start("shut-out-now")
            await pilot.pause()
            run = view.playground.challenge_run
            # v: the db server; E: sign alice out there; v, N: rotate the jwt server's secret;
            # b: the thief; v, d: the db app; v, d: the jwt app
            await pilot.press("v", "E", "v", "N", "b", "v", "d", "v", "d")
            await pilot.pause()
            assert [(e.verb, e.server, e.as_) for e in run.events] == [
                ("sign_out_everywhere", "db", "browser"),
                ("rotate_secret", "jwt", "browser"),
                ("request", "db", "thief"),
                ("request", "jwt", "thief"),
            ]
            assert run.finished and run.result.reached and run.outcome().stars == 3
            assert "next server" in "\n".join(screen_lines(app))


def test_the_jwt_sign_out_alone_does_not_win() -> None:
    loaded = load_lesson(LESSON)
    challenge = next(c for c in loaded.lesson.challenges if c.id == "shut-out-now")
    run = ChallengeRun(loaded.lesson, challenge)
    try:
        for event in (
            Event(sign_out_everywhere="alice", server="db"),
            Event(sign_out_everywhere="alice", server="jwt"),
            Event(request="GET /dashboard", as_="thief", server="db"),
            Event(request="GET /dashboard", as_="thief", server="jwt"),
        ):
            run.play(event)
        assert not run.finished  # the jwt copy still opens the dashboard
    finally:
        run.close()


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_first_screen(snap_compare, size) -> None:
    assert snap_compare(make_app(lesson=LESSON), terminal_size=size, run_before=_settle)
