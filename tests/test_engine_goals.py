"""Goal predicates (tutor/engine/goals.py) judged against real engine runs."""

from __future__ import annotations

import json

import msgspec
import pytest

from tutor.engine import EngineOptions, Event, Simulation
from tutor.engine.goals import Contains, Count, Goal, evaluate, goal_kinds, spell
from tutor.engine.scenario import CookieOptions, Steal, Xss


def _goal(data: dict) -> Goal:
    return msgspec.convert(data, Goal)


def _fixation(rotate: bool) -> Simulation:
    sim = Simulation(EngineOptions(rotate_on_login=rotate))
    sim.play(Event(request="GET /", as_="attacker"))
    sim.play(Event(steal=Steal(from_="attacker", to="browser")))
    sim.play(Event(login="alice"))
    sim.play(Event(request="GET /dashboard", as_="attacker"))
    return sim


ATTACKER_IN = {"step": {"actor": "attacker", "request": "GET /dashboard", "user": "alice", "status": 200}}


def test_a_step_goal_is_reached_by_the_first_matching_step():
    with _fixation(rotate=False) as sim:
        result = evaluate(_goal(ATTACKER_IN), sim.trace)
        assert result.reached and not result.failed
        assert result.step is sim.trace[-1]  # the attacker's 200 is the last step played
        assert (result.step.phase, result.step.result) == ("send_response", "200 OK: dashboard for alice")
        # before the attacker's request the goal is pending
        assert evaluate(_goal(ATTACKER_IN), sim.trace[: len(sim.trace) - 5]).state == "pending"


def test_rotation_on_keeps_the_goal_out_of_reach():
    with _fixation(rotate=True) as sim:
        assert evaluate(_goal(ATTACKER_IN), sim.trace).state == "pending"


def test_values_are_compared_in_the_trace_answers_spelling():
    with _fixation(rotate=False) as sim:
        assert evaluate(_goal({"step": {"status": "200", "actor": "attacker"}}), sim.trace).reached
        assert evaluate(_goal({"step": {"cookie_present": "true", "actor": "attacker"}}), sim.trace).reached
        assert evaluate(_goal({"step": {"user": None, "actor": "attacker"}}), sim.trace).reached
        assert not evaluate(_goal({"step": {"status": 201}}), sim.trace).reached
    assert spell(None) == "null" and spell(True) == "true" and spell(["a"]) == '["a"]'


def test_contains_matches_text_and_compact_json():
    with _fixation(rotate=False) as sim:
        goal = _goal({"step": {"result": {"contains": "session fixation"}}})
        assert goal.step["result"] == Contains(contains="session fixation")
        result = evaluate(goal, sim.trace)
        assert result.reached and result.step.phase == "rotate_session"
        assert evaluate(_goal({"end": {"jar.attacker": {"contains": "HttpOnly"}}}), sim.trace).reached


def test_end_reads_the_last_step_and_ignores_the_end_row():
    sim = Simulation(EngineOptions(cookie=CookieOptions(http_only=False)))
    sim.play(Event(login="alice"))
    sim.play(Event(xss=Xss(to="attacker")))
    goal = _goal({"end": {"document.cookie.attacker": {"contains": "sessionId="}}})
    result = evaluate(goal, sim.trace)
    assert result.reached and result.step.phase == "xss"
    trace = sim.end()  # the `end` row (scenario actor) is not what the learner did
    assert trace[-1].phase == "end"
    assert evaluate(goal, trace).step.phase == "xss"
    assert evaluate(_goal({"end": {"clock": "+0s"}}), []).state == "pending"
    sim.close()


def test_sessions_counts_stored_rows_and_jwt_stores_none():
    with Simulation(EngineOptions()) as sim:
        sim.play(Event(request="GET /"))
        sim.play(Event(request="GET /", as_="phone"))
        assert evaluate(_goal({"sessions": 2}), sim.trace).reached
        assert evaluate(_goal({"sessions": {"min": 3}}), sim.trace).state == "pending"
        assert evaluate(_goal({"sessions": {"max": 2}}), sim.trace).reached
        sim.play(Event(restart_server=None))
        result = evaluate(_goal({"sessions": 0}), sim.trace)
        assert result.reached and result.step.phase == "restart_server"
    with Simulation(EngineOptions(strategy="jwt")) as sim:
        sim.play(Event(login="alice"))
        assert evaluate(_goal({"sessions": 0}), sim.trace).reached
    assert msgspec.convert({"sessions": {"min": 1}}, Goal).sessions == Count(min=1)


def test_never_fails_the_run_and_all_any_combine():
    with _fixation(rotate=False) as sim:
        never_login = _goal({"never": {"phase": "check_credentials"}})
        failed = evaluate(never_login, sim.trace)
        assert failed.failed and failed.step.phase == "check_credentials"
        combined = _goal({"all": [ATTACKER_IN, {"never": {"phase": "check_credentials"}}]})
        assert evaluate(combined, sim.trace).failed
        # never holds at once when nothing matches; all: needs the positive part too
        quiet = _goal({"all": [ATTACKER_IN, {"never": {"phase": "tamper_cookie"}}]})
        result = evaluate(quiet, sim.trace)
        assert result.reached and result.step is sim.trace[-1]
        assert evaluate(quiet, sim.trace[:3]).state == "pending"
        either = _goal({"any": [{"step": {"phase": "steal_cookies"}}, ATTACKER_IN]})
        assert evaluate(either, sim.trace).step.phase == "steal_cookies"  # the earlier one
        both_fail = _goal({"any": [{"never": {"phase": "steal_cookies"}}, {"never": {"phase": "receive"}}]})
        assert evaluate(both_fail, sim.trace).failed


STEAL, RECEIVE, LOGIN = ({"phase": p} for p in ("steal_cookies", "receive", "check_credentials"))
JUNCTIONS = [
    {"any": [{"never": STEAL}, {"never": RECEIVE}]},
    {"all": [{"step": STEAL}, {"step": LOGIN}, ATTACKER_IN]},
    {"any": [{"all": [{"step": LOGIN}, {"never": STEAL}]}, {"all": [ATTACKER_IN, {"never": RECEIVE}]}]},
    {"all": [{"any": [{"step": STEAL}, {"step": LOGIN}]}, {"step": RECEIVE}]},
    {"all": [{"never": {"phase": "tamper_cookie"}}, {"any": [{"never": LOGIN}, {"never": STEAL}]}]},
]


@pytest.mark.parametrize("junction", JUNCTIONS, ids=lambda g: json.dumps(g)[:60])
def test_all_and_any_are_decided_at_the_step_from_which_they_hold(junction):
    # all and any are one rule (Kleene's and/or): the deciding step is the one the whole took its state
    # at, so the run is in that state from the step on and was not just before it (a failed any: the
    # step its last goal failed, as a reached all is the step its last goal was reached)
    with _fixation(rotate=False) as sim:
        trace = list(sim.trace)
        result = evaluate(_goal(junction), trace)
        assert result.state != "pending" and result.step is not None
        at = trace.index(result.step)
        assert evaluate(_goal(junction), trace[: at + 1]).state == result.state
        assert evaluate(_goal(junction), trace[:at]).state != result.state


def test_an_any_whose_goals_all_fail_fails_where_the_last_one_did():
    with _fixation(rotate=False) as sim:
        first = {p["phase"]: next(s for s in sim.trace if s.phase == p["phase"]) for p in (STEAL, RECEIVE)}
        assert first["receive"].step < first["steal_cookies"].step
        result = evaluate(_goal(JUNCTIONS[0]), sim.trace)
        assert result.failed and result.step is first["steal_cookies"]


def test_in_order_judges_each_goal_after_the_one_before():
    with _fixation(rotate=False) as sim:
        login_then_in = _goal({"in_order": [{"step": {"phase": "check_credentials"}}, ATTACKER_IN]})
        result = evaluate(login_then_in, sim.trace)
        assert result.reached and result.step is sim.trace[-1]
        # the attacker's first visit (step 1) came before the login: it does not count after it
        visit_after_login = _goal(
            {
                "in_order": [
                    {"step": {"phase": "check_credentials"}},
                    {"step": {"actor": "attacker", "request": "GET /"}},
                ]
            }
        )
        assert evaluate(visit_after_login, sim.trace).state == "pending"
        # a never watches only the steps after the goal before it
        no_steal_after_login = _goal(
            {"in_order": [{"step": {"phase": "check_credentials"}}, {"never": {"phase": "steal_cookies"}}]}
        )
        assert evaluate(no_steal_after_login, sim.trace).reached
        no_request_after_login = _goal(
            {"in_order": [{"step": {"phase": "check_credentials"}}, {"never": {"actor": "attacker"}}]}
        )
        failed = evaluate(no_request_after_login, sim.trace)
        assert failed.failed and failed.step.actor == "attacker"


def test_goal_kinds_names_the_keys_given():
    assert goal_kinds(_goal({"all": [{"sessions": 1}]})) == ["all"]
    assert goal_kinds(_goal({"step": {"actor": "x"}, "never": {"actor": "y"}})) == ["step", "never"]
    assert goal_kinds(Goal()) == []
    assert evaluate(Goal(), []).state == "pending"


def test_goals_module_imports_no_ui_or_yaml():
    import subprocess
    import sys

    code = "import sys, tutor.engine.goals; print(sorted(m for m in ('textual', 'rich', 'yaml') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("bad", [{"step": {}}, {"all": []}, {"sessions": -1}, {"stpe": {"a": 1}}])
def test_the_types_refuse_malformed_goals(bad):
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert(bad, Goal)


# -- explain: every goal failure names what was expected and what was found ------------------------------


def test_explain_names_the_fields_of_the_closest_step_that_differ():
    from tutor.engine.goals import explain

    with _fixation(rotate=True) as sim:
        why = explain(_goal(ATTACKER_IN), sim.trace)
        assert why.startswith("no step matches; the closest is step ")
        assert "expected `user: alice`, found `null`" in why
        assert "expected `status: 200`, found `307`" in why
        assert "actor" not in why.split(":", 2)[-1].split(")", 1)[-1]  # only the fields that differ


def test_explain_end_sessions_never_and_combinations():
    from tutor.engine.goals import explain

    with _fixation(rotate=False) as sim:
        trace = sim.trace
        last = f"after the last step (step {trace[-1].step} ({trace[-1].actor}: {trace[-1].action}))"
        assert explain(_goal({"sessions": 3}), trace) == f"{last}: expected 3 sessions stored, found 1"
        assert explain(_goal({"sessions": {"min": 5}}), trace).endswith("expected at least 5 sessions stored, found 1")
        assert explain(_goal({"end": {"user": "bob"}}), trace) == f"{last}: expected `user: bob`, found `alice`"
        why = explain(_goal({"end": {"jar.attacker": {"contains": "nothing-like-this"}}}), trace)
        assert "expected `jar.attacker` containing `nothing-like-this`, found `" in why
        broken = _goal({"all": [ATTACKER_IN, {"never": {"actor": "attacker", "status": 200}}]})
        assert evaluate(broken, trace).failed
        why = explain(broken, trace)
        first = next(s for s in trace if s.actor == "attacker" and s.get("status") == 200)
        assert why == (
            f"step {first.step} (attacker: {first.action}) has what `never` rules out: `actor: attacker`, `status: 200`"
        )
        ordered = _goal({"in_order": [{"step": {"actor": "attacker"}}, {"step": {"actor": "nobody"}}]})
        why = explain(ordered, trace)
        assert why.startswith("goal 2 of `in_order` (after step 1 (attacker: ") and "expected `actor: nobody`" in why
        either = _goal({"any": [{"sessions": 9}, {"end": {"user": "bob"}}]})
        assert explain(either, trace) == (
            "none of the `any` goals holds: "
            f"{last}: expected 9 sessions stored, found 1; or: "
            f"{last}: expected `user: bob`, found `alice`"
        )
        assert explain(_goal(ATTACKER_IN), trace).startswith("reached at step ")


def test_explain_before_any_step_and_long_values_are_cut():
    from tutor.engine.goals import FOUND_WIDTH, explain

    assert explain(_goal({"step": {"status": 200}}), []) == "no step yet; expected a step with `status: 200`"
    assert explain(_goal({"sessions": 1}), []) == "no step yet; expected 1 session stored"
    with _fixation(rotate=False) as sim:
        why = explain(_goal({"end": {"jar.attacker": "x"}}), sim.trace)
        found = why.rsplit("found `", 1)[1].rstrip("`")
        assert len(found) == FOUND_WIDTH and found.endswith("…")
