"""Clock, IDs, tokens, stores, the Simulation API, check_scenario, determinism and speed."""

from __future__ import annotations

import json
import re

import pytest
from test_engine_helpers import run, scenario

from tutor.engine import (
    PHASES,
    EngineOptions,
    Event,
    ScenarioProblem,
    Simulation,
    check_scenario,
    format_duration,
    parse_duration,
    run_scenario,
)
from tutor.engine.clock import VirtualClock, format_clock, parse_clock, parse_optional_duration
from tutor.engine.ids import IdGenerator
from tutor.engine.store import MemoryStore, SessionRow, SqliteStore
from tutor.engine.tokens import TokenSigner, peek, with_claims


# -- clock ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("31m", 1860), ("2h", 7200), ("7d", 604800), ("1h30m", 5400), ("0s", 0), ("1d2h3m4s", 93784)],
)
def test_parse_duration(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["", "10", "m", "1x", "1h 30m", "-5m", "none", "1.5h"])
def test_parse_duration_rejects_with_a_clear_message(bad: str) -> None:
    with pytest.raises(ValueError, match="invalid duration"):
        parse_duration(bad)


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0s"), (5400, "1h30m"), (1860, "31m"), (93600, "1d2h"), (61, "1m1s")]
)
def test_format_duration_and_clock(seconds: int, text: str) -> None:
    assert format_duration(seconds) == text
    assert format_clock(seconds) == "+" + text
    assert parse_clock("+" + text) == seconds


def test_optional_duration_and_virtual_clock() -> None:
    assert parse_optional_duration("none") is None and parse_optional_duration("5m") == 300
    clock = VirtualClock()
    assert clock.display == "+0s"
    clock.advance(1860)
    assert clock.display == "+31m"
    with pytest.raises(ValueError):
        clock.advance(-1)


# -- ids ------------------------------------------------------------------------------------------
def test_ids_are_128_bit_hex_and_seeded() -> None:
    a, b, c = IdGenerator(1), IdGenerator(1), IdGenerator(2)
    ids = [a.new_id() for _ in range(50)]
    assert ids == [b.new_id() for _ in range(50)]
    assert ids[0] != c.new_id()
    assert len(set(ids)) == 50
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


def test_scenario_seed_changes_ids() -> None:
    one = run([{"request": "GET /"}], seed=1)[2].session_id
    assert one == run([{"request": "GET /"}], seed=1)[2].session_id
    assert one != run([{"request": "GET /"}], seed=2)[2].session_id


# -- tokens ---------------------------------------------------------------------------------------
SECRET = "s" * 32


def test_token_roundtrip_expiry_on_virtual_clock() -> None:
    signer = TokenSigner(SECRET)
    token = signer.issue({"sub": "alice", "sid": "x", "iat": 0, "exp": 100, "auth_time": 0})
    assert signer.verify(token, 99).ok
    expired = signer.verify(token, 100)
    assert (expired.ok, expired.reason) == (False, "expired")
    assert signer.verify(token, 0).payload["sub"] == "alice"


def test_token_anonymous_sub_null_is_allowed() -> None:
    signer = TokenSigner(SECRET)
    assert signer.verify(signer.issue({"sub": None, "sid": "x", "iat": 0}), 10).ok


def test_token_tampering_fails() -> None:
    signer = TokenSigner(SECRET)
    token = signer.issue({"sub": "bob", "sid": "x", "iat": 0, "exp": 100})
    forged = with_claims(token, {"sub": "alice"})
    assert peek(forged)["sub"] == "alice"
    assert signer.verify(forged, 0).reason == "tampered"
    assert signer.verify("not-a-token", 0).reason == "malformed"
    assert TokenSigner("t" * 32).verify(token, 0).reason == "tampered"
    assert signer.same_token(token, token) and not signer.same_token(token, forged)
    with pytest.raises(ValueError):
        TokenSigner("short")


# -- stores ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", [MemoryStore, SqliteStore])
def test_store_crud_and_snapshot_sharing(kind) -> None:
    store = kind()
    try:
        row = SessionRow("a" * 32, "alice", 0, 0, 1800)
        store.put(row)
        snap = store.snapshot()
        assert store.snapshot() is snap  # unchanged: shared
        assert snap == [{"id": "a" * 32, "user": "alice", "created": "+0s", "last_seen": "+0s", "expires": "+30m"}]
        assert store.get("a" * 32) == row
        store.put(SessionRow("a" * 32, "alice", 0, 60, 1860))
        assert store.snapshot() is not snap and store.get("a" * 32).expires == 1860
        assert store.delete("a" * 32) and not store.delete("a" * 32)
        assert store.get("a" * 32) is None and store.snapshot() == []
    finally:
        store.close()


def test_session_validity_boundary() -> None:
    row = SessionRow("x", None, 0, 0, 1800)
    assert row.valid_at(1799) and not row.valid_at(1800)
    assert SessionRow("x", None, 0, 0, None).valid_at(10**9)


# -- the Simulation API ---------------------------------------------------------------------------
def test_simulation_play_one_at_a_time() -> None:
    with Simulation() as sim:
        assert len(sim.trace) == 0
        steps = sim.play(Event(request="GET /"))
        assert [s.phase for s in steps] == [
            "receive",
            "read_cookie",
            "create_session",
            "set_cookie",
            "send_response",
            "store_cookie",
        ]
        assert list(sim.trace) == steps
        more = sim.play("logout")
        assert more[0].step == len(steps) + 1 and more[0].event == 2
        assert sim.trace[-1].phase != "end"
        with pytest.raises(ValueError, match="bare event"):
            sim.play("dance")
    with pytest.raises(RuntimeError):
        sim.play("logout")


def test_simulation_rejects_bad_options_clearly() -> None:
    with pytest.raises(ValueError, match="idle_timeout"):
        Simulation(EngineOptions(idle_timeout="soon"))


def test_every_phase_is_known_and_every_step_is_json() -> None:
    trace = run(
        [
            {"request": "GET /"},
            {"login": "alice"},
            {"tamper": {"value": "x"}},
            {"request": "GET /"},
            {"steal": {"from": "browser", "to": "eve"}},
            {"xss": {"to": "eve"}},
            "clear_cookies",
            "restart_server",
            {"advance": "1m"},
            "logout",
        ]
    )
    assert {s.phase for s in trace} <= set(PHASES)
    json.dumps(trace.to_json())
    last = trace[-1].variables
    assert {"jar.browser", "jar.eve", "document.cookie.browser", "document.cookie.eve"} <= set(last)


def test_unchanged_values_are_shared_between_steps() -> None:
    trace = run([{"login": "alice"}, {"advance": "1m"}, {"advance": "1m"}])
    a, b = trace[-3].variables, trace[-2].variables
    assert a["store"] is b["store"] and a["jar.browser"] is b["jar.browser"]


# -- check_scenario -------------------------------------------------------------------------------
def problems(events, **engine) -> list[tuple[int | None, str | None]]:
    found = check_scenario(scenario(events, **engine))
    assert all(isinstance(p, ScenarioProblem) and p.message for p in found)
    return [(p.event, p.field) for p in found]


def test_check_scenario_clean() -> None:
    assert problems([{"request": "GET /"}, {"login": "alice"}, {"steal": {}}, {"xss": {"to": "eve"}}, "logout"]) == []


def test_check_scenario_finds_semantic_errors() -> None:
    assert problems([{"request": "GET /nowhere"}]) == [(0, "request")]
    assert problems([{"request": "GET /transfer"}]) == [(0, "request")]
    assert problems([{"login": "carol"}]) == [(0, "login")]
    assert problems([{"steal": {"from": "phone", "to": "eve"}}]) == [(0, "steal.from")]
    assert problems([{"request": "GET /"}, {"steal": {"from": "browser", "to": "browser"}}]) == [(1, "steal.to")]
    assert problems([{"xss": {"to": "eve"}}]) == [(0, "as")]
    assert problems([{"login": "alice"}, {"tamper": {"claims": {"sub": "bob"}}}]) == [(1, "tamper.claims")]
    assert problems([{"login": "alice"}, {"tamper": {}}]) == [(1, "tamper")]
    assert problems([{"advance": "1m", "cross_site": True}]) == [(0, "cross_site")]
    assert problems([{"request": "GET /", "password": "x"}]) == [(0, "password")]
    # allowed: chromium and firefox reject the cookie, safari keeps it, and the trace shows which
    assert problems([], cookie={"same_site": "none", "secure": False}) == []
    assert problems([], idle_timeout="0s") == [(None, "engine.idle_timeout")]
    assert problems([], strategy="jwt", store="sqlite") == [(None, "engine.store")]
    assert problems([], host="http://x") == [(None, "engine.host")]


def test_check_scenario_browsers_that_acted() -> None:
    # a browser that received stolen cookies may be stolen from later
    assert problems([{"request": "GET /"}, {"steal": {"to": "eve"}}, {"steal": {"from": "eve", "to": "mallory"}}]) == []
    assert problems([{"request": "GET /", "as": "phone"}, {"xss": {"to": "eve"}, "as": "phone"}]) == []


# -- determinism and speed ------------------------------------------------------------------------
MIXED = [
    {"request": "GET /"},
    {"login": "alice"},
    {"request": "GET /dashboard"},
    {"advance": "10m"},
    {"request": "GET /api/session", "as": "phone"},
    {"login": "bob", "as": "phone"},
    {"request": "POST /transfer", "as": "phone"},
    {"advance": "25m"},
    {"request": "GET /dashboard"},
    {"login": "alice", "password": "x", "as": "tablet"},
    {"request": "GET /", "as": "tablet"},
    "logout",
]


@pytest.mark.parametrize("strategy", ["database", "jwt"])
def test_same_scenario_byte_identical_json(strategy: str) -> None:
    sc = scenario(MIXED * 3, strategy=strategy, store="memory")
    a = json.dumps(run_scenario(sc).to_json(), sort_keys=True)
    b = json.dumps(run_scenario(sc).to_json(), sort_keys=True)
    assert a == b


def test_sqlite_and_memory_traces_match_without_restart() -> None:
    a = json.dumps(run(MIXED).to_json(), sort_keys=True)
    b = json.dumps(run(MIXED, store="sqlite").to_json(), sort_keys=True)
    assert a == b


@pytest.mark.parametrize("strategy", ["database", "jwt"])
def test_ten_thousand_events_run_to_the_end(strategy: str) -> None:
    """10,000 events (several browsers, logins, advances) play through. How fast, and that the time is
    linear in the events, is measured by `python -m bench` against a baseline, not by a timed test."""
    events = (MIXED * 834)[:10_000]
    trace = run_scenario(scenario(events, strategy=strategy))
    assert len(trace) > 40_000
    assert trace[-1].phase == "end"
    assert max(step.event for step in trace) == 10_000
