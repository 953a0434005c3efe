"""Hardening: random event sequences through `run_scenario`.

Every verb and modifier, both strategies, both stores, random engine options. The engine must never
raise anything but its documented errors (for scenarios `check_scenario` finds problems in), its
trace must be JSON-serialisable, and two runs of the same scenario must give identical JSON.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor.engine.scenario import (
    VERB_MODIFIERS,
    BrowserOptions,
    CookieOptions,
    EngineOptions,
    Event,
    Scenario,
    Steal,
    Tamper,
    Xss,
)
from tutor.engine.trace import PHASES, STEP_FIELDS

engine = pytest.importorskip("tutor.engine.simulation", reason="the engine's simulation module has not landed yet")
from tutor.engine import check_scenario, run_scenario  # noqa: E402

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

browsers = st.sampled_from(["browser", "phone", "attacker", "laptop", "b-2", "X_y"])
durations = st.sampled_from(["1s", "90s", "5m", "29m", "30m", "31m", "1h30m", "2h", "8h", "9h", "1d", "7d", "0s"])
optional_durations = st.one_of(st.just("none"), durations.filter(lambda d: d != "0s"))
paths = st.sampled_from(
    [
        "GET /",
        "GET /dashboard",
        "GET /profile",
        "GET /login",
        "POST /login",
        "POST /logout",
        "GET /logout",
        "GET /api/session",
        "GET /nowhere",
        "GET /a?b=c",
        "POST /",
        "GET /dashboard/settings",
        "PUT /api/items/3",
        "OPTIONS /",
        "HEAD /dashboard",
    ]
)
users = st.sampled_from(["alice", "bob", "mallory", ""])
claim_values = st.one_of(st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.text(max_size=12))
notes = st.one_of(st.none(), st.text(max_size=20))


def verb_args(strategy: str) -> dict:
    claims = st.dictionaries(
        st.sampled_from(["sub", "exp", "iat", "sid", "role", "x"]), claim_values, min_size=1, max_size=3
    )
    values = st.text(alphabet="abcdef0123456789.-_", max_size=40)
    tamper_body = (
        st.one_of(values.map(lambda v: {"value": v}), claims.map(lambda c: {"claims": c}))
        if strategy == "jwt"
        else values.map(lambda v: {"value": v})
    )
    return {
        "request": paths,
        "login": users,
        "logout": st.none(),
        "advance": durations,
        "tamper": st.builds(
            lambda cookie, body: Tamper(cookie=cookie, **body),
            st.one_of(st.none(), st.sampled_from(["sessionId", "other", "next-auth.session-token"])),
            tamper_body,
        ),
        "steal": st.builds(
            Steal, from_=browsers, to=browsers, cookie=st.one_of(st.none(), st.just("sessionId"), st.just("nope"))
        ),
        "xss": st.builds(Xss, to=browsers),
        "clear_cookies": st.none(),
        "restart_server": st.none(),
        "close_browser": st.none(),
        # hand-written headers: anything at all, one or a list (check_scenario refuses what is not a header)
        "set_cookie": st.one_of(st.text(max_size=60), st.lists(st.text(max_size=40), min_size=1, max_size=4)),
        # a script's document.cookie writes: anything at all too (the jar's non-HTTP API rules judge them)
        "document_cookie": st.one_of(st.text(max_size=60), st.lists(st.text(max_size=40), min_size=1, max_size=4)),
    }


BROWSER_VERBS = {
    "request",
    "login",
    "logout",
    "tamper",
    "xss",
    "clear_cookies",
    "close_browser",
    "set_cookie",
    "document_cookie",
}


@st.composite
def events(draw, strategy: str = "database", sloppy: bool = False):
    """One event. Not ``sloppy``: only combinations the format allows (the loader rejects the others)."""
    args = verb_args(strategy)
    verb = draw(st.sampled_from(sorted(args)))
    kwargs = {verb: draw(args[verb]), "note": draw(notes)}
    if sloppy or verb in BROWSER_VERBS:
        kwargs["as_"] = draw(browsers)
    for modifier, allowed in VERB_MODIFIERS.items():
        if (verb not in allowed and not sloppy) or not draw(st.booleans()):
            continue
        if modifier in ("cross_site", "top_level"):
            kwargs[modifier] = draw(st.booleans())
        elif modifier == "scheme":
            kwargs["scheme"] = draw(st.sampled_from(["https", "http"]))
        elif modifier == "password":
            kwargs["password"] = draw(st.one_of(st.none(), st.sampled_from(["wonderland", "builder", "wrong", ""])))
        elif modifier == "remember":
            kwargs["remember"] = draw(st.booleans())
        elif modifier == "answers":
            kwargs["answers"] = draw(st.sampled_from(["GET /", "POST /api/auth/callback/credentials", "PUT /a/b"]))
        elif modifier == "status":
            kwargs["status"] = draw(st.integers(100, 599))
    event = Event(**kwargs)
    if (
        verb in ("logout", "clear_cookies", "restart_server", "close_browser")
        and event.as_ == "browser"
        and draw(st.integers(0, 3)) == 0
    ):
        return verb  # the bare-string form
    return event


@st.composite
def engine_options(draw, sloppy: bool = False):
    strategy = draw(st.sampled_from(["database", "jwt"]))
    secure = draw(st.booleans())
    same_sites = ["strict", "lax", "none", "unset"] if (secure or sloppy) else ["strict", "lax", "unset"]
    return EngineOptions(
        strategy=strategy,
        store=draw(st.sampled_from(["memory", "sqlite"])) if (strategy == "database" or sloppy) else "memory",
        idle_timeout=draw(optional_durations),
        absolute_timeout=draw(optional_durations),
        update_age=draw(optional_durations),
        rotate_on_login=draw(st.booleans()),
        anonymous_sessions=draw(st.booleans()),
        seed=draw(st.integers(0, 2**31)),
        cookie=CookieOptions(
            name=draw(st.sampled_from(["sessionId", "next-auth.session-token", "__Host-sid", "s"])),
            http_only=draw(st.booleans()),
            secure=secure,
            same_site=draw(st.sampled_from(same_sites)),
            max_age=draw(optional_durations),
            remember_max_age=draw(durations.filter(lambda d: d != "0s")),
        ),
    )


@st.composite
def scenarios(draw, sloppy: bool = False, max_events: int = 25):
    engine = draw(engine_options(sloppy))
    evs = draw(st.lists(events(engine.strategy, sloppy), max_size=max_events))
    kinds = st.fixed_dictionaries({"kind": st.sampled_from(["chromium", "firefox", "safari"])})
    declared = draw(st.dictionaries(browsers, kinds.map(lambda d: BrowserOptions(**d)), max_size=3))
    if not sloppy:  # a declared browser must be used
        used = {"browser"} | {e.as_ for e in evs if isinstance(e, Event)}
        declared = {name: b for name, b in declared.items() if name in used}
    return Scenario(engine=engine, browsers=declared, events=evs)


def _run(scenario: Scenario):
    """Run the scenario; only the documented failure mode is allowed: a scenario with problems."""
    problems = check_scenario(scenario)
    try:
        trace = run_scenario(scenario)
    except ValueError as exc:
        # documented: a scenario that check_scenario has problems with may be refused with a
        # one-line ValueError (e.g. a bare event that is not a verb); a valid one never is.
        if problems:
            assert str(exc).strip() and "\n" not in str(exc)
            return None, problems
        raise
    return trace, problems


@SETTINGS
@given(scenarios())
def test_random_scenarios_run_serialise_and_repeat(scenario):
    trace, problems = _run(scenario)
    if trace is None:
        assert all(isinstance(p.message, str) and p.message for p in problems)
        return
    first = json.dumps(trace.to_json(), sort_keys=True)
    again = run_scenario(scenario)
    assert json.dumps(again.to_json(), sort_keys=True) == first
    steps = list(trace)
    assert steps, "a trace has at least the final step"
    assert [s.step for s in steps] == list(range(1, len(steps) + 1))
    assert steps[-1].phase == "end"
    assert all(s.phase in PHASES for s in steps)
    events_count = len(scenario.events)
    assert all(0 <= s.event <= events_count for s in steps)
    assert [s.event for s in steps if s.event] == sorted(s.event for s in steps if s.event)
    for s in steps:
        for name in STEP_FIELDS:
            s.get(name)  # every contract field is readable


@SETTINGS
@given(scenarios(sloppy=True, max_events=12))
def test_sloppy_scenarios_get_problems_not_crashes(scenario):
    """Modifiers on the wrong verbs, sqlite with jwt, same_site none without secure ...: check_scenario
    names the problems, and running anyway either works or fails with the documented ValueError."""
    _run(scenario)
    for problem in check_scenario(scenario):
        assert problem.event is None or 0 <= problem.event < len(scenario.events)
        assert isinstance(problem.message, str) and problem.message.strip()
        assert "\n" not in problem.message


@settings(max_examples=25, deadline=None)
@given(scenarios(max_events=15))
def test_simulation_step_by_step_matches_run_scenario(scenario):
    """Playing events one at a time (the playground) gives the same steps as running the scenario."""
    from tutor.engine import Simulation

    options, evs = scenario.engine, scenario.events
    trace, problems = _run(scenario)
    if trace is None:
        return
    sim = Simulation(options, {name: b.kind for name, b in scenario.browsers.items()})
    try:
        for event in evs:
            sim.play(event)
        played = json.dumps(sim.trace.to_json(), sort_keys=True)
    finally:
        sim.close()
    whole = json.dumps(trace.to_json()[:-1], sort_keys=True)  # run_scenario adds the final "end" step
    assert played == whole
