"""Random event sequences: invariants that must hold for any scenario (hypothesis)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_engine_helpers import scenario

from tutor.engine import PHASES, run_scenario
from tutor.engine.clock import parse_clock
from tutor.engine.tokens import TokenSigner

BROWSERS = ["browser", "phone", "attacker"]
ROUTES = ["GET /", "GET /login", "POST /login", "POST /logout", "GET /dashboard", "GET /api/session", "POST /transfer"]


def events(strategy: str):
    as_ = st.sampled_from(BROWSERS)
    request = st.fixed_dictionaries(
        {"request": st.sampled_from(ROUTES), "as": as_, "cross_site": st.booleans(), "top_level": st.booleans()}
    )
    login = st.fixed_dictionaries(
        {"login": st.sampled_from(["alice", "bob"]), "as": as_},
        optional={"password": st.sampled_from(["wonderland", "builder", "wrong"])},
    )
    tamper_value = st.fixed_dictionaries(
        {"tamper": st.fixed_dictionaries({"value": st.sampled_from(["0" * 32, "x"])}), "as": as_}
    )
    choices = [
        request,
        request,
        login,
        st.fixed_dictionaries({"logout": st.none(), "as": as_}),
        st.fixed_dictionaries({"advance": st.sampled_from(["1s", "59s", "10m", "29m59s", "30m", "2h"])}),
        tamper_value,
        st.fixed_dictionaries({"steal": st.fixed_dictionaries({"from": as_, "to": as_})}),
        st.fixed_dictionaries({"xss": st.fixed_dictionaries({"to": as_}), "as": as_}),
        st.fixed_dictionaries({"clear_cookies": st.none(), "as": as_}),
        st.just("restart_server"),
    ]
    if strategy == "jwt":
        choices.append(
            st.fixed_dictionaries(
                {
                    "tamper": st.fixed_dictionaries(
                        {"claims": st.fixed_dictionaries({"sub": st.sampled_from(["alice", "bob"])})}
                    ),
                    "as": as_,
                }
            )
        )
    return st.lists(st.one_of(choices), max_size=25)


engines = st.fixed_dictionaries(
    {
        "strategy": st.sampled_from(["database", "jwt"]),
        "idle_timeout": st.sampled_from(["30m", "10m", "none"]),
        "absolute_timeout": st.sampled_from(["8h", "1h", "none"]),
        "update_age": st.sampled_from(["none", "5m"]),
        "rotate_on_login": st.booleans(),
        "anonymous_sessions": st.booleans(),
        "cookie": st.fixed_dictionaries(
            {"same_site": st.sampled_from(["lax", "strict", "none", "unset"]), "http_only": st.booleans()}
        ),
    }
)


@st.composite
def scenarios(draw):
    engine = draw(engines)
    evs = draw(events(engine["strategy"]))
    # steal/xss between the same browser is a check_scenario error, not something to run
    evs = [e for e in evs if not (isinstance(e, dict) and "steal" in e and e["steal"]["from"] == e["steal"]["to"])]
    evs = [e for e in evs if not (isinstance(e, dict) and "xss" in e and e["xss"]["to"] == e["as"])]
    return scenario(evs, **engine)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_invariants(sc) -> None:
    trace = run_scenario(sc)
    jwt = sc.engine.strategy == "jwt"
    signer = TokenSigner(sc.engine.secret)
    from msgspec import UNSET

    logins = [not isinstance(e, str) and e.login is not UNSET for e in sc.events]
    known_user: dict[str, str | None] = {}

    assert [s.step for s in trace] == list(range(1, len(trace) + 1))
    assert trace[-1].phase == "end"
    for s in trace:
        assert s.phase in PHASES
        now = parse_clock(s.variables["clock"])
        is_login = s.event > 0 and logins[s.event - 1]
        if s.phase == "load_user":
            # authenticated only by a live session
            if jwt:
                verified = signer.verify(s.session_id, now)
                assert verified.ok, (s, verified)
                key = verified.payload["sid"]
                assert verified.payload["sub"] == s.user
            else:
                rows = {r["id"]: r for r in s.variables["store"]}
                assert s.session_id in rows, "a destroyed or never-issued ID was accepted"
                row = rows[s.session_id]
                assert row["expires"] is None or parse_clock(row["expires"]) > now
                assert row["user"] == s.user
                key = s.session_id
            # a session never changes user without a login
            if key in known_user:
                assert known_user[key] == s.user, "a session changed user without a login"
            known_user[key] = s.user
        if s.phase in ("create_session", "rotate_session"):
            assert s.phase == "rotate_session" or s.user is None or is_login
            key = s.variables["token"]["sid"] if jwt else s.session_id
            if not is_login:
                assert s.user is None  # only a login signs anyone in
            known_user[key] = s.user
        if s.phase == "send_response" and s.variables["request"] == "GET /dashboard" and s.variables["status"] == 200:
            assert s.user is not None
    # the same scenario gives the same trace, byte for byte
    again = run_scenario(sc)
    assert json.dumps(again.to_json(), sort_keys=True) == json.dumps(trace.to_json(), sort_keys=True)
