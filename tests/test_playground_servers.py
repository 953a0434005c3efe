"""The playground with several servers side by side: requests, logins and server events go to the chosen
server (`v` picks the next), the tracker shows each server's store, and an export writes `servers:`."""

from __future__ import annotations

import pytest
from quiz_host import PlaygroundHost, active_keys, sync
from ui_support import widget_text

from tutor.engine import run_scenario
from tutor.engine.scenario import EngineOptions, Event
from tutor.lesson.loader import scenario_from_text
from tutor.lesson.playground_run import PlaygroundRun
from tutor.ui.scenario_export import scenario_to_yaml

SERVERS = {
    "jwt": EngineOptions(strategy="jwt", host="jwt.example"),
    "db": EngineOptions(host="db.example", seed=2),
}


@pytest.fixture(autouse=True)
def _tutor_home(home, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # exports land here


def test_events_go_to_the_chosen_server_and_the_tracker_shows_each_store() -> None:
    run = PlaygroundRun(servers=SERVERS)
    try:
        assert run.server == "jwt" and run.mode_line() == "chromium · server jwt (jwt) · https · same-site"
        run.play(run.login_event(True))
        assert run.next_server() == "db"
        run.play(run.login_event(True))
        run.play(Event(sign_out_everywhere="alice"))
        run.play(Event(advance="1m"))  # goes to no server: left as it is
        assert [e.server for e in run.events] == ["jwt", "db", "db", None]
        assert [t.variable for t in run.tracked()][:7] == [
            "clock",
            "server",
            "status",
            "session",
            "cookieStore",
            "store.db",
            "token",
        ]
        assert run.steps[-1].variables["store.db"] == []
        assert run.next_server() == "jwt"
    finally:
        run.close()


def test_an_export_of_several_servers_replays_to_the_same_trace() -> None:
    run = PlaygroundRun(servers=SERVERS)
    try:
        run.play(run.login_event(True))
        run.next_server()
        run.play(run.request_event(request="GET /dashboard"))
        exported = run.current_run
        text = scenario_to_yaml(exported.options, exported.events, exported.browsers, exported.servers)
        assert text.startswith("servers:\n  jwt:\n    strategy: jwt\n    host: jwt.example\n  db:\n")
        again = run_scenario(scenario_from_text(text))
        assert [s.to_json() for s in again][:-1] == [s.to_json() for s in run.steps]
        assert exported.describe() == "2 events, 2 servers"
    finally:
        run.close()


def test_the_users_offered_are_the_chosen_servers() -> None:
    servers = {"jwt": SERVERS["jwt"], "db": EngineOptions(host="db.example", users={"carol": "c", "alice": "a"})}
    run = PlaygroundRun(servers=servers)
    try:
        assert (run.users, run.user) == (["alice", "bob"], "alice")
        assert run.next_server() == "db" and (run.users, run.user) == (["carol", "alice"], "alice")  # alice stays
        assert run.next_user() == "carol"
        run.play(run.login_event(True))
        assert run.steps[-1].variables["server"] == "db" and run.steps[-1].user == "carol"
        assert run.next_server() == "jwt" and (run.users, run.user) == (["alice", "bob"], "alice")  # no carol here
    finally:
        run.close()


@sync
async def test_the_user_select_follows_the_server() -> None:
    servers = {"jwt": SERVERS["jwt"], "db": EngineOptions(host="db.example", users={})}
    app = PlaygroundHost(servers=servers)
    async with app.run_test(size=(160, 50)) as pilot:
        from textual.widgets import Select

        select = app.query_one("#pg-user", Select)
        assert select.value == "alice"
        await pilot.press("v")  # the db server has no users
        assert select.value == "" and "(no users)" in widget_text(select) and "l" not in active_keys(app)
        await pilot.press("v")
        assert select.value == "alice" and "l" in active_keys(app)


def test_one_server_run_has_no_server_choice() -> None:
    run = PlaygroundRun(EngineOptions())
    try:
        assert run.server_names == [] and run.next_server() == ""
        run.play(run.login_event(True))
        assert run.events[0].server is None
        assert "server" not in [t.variable for t in run.tracked()]
    finally:
        run.close()


@sync
async def test_the_v_key_picks_the_server_and_only_with_several() -> None:
    app = PlaygroundHost(servers=SERVERS)
    async with app.run_test(size=(160, 50)) as pilot:
        view = app.query_one("#playground")
        assert {"v"} <= active_keys(app) and "j" not in active_keys(app) and "O" not in active_keys(app)
        await pilot.press("l", "v", "l", "d")
        assert [(e.login or e.request, e.server) for e in view.events] == [
            ("alice", "jwt"),
            ("alice", "db"),
            ("GET /dashboard", "db"),
        ]
        assert "server db (database)" in str(app.query_one("#pg-request-mode").render())
        assert "next server" in widget_text(app.query_one("#pg-keys"))
    plain = PlaygroundHost()
    async with plain.run_test(size=(160, 50)):
        assert "v" not in active_keys(plain)
        assert "next server" not in widget_text(plain.query_one("#pg-keys"))


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (160, 50)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_two_servers_after_a_login_on_each(snap_compare, size) -> None:
    assert snap_compare(PlaygroundHost(servers=SERVERS), terminal_size=size, press=["l", "v", "l", "d"])
