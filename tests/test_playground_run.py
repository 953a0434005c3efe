"""PlaygroundRun without a screen: events, browsers, kinds, restarts, replays and exports."""

from __future__ import annotations

import pytest

from tutor.engine import run_scenario
from tutor.engine.scenario import EngineOptions, Event, Scenario, Steal, Tamper, Xss
from tutor.lesson.playground_run import PlaygroundRun, claim_value, tamper_problem, tracked_variables


def test_the_steps_are_the_engines_trace() -> None:
    run = PlaygroundRun()
    assert run.events == [] and run.steps == []
    new = run.play(run.request_event(request="GET /"))
    assert new and run.steps == list(run.sim.trace)
    assert [e.request for e in run.events] == ["GET /"]
    assert "1 event" in run.status_line()


def test_an_engine_error_changes_nothing() -> None:
    run = PlaygroundRun()
    with pytest.raises(ValueError):
        run.play(Event(advance="soon"))
    assert run.events == []


def test_a_browser_the_engine_creates_joins_the_run() -> None:
    run = PlaygroundRun()
    run.play(run.login_event(True))
    assert run.browsers == ["browser"]
    run.play(run.steal_event())
    assert run.events[-1].steal == Steal(from_="browser", to="attacker")
    assert run.browsers == ["browser", "attacker"]
    variables = [t.variable for t in run.tracked()]
    assert "jar.attacker" in variables and "document.cookie.attacker" in variables


def test_the_attacker_steals_for_the_default_browser() -> None:
    run = PlaygroundRun()
    run.browser = "attacker"
    assert run.xss_event().xss == Xss(to="browser") and run.xss_event().as_ == "attacker"


def test_a_cross_site_request_adds_the_same_site_row() -> None:
    run = PlaygroundRun()
    assert "same_site" not in [t.variable for t in run.tracked()]
    run.play(run.login_event(True))
    run.cross_site = True
    run.play(run.request_event(request="GET /dashboard"))
    assert run.same_site_seen and "same_site" in [t.variable for t in run.tracked()]


def test_kind_of_an_unused_browser_changes_without_replay() -> None:
    run = PlaygroundRun()
    said, replayed = run.next_kind()
    assert (said, replayed) == ("browser is firefox now", False)
    assert run.sim.browser_kind("browser") == "firefox" and run.previous_run is None


def test_kind_of_a_used_browser_replays_the_run() -> None:
    run = PlaygroundRun()
    run.play(run.login_event(True))
    before = run.steps
    sim = run.sim
    said, replayed = run.next_kind()
    assert replayed and said == "browser is firefox now: 1 event replayed"
    assert run.sim is not sim and sim.closed
    assert run.sim.browser_kind("browser") == "firefox"
    assert len(run.events) == 1 and len(run.steps) == len(before)
    assert run.previous_run is not None and run.previous_run.browsers == {}
    assert run.current_run.browsers == {"browser": "firefox"}


def test_restart_keeps_the_run_for_export() -> None:
    run = PlaygroundRun()
    run.add_browser("phone")
    run.play(run.request_event(request="GET /"))
    run.restart(EngineOptions(strategy="jwt"))
    assert run.events == [] and run.steps == [] and run.browsers == ["browser"] and run.browser == "browser"
    assert run.previous_run is not None and [e.as_ for e in run.previous_run.events] == ["phone"]
    assert [r.options.strategy for r in run.exportable()] == ["database"]
    assert run.can_export


def test_an_export_replays_to_the_same_trace() -> None:
    run = PlaygroundRun(kinds={"fox": "firefox", "unused": "safari"})
    run.browser = "fox"
    run.play(run.login_event(True))
    run.play(run.tamper_event("forged"))
    exported = run.current_run
    assert exported.browsers == {"fox": "firefox"}  # only the kinds of browsers its events used
    replayed = run_scenario(Scenario(engine=exported.options, browsers=exported.browsers, events=list(exported.events)))
    assert [s.to_json() for s in replayed][:-1] == [s.to_json() for s in run.steps]


def test_tamper_claims_only_in_jwt() -> None:
    assert PlaygroundRun().tamper_event("sub=bob").tamper == Tamper(value="sub=bob")
    jwt = PlaygroundRun(EngineOptions(strategy="jwt"))
    assert jwt.tamper_event("admin=true").tamper == Tamper(claims={"admin": True})
    assert [claim_value(v) for v in ("42", "null", "x")] == [42, None, "x"]
    assert tamper_problem("") and tamper_problem("a b") and tamper_problem("abc") is None


def test_new_browser_names_are_checked() -> None:
    run = PlaygroundRun()
    assert run.browser_name_problem("browser") == "there is already a browser called browser"
    assert run.browser_name_problem("9lives") is not None and run.browser_name_problem("phone") is None
    run.add_browser("phone")
    assert run.browsers == ["browser", "phone"] and run.browser == "phone"
    assert run.next_browser() == "browser"


def test_a_players_run_does_not_restart() -> None:
    class Player:
        def __init__(self) -> None:
            self.sim = PlaygroundRun().sim
            self.played: list[Event] = []

        def play(self, event):
            self.played.append(event)
            return self.sim.play(event)

    player = Player()
    run = PlaygroundRun(player=player)
    run.play(run.request_event(request="GET /"))
    assert len(player.played) == 1 and run.sim is player.sim
    with pytest.raises(RuntimeError):
        run.restart(EngineOptions())


def test_tracked_variables_follow_the_strategy() -> None:
    assert tracked_variables("database", [])[-1].variable == "store"
    assert tracked_variables("jwt", [])[-1].variable == "token"
