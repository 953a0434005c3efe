"""Third-party contexts per browser kind (issue 16 §1): a cross-site request that is not a top-level
navigation follows the browser's third-party policy before SameSite — firefox partitions, safari blocks,
chromium allows by default and can be set to block."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from test_engine_helpers import event_steps, status

from tutor.engine import Scenario, Simulation, check_scenario, run_scenario
from tutor.engine.cookies import THIRD_PARTY_DEFAULTS, CookieJar
from tutor.engine.scenario import BrowserOptions, Event
from tutor.lesson.loader import LoadError, scenario_from_text

HOST = "app.example"


def scenario(events: list[Any], browsers: dict[str, Any] | None = None, **engine: Any) -> Scenario:
    return msgspec.convert({"engine": engine, "browsers": browsers or {}, "events": events}, Scenario)


def run(events: list[Any], browsers: dict[str, Any] | None = None, **engine: Any):
    return run_scenario(scenario(events, browsers, **engine))


def receive(trace, event: int):
    return [s for s in event_steps(trace, event) if s.phase == "receive"][0]


def none_cookie_jar(kind: str, third_party: str | None = None) -> CookieJar:
    jar = CookieJar(kind, third_party)
    stored = jar.set_from_header("sid=1; Secure; SameSite=None", host=HOST, path="/", scheme="https", now=0)
    assert stored.outcome == "stored"
    return jar


def sent(jar: CookieJar, *, cross_site: bool, top_level: bool, method: str = "GET") -> list[str]:
    got = jar.cookies_for(
        host=HOST, path="/", scheme="https", now=5, method=method, cross_site=cross_site, top_level=top_level
    )
    return [c.pair() for c in got]


def test_defaults_come_from_the_kind() -> None:
    assert dict(THIRD_PARTY_DEFAULTS) == {"chromium": "allow", "firefox": "partition", "safari": "block"}
    assert BrowserOptions().third_party is None  # "default from the kind", not a fixed value
    for kind, policy in THIRD_PARTY_DEFAULTS.items():
        assert CookieJar(kind).third_party == policy


@pytest.mark.parametrize(
    ("kind", "third_party", "subresource"),
    [
        ("chromium", None, True),  # a normal Chrome window allows third-party cookies
        ("chromium", "block", False),  # incognito / the measured headless Chromium 156
        ("firefox", None, False),  # Total Cookie Protection
        ("firefox", "allow", True),
        ("safari", None, False),
        ("safari", "partition", False),
    ],
)
def test_a_same_site_none_cookie_on_a_cross_site_subresource(
    kind: str, third_party: str | None, subresource: bool
) -> None:
    jar = none_cookie_jar(kind, third_party)
    assert (sent(jar, cross_site=True, top_level=False) == ["sid=1"]) is subresource
    # top-level navigations and same-site requests are first-party: SameSite=None goes everywhere
    assert sent(jar, cross_site=True, top_level=True) == ["sid=1"]
    assert sent(jar, cross_site=True, top_level=True, method="POST") == ["sid=1"]
    assert sent(jar, cross_site=False, top_level=False) == ["sid=1"]


def test_the_rule_says_which_policy_decided() -> None:
    assert CookieJar("firefox").third_party_rule(cross_site=True, top_level=False) == (
        "third-party cookies partitioned (firefox Total Cookie Protection): no first-party cookie on a cross-site subresource request"
    )
    assert CookieJar("safari").third_party_rule(cross_site=True, top_level=False) == (
        "third-party cookies blocked (safari default): no cookie on a cross-site subresource request"
    )
    assert CookieJar("chromium", "block").third_party_rule(cross_site=True, top_level=False) == (
        "third-party cookies blocked (chromium setting): no cookie on a cross-site subresource request"
    )
    assert CookieJar("chromium").third_party_rule(cross_site=True, top_level=False) is None  # SameSite decides
    assert CookieJar("safari").third_party_rule(cross_site=True, top_level=True) is None
    assert CookieJar("safari").third_party_rule(cross_site=False, top_level=False) is None


def test_unknown_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown third-party policy 'maybe'"):
        CookieJar("chromium", "maybe")


@pytest.mark.parametrize(
    ("kind", "third_party", "header", "outcome", "reason"),
    [
        ("safari", None, "a=1; Secure; SameSite=None", "rejected", "third-party cookies blocked (safari default)"),
        (
            "chromium",
            "block",
            "a=1; Secure; SameSite=None",
            "rejected",
            "third-party cookies blocked (chromium setting)",
        ),
        (
            "firefox",
            None,
            "a=1; Secure; SameSite=None",
            "partitioned",
            "set in a third-party context: kept only in the other site's partition, not in this jar",
        ),
        ("chromium", None, "a=1; Secure; SameSite=None", "stored", ""),
        (
            "chromium",
            None,
            "a=1; Secure; SameSite=Lax",
            "rejected",
            "SameSite=Lax: cannot be set by a cross-site subresource response",
        ),
        (
            "chromium",
            None,
            "a=1; Secure",
            "rejected",
            "SameSite unset → Lax (chromium default): cannot be set by a cross-site subresource response",
        ),
        ("firefox", "allow", "a=1; Secure", "stored", ""),  # unset counts as None in firefox
    ],
)
def test_a_cookie_set_by_a_cross_site_subresource_response(kind, third_party, header, outcome, reason) -> None:
    jar = CookieJar(kind, third_party)
    got = jar.set_from_header(header, host=HOST, path="/", scheme="https", now=0, cross_site=True, top_level=False)
    assert (got.outcome, got.reason) == (outcome, reason)
    assert len(jar) == (1 if outcome == "stored" else 0)
    # the same header from a top-level navigation is first-party: stored in every kind
    top = CookieJar(kind, third_party)
    assert top.set_from_header(header, host=HOST, path="/", scheme="https", now=0, cross_site=True).outcome == "stored"


# -- in a run ------------------------------------------------------------------------------------------
SUBRESOURCE = [
    {"login": "alice", "as": "chrome"},
    {"login": "alice", "as": "incognito"},
    {"login": "alice", "as": "fox"},
    {"login": "alice", "as": "mac"},
    {"request": "GET /api/session", "cross_site": True, "top_level": False, "as": "chrome"},
    {"request": "GET /api/session", "cross_site": True, "top_level": False, "as": "incognito"},
    {"request": "GET /api/session", "cross_site": True, "top_level": False, "as": "fox"},
    {"request": "GET /api/session", "cross_site": True, "top_level": False, "as": "mac"},
]
BROWSERS = {
    "chrome": {"kind": "chromium"},
    "incognito": {"kind": "chromium", "third_party": "block"},
    "fox": {"kind": "firefox"},
    "mac": {"kind": "safari"},
}


def test_a_run_sends_a_same_site_none_cookie_only_where_the_policy_allows() -> None:
    assert check_scenario(scenario(SUBRESOURCE, BROWSERS, cookie={"same_site": "none"})) == []
    trace = run(SUBRESOURCE, BROWSERS, cookie={"same_site": "none"})
    answers = {
        n: [s for s in event_steps(trace, n) if s.phase == "send_response"][0].variables["status"] for n in (5, 6, 7, 8)
    }
    signed_in = {n: receive(trace, n).cookie_present for n in (5, 6, 7, 8)}
    assert signed_in == {5: True, 6: False, 7: False, 8: False}
    assert set(answers.values()) == {200}
    assert receive(trace, 5).variables["same_site"] == "SameSite=None: sent cross-site"
    assert receive(trace, 6).variables["same_site"].startswith("third-party cookies blocked (chromium setting)")
    assert (
        receive(trace, 7)
        .variables["same_site"]
        .startswith("third-party cookies partitioned (firefox Total Cookie Protection)")
    )
    assert receive(trace, 8).variables["same_site"].startswith("third-party cookies blocked (safari default)")


def test_a_cross_site_top_level_post_still_follows_same_site_in_every_kind() -> None:
    """The third-party policy does not protect against a forged form: a top-level POST is first-party."""
    events = [{"login": "alice", "as": "mac"}, {"request": "POST /transfer", "cross_site": True, "as": "mac"}]
    trace = run(events, {"mac": {"kind": "safari"}}, cookie={"same_site": "unset"})
    assert status(trace, 2) == 200  # safari: unset means None, and a top-level POST is not third-party
    assert receive(trace, 2).variables["same_site"] == "SameSite unset → None (safari default): sent cross-site"


def test_the_subresource_response_cookie_is_not_stored_in_a_blocking_browser() -> None:
    events = [{"request": "GET /", "cross_site": True, "top_level": False, "as": "mac"}]
    trace = run(events, {"mac": {"kind": "safari"}}, cookie={"same_site": "none"})
    store = [s for s in event_steps(trace, 1) if s.phase == "store_cookie"][0]
    assert store.result == "sessionId rejected (third-party cookies blocked (safari default))"
    assert store.variables["jar.mac"] == []


def test_the_policy_can_be_set_and_reset_on_a_running_simulation() -> None:
    with Simulation(browsers={"browser": BrowserOptions(kind="chromium", third_party="block")}) as sim:
        assert sim.browser("browser").third_party == "block"
        sim.set_browser_third_party("browser", None)
        assert sim.browser("browser").third_party == "allow"
        with pytest.raises(ValueError, match="unknown third-party policy"):
            sim.set_browser_third_party("browser", "sometimes")
        sim.play(Event(request="GET /"))


def test_an_unknown_policy_in_a_scenario_file_is_a_positioned_problem() -> None:
    text = "browsers:\n  fox: {kind: firefox, third_party: maybe}\nevents:\n  - request: GET /\n    as: fox\n"
    with pytest.raises(LoadError) as info:
        scenario_from_text(text, "s.yaml")
    (problem,) = info.value.problems
    assert (problem.line, problem.col) == (
        2,
        text.splitlines()[1].index("maybe") + 1,
    ) and "partition" in problem.message
    good = scenario_from_text(text.replace("maybe", "allow"), "s.yaml")
    assert good.browsers["fox"] == BrowserOptions(kind="firefox", third_party="allow")
