"""Browser kinds (SameSite defaults, SameSite=None without Secure), closing a browser, "remember me",
cookie options that would inject attributes, and the browser/event limits (issue 9 §2, issue 10 §3)."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from test_engine_helpers import event_steps, status

from tutor.engine import Scenario, Simulation, check_scenario, run_scenario
from tutor.engine.cookies import CookieJar
from tutor.engine.headers import attribute_problem, build_set_cookie
from tutor.engine.limits import MAX_BROWSERS, MAX_EVENTS, LimitExceeded
from tutor.engine.scenario import EngineOptions, Event
from tutor.engine.tokens import peek

HOST = "app.example"


def scenario(events: list[Any], browsers: dict[str, Any] | None = None, **engine: Any) -> Scenario:
    return msgspec.convert({"engine": engine, "browsers": browsers or {}, "events": events}, Scenario)


def run(events: list[Any], browsers: dict[str, Any] | None = None, **engine: Any):
    return run_scenario(scenario(events, browsers, **engine))


def problems(events: list[Any], browsers: dict[str, Any] | None = None, **engine: Any) -> list[tuple]:
    return [(p.event, p.field) for p in check_scenario(scenario(events, browsers, **engine))]


def step_of(trace, event: int, phase: str):
    (step,) = [s for s in event_steps(trace, event) if s.phase == phase]
    return step


# -- SameSite unset: chromium's Lax (with the Lax+POST exception) versus firefox/safari's None -------------
def _jar_with(kind: str, attributes: str = "Secure", now: int = 0) -> CookieJar:
    jar = CookieJar(kind)
    assert jar.set_from_header(f"sid=1; {attributes}", host=HOST, path="/", scheme="https", now=now).outcome == "stored"
    return jar


def _sent_cross_site(jar: CookieJar, method: str, now: int, top_level: bool = True) -> bool:
    got = jar.cookies_for(
        host=HOST, path="/", scheme="https", now=now, method=method, cross_site=True, top_level=top_level
    )
    return [c.pair() for c in got] == ["sid=1"]


@pytest.mark.parametrize(
    ("kind", "age", "expected"),
    [
        ("chromium", 0, True),  # fresh: the 2-minute Lax+POST exception
        ("chromium", 40, True),
        ("chromium", 120, True),  # "at most 2 minutes" (Chromium's IsRecentlyCreated uses <=)
        ("chromium", 121, False),  # plain Lax now
        ("firefox", 0, True),  # None by default: always sent
        ("firefox", 86400, True),
        ("safari", 86400, True),
    ],
)
def test_unset_same_site_on_a_top_level_cross_site_post(kind: str, age: int, expected: bool) -> None:
    jar = _jar_with(kind)
    assert _sent_cross_site(jar, "POST", now=age) is expected


@pytest.mark.parametrize("kind", ["chromium", "firefox", "safari"])
def test_explicit_same_site_is_the_same_in_every_kind(kind: str) -> None:
    lax = _jar_with(kind, "Secure; SameSite=Lax")
    assert not _sent_cross_site(lax, "POST", now=0)  # the exception is only for a missing attribute
    assert _sent_cross_site(lax, "GET", now=0)
    strict = _jar_with(kind, "Secure; SameSite=Strict")
    assert not _sent_cross_site(strict, "GET", now=0)


def test_chromium_unset_is_lax_for_subresources_even_when_fresh() -> None:
    jar = _jar_with("chromium")
    assert not _sent_cross_site(jar, "POST", now=0, top_level=False)
    assert not _sent_cross_site(jar, "GET", now=0, top_level=False)
    assert _sent_cross_site(jar, "GET", now=500)  # top-level GET navigation: Lax sends it


def test_the_rule_that_decided_is_said_in_words() -> None:
    jar = _jar_with("chromium", now=0)
    (cookie,) = jar.all(0)
    assert jar.same_site_rule(cookie, method="POST", top_level=True, now=40) == (
        True,
        "SameSite unset → Lax (chromium default), cookie 40s old: Lax+POST exception, sent",
    )
    sent, why = jar.same_site_rule(cookie, method="POST", top_level=True, now=180)
    assert not sent and why.startswith("SameSite unset → Lax (chromium default), cookie 3m old: too old")
    firefox = _jar_with("firefox")
    (cookie,) = firefox.all(0)
    assert firefox.same_site_rule(cookie, method="POST", top_level=True, now=9) == (
        True,
        "SameSite unset → None (firefox default): sent cross-site",
    )


@pytest.mark.parametrize(("kind", "stored"), [("chromium", False), ("firefox", False), ("safari", True)])
def test_same_site_none_without_secure_depends_on_the_kind(kind: str, stored: bool) -> None:
    jar = CookieJar(kind)
    outcome = jar.set_from_header("sid=1; SameSite=None", host=HOST, path="/", scheme="https", now=0)
    assert (outcome.outcome == "stored") is stored
    if not stored:
        assert outcome.reason == f"SameSite=None without Secure: {kind} rejects it"


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown browser kind"):
        CookieJar("netscape")
    with Simulation() as sim, pytest.raises(ValueError, match="unknown browser kind"):
        sim.set_browser_kind("browser", "netscape")


# -- the same in a scenario: firefox versus chromium, and the trace's same_site variable --------------------
CSRF = [
    {"login": "alice"},
    {"login": "alice", "as": "fox"},
    {"advance": "5m"},
    {"request": "POST /transfer", "cross_site": True},
    {"request": "POST /transfer", "cross_site": True, "as": "fox"},
]


def test_firefox_versus_chromium_same_site_unset_cross_site_post() -> None:
    trace = run(CSRF, browsers={"fox": {"kind": "firefox"}}, cookie={"same_site": "unset"})
    assert status(trace, 4) == 401  # chromium: Lax by default, the cookie is 5 minutes old
    assert status(trace, 5) == 200  # firefox: None by default, CSRF works
    chromium = step_of(trace, 4, "receive").variables["same_site"]
    firefox = step_of(trace, 5, "receive").variables["same_site"]
    assert (
        chromium
        == "SameSite unset → Lax (chromium default), cookie 5m old: too old for the 2-minute Lax+POST exception, not sent"
    )
    assert firefox == "SameSite unset → None (firefox default): sent cross-site"
    # same-site requests and other events: nothing to explain
    assert step_of(trace, 1, "receive").variables["same_site"] is None
    assert step_of(trace, 3, "advance_clock").variables["same_site"] is None


def test_fresh_chromium_cookie_gets_the_lax_post_exception_in_a_run() -> None:
    trace = run(
        [{"login": "alice"}, {"advance": "40s"}, {"request": "POST /transfer", "cross_site": True}],
        cookie={"same_site": "unset"},
    )
    assert status(trace, 3) == 200
    assert step_of(trace, 3, "receive").variables["same_site"] == (
        "SameSite unset → Lax (chromium default), cookie 40s old: Lax+POST exception, sent"
    )


def test_undeclared_browsers_are_chromium_and_the_playground_can_set_a_kind() -> None:
    options = msgspec.convert({"cookie": {"same_site": "unset"}}, EngineOptions)
    with Simulation(options) as sim:
        sim.play(Event(login="alice"))
        sim.play(Event(advance="5m"))
        assert sim.browser_kind("browser") == "chromium" and sim.browser_kinds == {}
        blocked = sim.play(Event(request="POST /transfer", cross_site=True))
        assert blocked[-1].variables["status"] == 401
        sim.set_browser_kind("browser", "safari")
        assert sim.browser_kinds == {"browser": "safari"}
        allowed = sim.play(Event(request="POST /transfer", cross_site=True))
        assert allowed[-1].variables["status"] == 200
        sim.set_browser_kind("later", "firefox")  # not created until it acts
        assert "later" not in sim.browsers and sim.browser_kind("later") == "firefox"


def test_same_site_none_without_secure_in_a_run_shows_who_rejects() -> None:
    events = [{"request": "GET /"}, {"request": "GET /", "as": "mac"}]
    trace = run(events, browsers={"mac": {"kind": "safari"}}, cookie={"same_site": "none", "secure": False})
    assert (
        step_of(trace, 1, "store_cookie").result
        == "sessionId rejected (SameSite=None without Secure: chromium rejects it)"
    )
    assert step_of(trace, 2, "store_cookie").result == "sessionId stored"


# -- close_browser ------------------------------------------------------------------------------------------
def test_close_browser_drops_session_cookies_and_keeps_persistent_ones() -> None:
    jar = CookieJar()
    for header in ("a=1; Secure", "b=2; Secure; Max-Age=600", "c=3; Secure; Expires=Fri, 01 Jan 2027 00:00:00 GMT"):
        jar.set_from_header(header, host=HOST, path="/", scheme="https", now=0)
    assert jar.close_session() == 1
    assert sorted(c.name for c in jar.all(0)) == ["b", "c"]


def test_close_browser_event_with_and_without_remember_me() -> None:
    events = [
        {"login": "alice"},
        {"login": "alice", "as": "laptop", "remember": True},
        {"close_browser": None},
        {"close_browser": None, "as": "laptop"},
        {"request": "GET /dashboard"},
        {"request": "GET /dashboard", "as": "laptop"},
    ]
    trace = run(events, idle_timeout="1d")
    closed = step_of(trace, 3, "close_browser")
    assert (closed.actor, closed.action) == ("browser", "Close browser")
    assert closed.result == "1 session cookie dropped, 0 persistent cookies kept"
    assert closed.variables["jar.browser"] == [] and not closed.cookie_present
    kept = step_of(trace, 4, "close_browser")
    assert kept.result == "0 session cookies dropped, 1 persistent cookie kept" and kept.cookie_present
    assert status(trace, 5) == 307  # the unticked box: signed out by closing the browser
    assert status(trace, 6) == 200  # remembered: still signed in
    # the bare string form works too
    assert run([{"login": "alice"}, "close_browser"])[-2].phase == "close_browser"


# -- remember me --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("strategy", ["database", "jwt"])
def test_remember_sets_a_persistent_cookie_and_keeps_it_persistent_when_renewed(strategy: str) -> None:
    events = [{"login": "alice", "remember": True}, {"advance": "1m"}, {"request": "GET /dashboard"}]
    trace = run(events, strategy=strategy, cookie={"remember_max_age": "14d"})
    login_cookie = step_of(trace, 1, "set_cookie")
    assert "Max-Age=1209600" in login_cookie.variables["set_cookie"]
    assert login_cookie.action == "Set persistent session cookie (remember me)"
    assert "Expires +14d" in trace[-2].variables["jar.browser"][0]
    renewals = [s for s in event_steps(trace, 3) if s.phase == "set_cookie"]
    for step in renewals:  # jwt re-issues the token; database renews only when there is a Max-Age to renew
        assert "Max-Age=1209600" in step.variables["set_cookie"]
    if strategy == "jwt":
        assert renewals and peek(step_of(trace, 1, "create_session").session_id)["remember"] is True
    else:
        assert renewals and step_of(trace, 1, "create_session").variables["session"]["remember"] is True


@pytest.mark.parametrize("strategy", ["database", "jwt"])
def test_without_remember_the_login_cookie_follows_cookie_max_age(strategy: str) -> None:
    session_cookie = run([{"login": "alice"}], strategy=strategy)
    assert "Max-Age" not in step_of(session_cookie, 1, "set_cookie").variables["set_cookie"]
    assert session_cookie[-2].variables["jar.browser"][0].endswith("; Session")
    timed = run([{"login": "alice"}], strategy=strategy, cookie={"max_age": "1h"})
    assert "Max-Age=3600" in step_of(timed, 1, "set_cookie").variables["set_cookie"]
    if strategy == "database":  # no remember key on an ordinary row
        assert "remember" not in step_of(session_cookie, 1, "create_session").variables["session"]


def test_remember_applies_only_to_login() -> None:
    assert problems([{"request": "GET /", "remember": True}]) == [(0, "remember")]
    assert problems([{"login": "alice"}], cookie={"remember_max_age": "0s"}) == [
        (None, "engine.cookie.remember_max_age")
    ]


def test_remember_survives_a_sqlite_restart() -> None:
    events = [{"login": "alice", "remember": True}, "restart_server", {"advance": "1m"}, {"request": "GET /"}]
    trace = run(events, store="sqlite", cookie={"max_age": "1h"})
    assert trace[-2].variables["store"][0]["remember"] is True
    (renewed,) = [s for s in event_steps(trace, 4) if s.phase == "set_cookie"]
    assert "Max-Age=2592000" in renewed.variables["set_cookie"]  # the default remember_max_age, 30d


# -- attribute injection ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    ["/; Domain=evil.example; Max-Age=-1", "/a\nSet-Cookie: x=1", "/a\rb", "/\x00", "/\x1b[2J", "/\x85"],
)
def test_cookie_path_that_would_inject_attributes_is_a_problem(value: str) -> None:
    found = check_scenario(scenario([{"request": "GET /"}], cookie={"path": value}))
    assert [(p.event, p.field) for p in found] == [(None, "engine.cookie.path")]
    assert "must not contain" in found[0].message
    with pytest.raises(ValueError):  # and the engine refuses it even without the check
        run_scenario(scenario([{"request": "GET /"}], cookie={"path": value}))
    with pytest.raises(ValueError):
        build_set_cookie("sid", "1", path=value)


def test_attribute_problem_accepts_ordinary_text() -> None:
    assert attribute_problem("/dashboard/a-b_c.d~") is None
    assert attribute_problem("/é") is None
    assert "';'" in attribute_problem("/;")


def test_host_with_control_characters_is_a_problem() -> None:
    assert problems([{"request": "GET /"}], host="app.example\x1b") == [(None, "engine.host")]
    assert problems([{"request": "GET /"}], host="app.example;x") == [(None, "engine.host")]


# -- declared browsers ----------------------------------------------------------------------------------------
def test_declared_browsers_must_be_used_and_close_browser_needs_one_that_acted() -> None:
    assert problems([{"request": "GET /"}], browsers={"phnoe": {"kind": "safari"}}) == [(None, "browsers.phnoe")]
    assert problems([{"request": "GET /", "as": "phone"}], browsers={"phone": {"kind": "safari"}}) == []
    assert problems([{"close_browser": None, "as": "phone"}]) == [(0, "as")]
    assert problems([{"request": "GET /"}, "close_browser"]) == []


# -- limits ---------------------------------------------------------------------------------------------------
def test_too_many_browsers_is_a_problem_at_the_event_that_adds_one_too_many() -> None:
    events = [{"request": "GET /", "as": f"b{i}"} for i in range(MAX_BROWSERS)]  # + the default one
    found = check_scenario(scenario(events))
    assert [(p.event, p.field) for p in found] == [(MAX_BROWSERS - 1, "as")]
    assert "too many browsers" in found[0].message
    with pytest.raises(LimitExceeded) as caught:
        run_scenario(scenario(events))
    assert caught.value.event == MAX_BROWSERS - 1


def test_too_many_events_is_a_problem_at_the_first_event_over_the_limit() -> None:
    events = ["restart_server"] * (MAX_EVENTS + 1)
    found = check_scenario(scenario(events))
    assert [(p.event, p.field) for p in found] == [(MAX_EVENTS, None)]
    with Simulation() as sim:
        sim._event_no = MAX_EVENTS  # as if it had played them all
        with pytest.raises(LimitExceeded):
            sim.play("restart_server")
