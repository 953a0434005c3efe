"""Several servers side by side in one scenario (`servers:` and an event's `server:`): each keeps its own
store, secret and IDs, the browser's one jar keeps their cookies apart by host, the trace names each
server's variables, and every wrong `servers:`/`server:` is a positioned error."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor.engine import Simulation, run_scenario
from tutor.engine.goals import Count, Goal, evaluate
from tutor.engine.scenario import CookieOptions, EngineOptions, Event, Scenario, Steal, Xss
from tutor.engine.scenario_check import check_scenario
from tutor.lesson.loader import LoadError, scenario_from_text

JWT = EngineOptions(strategy="jwt", host="jwt.example")
DB = EngineOptions(strategy="database", host="db.example", seed=2)
SERVERS = {"jwt": JWT, "db": DB}


def both_signed_in() -> list[Event]:
    return [Event(login="alice", server="jwt"), Event(login="alice", server="db")]


def run(*events: Event) -> list:
    scenario = Scenario(servers=SERVERS, events=[*both_signed_in(), *events])
    assert check_scenario(scenario) == []
    return list(run_scenario(scenario))


def last_status(steps: list, server: str) -> int | None:
    return [s for s in steps if s.phase == "send_response" and s.variables["server"] == server][-1].variables["status"]


def test_each_server_keeps_its_own_state_and_the_trace_names_it() -> None:
    steps = run()
    end = steps[-1].variables
    assert [row["user"] for row in end["store.db"]] == ["alice"]
    assert end["store.jwt"] is None  # a jwt server stores no sessions
    assert end["secrets.jwt"] == ["secret 1"] and end["secrets.db"] is None
    assert "store" not in end and "secrets" not in end and "token_versions" not in end
    # the one jar holds both cookies, each with its host
    assert [line.split(":", 1)[0] for line in end["jar.browser"]] == ["jwt.example", "db.example"]
    # every step of a request names its server; the end step none
    assert {s.variables["server"] for s in steps if s.event == 1} == {"jwt"}
    assert {s.variables["server"] for s in steps if s.event == 2} == {"db"}
    assert end["server"] is None


def test_a_request_carries_only_the_cookie_of_its_server_host() -> None:
    steps = run(Event(request="GET /dashboard", server="db"))
    receive = [s for s in steps if s.phase == "receive"][-1]
    assert list(receive.variables["cookieStore"]) == ["sessionId"]
    assert receive.session_id == steps[-1].variables["store.db"][0]["id"]  # the db cookie, not the token


@pytest.mark.parametrize(
    ("event", "db_after", "jwt_after"),
    [
        (Event(sign_out_everywhere="alice", server="db"), 307, 200),
        (Event(sign_out_everywhere="alice", server="jwt"), 200, 200),  # jwt: nothing to delete
        (Event(restart_server=None, server="db"), 307, 200),  # the memory store loses its rows
        (Event(rotate_secret=None, server="jwt"), 200, 307),  # the old token no longer verifies
        (Event(rotate_secret=None, server="db"), 200, 200),  # session IDs are not signed
    ],
)
def test_an_event_acts_on_its_server_only(event: Event, db_after: int, jwt_after: int) -> None:
    steps = run(event, Event(request="GET /dashboard", server="db"), Event(request="GET /dashboard", server="jwt"))
    assert (last_status(steps, "db"), last_status(steps, "jwt")) == (db_after, jwt_after)


def test_the_jwt_session_lives_until_it_expires() -> None:
    steps = run(
        Event(sign_out_everywhere="alice", server="db"),
        Event(sign_out_everywhere="alice", server="jwt"),
        Event(advance="31m"),
        Event(request="GET /dashboard", server="jwt"),
    )
    assert last_status(steps, "jwt") == 307
    assert any(s.phase == "validate" and s.result.startswith("Expired") for s in steps)


def test_each_server_has_its_users_and_its_token_versions() -> None:
    servers = {
        "jwt": EngineOptions(strategy="jwt", host="jwt.example", token_version=True, users={"carol": "c"}),
        "db": DB,
    }
    steps = list(
        run_scenario(
            Scenario(
                servers=servers,
                events=[
                    Event(login="carol", server="jwt"),
                    Event(sign_out_everywhere="carol", server="jwt"),
                    Event(request="GET /dashboard", server="jwt"),
                ],
            )
        )
    )
    assert steps[-1].variables["token_versions.jwt"] == {"carol": 1}
    assert any(s.result.endswith("revoked") for s in steps)
    problems = check_scenario(Scenario(servers=servers, events=[Event(login="carol", server="db")]))
    assert [p.field for p in problems] == ["login"]


def test_a_step_of_no_server_asks_every_servers_cookie() -> None:
    """`cookie_present` on a step that goes to no server (advance, close_browser, end): the browser holds the
    session cookie of any server. Signed in to the second server only, the end row says yes (it read the
    first server's cookie only before); a step that goes to a server still asks only that one."""
    scenario = Scenario(
        servers=SERVERS, events=[Event(login="alice", server="db"), Event(advance="1m"), Event(close_browser=None)]
    )
    steps = list(run_scenario(scenario))
    assert [(s.phase, s.cookie_present) for s in steps[-3:]] == [
        ("advance_clock", True),
        ("close_browser", False),  # a session cookie (no Max-Age): gone with the browser
        ("end", False),
    ]
    steps = run(Event(restart_server=None, server="jwt"), Event(logout=True, server="jwt"), Event(advance="1m"))
    assert steps[-1].phase == "end" and steps[-1].cookie_present  # the db cookie is still there
    assert [s.cookie_present for s in steps if s.phase == "store_cookie"][-1] is False  # the jwt one is gone
    with Simulation(servers=SERVERS) as sim:
        sim.play(Event(login="alice", server="db"))
        assert sim.play(Event(restart_server=None, server="jwt"))[0].cookie_present is False  # jwt's cookie only
        assert sim.end()[-1].cookie_present is True


def test_sessions_goal_counts_every_server() -> None:
    servers = {"a": EngineOptions(host="a.example"), "b": EngineOptions(host="b.example", seed=3)}
    steps = run_scenario(
        Scenario(servers=servers, events=[Event(login="alice", server="a"), Event(login="bob", server="b")])
    )
    assert evaluate(Goal(sessions=2), steps).reached
    assert not evaluate(Goal(sessions=Count(max=1)), steps).reached


def test_one_server_under_servers_keeps_the_one_server_names() -> None:
    steps = run_scenario(Scenario(servers={"db": DB}, events=[Event(login="alice")]))
    assert "store" in steps[-1].variables and "server" not in steps[-1].variables


def test_a_single_server_run_is_unchanged() -> None:
    events = [Event(login="alice"), Event(request="GET /dashboard"), Event(restart_server=None)]
    plain = run_scenario(Scenario(events=events))
    assert list(plain[-1].variables)[:11] == [
        "clock",
        "request",
        "cookieStore",
        "session",
        "status",
        "set_cookie",
        "store",
        "token",
        "same_site",
        "secrets",
        "token_versions",
    ]
    assert "server" not in plain[-1].variables


def test_the_simulation_refuses_a_wrong_or_missing_server() -> None:
    with Simulation(servers=SERVERS) as sim:
        with pytest.raises(ValueError, match="names its server"):
            sim.play(Event(login="alice"))
        with pytest.raises(ValueError, match="unknown server 'web'"):
            sim.play(Event(login="alice", server="web"))
        assert len(sim.trace) == 0
        sim.play(Event(advance="1m"))  # the clock belongs to no server


def test_steal_and_xss_take_the_cookie_of_their_server() -> None:
    readable = EngineOptions(host="db.example", seed=2, cookie=CookieOptions(http_only=False))
    servers = {
        "jwt": EngineOptions(strategy="jwt", host="jwt.example", cookie=CookieOptions(http_only=False)),
        "db": readable,
    }
    steps = run_scenario(
        Scenario(
            servers=servers,
            events=[
                *both_signed_in(),
                Event(steal=Steal(from_="browser", to="thief"), server="jwt"),
                Event(xss=Xss(to="attacker"), server="db"),
            ],
        )
    )
    end = steps[-1].variables
    assert [line.split(":", 1)[0] for line in end["jar.thief"]] == ["jwt.example"]
    assert [line.split(":", 1)[0] for line in end["jar.attacker"]] == ["db.example"]
    assert steps[-2].session_id == end["store.db"][0]["id"]


FILE = """\
servers:
  jwt: {strategy: jwt, host: jwt.example}
  db: {host: jwt.example, idle_timeout: 0s}
events:
  - login: alice
  - login: alice
    server: web
  - advance: 1m
    server: db
  - login: carol
    server: db
"""


def problems(text: str) -> list[str]:
    with pytest.raises(LoadError) as caught:
        scenario_from_text(text, "two.yaml")
    return [str(p) for p in caught.value.problems]


def test_every_wrong_server_is_a_positioned_error() -> None:
    found = problems(FILE)
    assert found == [
        "two.yaml:3:14: error: expected a host of its own for server db, found 'jwt.example', the host of server jwt "
        "(the browser keeps cookies per host: give each server its own, e.g. db.example)",
        "two.yaml:3:41: error: server db: idle_timeout must be longer than 0s (use none to switch it off)",
        "two.yaml:5:5: error: expected `server:` naming one of jwt, db (the scenario has 2 servers), found none",
        "two.yaml:7:13: error: expected one of the scenario's servers (jwt, db), found 'web'",
        "two.yaml:9:13: error: server applies to the events that go to a server (request, login, logout, tamper, "
        "steal, xss, restart_server, set_cookie, sign_out_everywhere, rotate_secret, document_cookie), not to advance",
        "two.yaml:10:12: error: unknown user 'carol' (users: alice, bob)",
    ]


def test_a_duplicate_server_name_is_a_positioned_error() -> None:
    text = "servers:\n  a: {host: a.example}\n  a: {host: b.example}\nevents: [{login: alice}]\n"
    assert problems(text)[0].startswith("two.yaml:3:3: error: duplicate key `a` (first at line 2)")


def test_server_without_servers_and_engine_with_servers_are_errors() -> None:
    assert problems("events:\n  - login: alice\n    server: db\n") == [
        "two.yaml:3:13: error: expected no `server:` (this scenario has one server, given by `engine:`), found 'db'"
    ]
    text = "engine: {strategy: jwt}\nservers:\n  a: {host: a.example}\nevents: [login: alice]\n"
    assert problems(text) == [
        "two.yaml:1:9: error: expected either `engine:` or `servers:`, found both: give each server its options"
    ]


def test_a_bad_server_name_is_a_schema_error() -> None:
    assert "two.yaml:2:3" in problems("servers:\n  Web: {host: a.example}\nevents: []\n")[0]


def test_tutor_simulate_names_the_server_of_each_step(tmp_path, capsys) -> None:
    from tutor.cli import main

    path = tmp_path / "two.yaml"
    path.write_text(
        "servers:\n  jwt: {strategy: jwt, host: jwt.example}\n  db: {host: db.example}\n"
        "events:\n  - {login: alice, server: db}\n  - advance: 1m\n",
        encoding="utf-8",
    )
    assert main(["simulate", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "| [db] Receive POST /login " in lines[2]
    assert "| Advance the clock 1m " in next(line for line in lines if "Advance" in line)  # no server
    assert main(["simulate", str(path), "--format", "json"]) == 0
    steps = json.loads(capsys.readouterr().out)
    assert steps[0]["variables"]["server"] == "db" and "store.db" in steps[0]["variables"]


# -- any mix of servers and events: checked ones run, unchecked ones are refused with a ValueError --------

SERVER_NAMES = st.sampled_from(["jwt", "db", "web", None])
VERB_EVENTS = st.sampled_from(
    [
        {"login": "alice"},
        {"request": "GET /dashboard"},
        {"logout": None},
        {"restart_server": None},
        {"rotate_secret": None},
        {"sign_out_everywhere": "alice"},
        {"advance": "31m"},
        {"clear_cookies": None},
        {"steal": Steal(from_="browser", to="thief")},
        {"request": "GET /api/session", "as_": "thief"},
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(VERB_EVENTS, SERVER_NAMES), max_size=12), st.booleans())
def test_checked_scenarios_run_and_the_rest_are_refused(items, several) -> None:
    servers = SERVERS if several else {"db": DB}
    events = [Event(**verb, server=server) for verb, server in items]
    scenario = Scenario(servers=servers, events=events)
    found = check_scenario(scenario)
    if not found:
        trace = run_scenario(scenario)
        assert trace[-1].phase == "end"
        return
    with Simulation(servers=servers) as sim:
        refused = 0
        for event in events:
            try:
                sim.play(event)
            except ValueError:
                refused += 1
    # every problem the check finds is about an event's server or its arguments; the engine refuses at
    # least the ones whose server is wrong or missing
    wrong = sum(
        1
        for e in events
        if e.verb in ("login", "request", "logout", "restart_server", "rotate_secret", "sign_out_everywhere", "steal")
        and (e.server not in servers if e.server is not None else several)
    )
    assert refused == wrong
