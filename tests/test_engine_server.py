"""The modelled server: both strategies, timeouts, rotation, fixation, tampering, theft, restart."""

from __future__ import annotations

import json
import re

import pytest
from test_engine_helpers import event_steps, phases, response, run, status

from tutor.engine.clock import parse_clock
from tutor.engine.tokens import peek

SEED_FLOW = [{"request": "GET /"}, {"request": "GET /"}, {"advance": "31m"}, {"request": "GET /"}]


def test_seed_flow_database_exact_steps() -> None:
    trace = run(SEED_FLOW)
    got = [(s.event, s.phase) for s in trace]
    assert got == [
        (1, "receive"),
        (1, "read_cookie"),
        (1, "create_session"),
        (1, "set_cookie"),
        (1, "send_response"),
        (1, "store_cookie"),
        (2, "receive"),
        (2, "read_cookie"),
        (2, "validate"),
        (2, "load_user"),
        (2, "send_response"),
        (3, "advance_clock"),
        (4, "receive"),
        (4, "read_cookie"),
        (4, "validate"),
        (4, "destroy_session"),
        (4, "clear_cookie"),
        (4, "create_session"),
        (4, "set_cookie"),
        (4, "send_response"),
        (4, "store_cookie"),
        (0, "end"),
    ]
    first_id = trace[2].session_id
    assert trace[1].action == "Session cookie missing" and trace[1].result == "Create new session ID"
    assert trace[0].action == "Receive GET /" and trace[0].result == "Check for session cookie"
    assert re.fullmatch(r"[0-9a-f]{32}", first_id)
    assert trace[8].result.startswith("Valid")
    expired = trace[14]
    assert expired.result == "Expired at +30m: rejected" and expired.user is None
    assert trace[15].variables["store"] == []  # row deleted
    assert trace[16].variables["cookieStore"] == {}  # cleared
    new_id = trace[17].session_id
    assert new_id != first_id and trace[17].user is None  # a new *anonymous* session, nobody signed back in
    assert trace[-2].variables["jar.browser"][0].startswith(f"sessionId={new_id};")


def test_no_anonymous_session_when_switched_off() -> None:
    trace = run(SEED_FLOW, anonymous_sessions=False)
    assert phases(trace, 1) == ["receive", "read_cookie", "send_response"]
    assert trace[-1].variables["store"] == []


def login_flow(**engine):
    return run([{"request": "GET /"}, {"login": "alice"}, {"request": "GET /dashboard"}], **engine)


def test_login_rotates_the_session_id() -> None:
    trace = login_flow()
    anon = event_steps(trace, 1)[2].session_id
    steps = event_steps(trace, 2)
    assert [s.phase for s in steps] == [
        "receive",
        "check_credentials",
        "read_cookie",
        "validate",
        "rotate_session",
        "set_cookie",
        "send_response",
        "store_cookie",
    ]
    rotate = steps[4]
    assert rotate.session_id != anon and rotate.user == "alice"
    assert [r["id"] for r in rotate.variables["store"]] == [rotate.session_id]  # old row gone
    assert status(trace, 2) == 302
    assert status(trace, 3) == 200 and response(trace, 3).user == "alice"


def test_fixation_with_rotation_off_attacker_planted_id_becomes_authenticated() -> None:
    trace = run(
        [
            {"request": "GET /", "as": "attacker"},  # the attacker gets a real anonymous ID
            {"steal": {"from": "attacker", "to": "browser"}},  # ... and plants it in the victim's browser
            {"login": "alice"},  # the victim signs in
            {"request": "GET /dashboard", "as": "attacker"},
        ],
        rotate_on_login=False,
    )
    planted = event_steps(trace, 1)[2].session_id
    keep = [s for s in event_steps(trace, 3) if s.phase == "rotate_session"][0]
    assert keep.session_id == planted and keep.user == "alice" and "fixation" in keep.result
    assert status(trace, 4) == 200 and response(trace, 4).user == "alice"
    assert response(trace, 4).session_id == planted
    # with rotation on the same attack fails
    trace = run(
        [
            {"request": "GET /", "as": "attacker"},
            {"steal": {"from": "attacker", "to": "browser"}},
            {"login": "alice"},
            {"request": "GET /dashboard", "as": "attacker"},
        ]
    )
    assert status(trace, 4) == 307


def test_failed_login_is_401_and_changes_nothing() -> None:
    trace = run([{"request": "GET /"}, {"login": "alice", "password": "nope"}, {"login": "mallory"}])
    before = event_steps(trace, 1)[-1].variables
    for n in (2, 3):
        steps = event_steps(trace, n)
        assert [s.phase for s in steps] == ["receive", "check_credentials", "send_response"]
        assert status(trace, n) == 401
        assert steps[-1].variables["store"] == before["store"]
        assert steps[-1].variables["jar.browser"] == before["jar.browser"]
    assert event_steps(trace, 2)[1].result == "Wrong password"


def test_raw_post_login_without_credentials_is_401() -> None:
    trace = run([{"request": "POST /login"}])
    assert status(trace, 1) == 401


def test_logout_deletes_row_and_clears_cookie() -> None:
    trace = run([{"login": "alice"}, "logout", {"request": "GET /dashboard"}])
    steps = event_steps(trace, 2)
    assert [s.phase for s in steps] == [
        "receive",
        "read_cookie",
        "validate",
        "destroy_session",
        "clear_cookie",
        "send_response",
        "store_cookie",
    ]
    assert steps[3].variables["store"] == []
    assert steps[-1].variables["jar.browser"] == []
    assert steps[4].variables["set_cookie"] == "sessionId=; HttpOnly; Max-Age=0; Path=/; SameSite=Lax; Secure"
    assert status(trace, 3) == 307 and response(trace, 3).variables["session"] is None


def test_dashboard_and_transfer_when_signed_out() -> None:
    trace = run(
        [
            {"request": "GET /dashboard"},
            {"request": "POST /transfer"},
            {"request": "GET /"},
            {"request": "GET /dashboard"},
        ]
    )
    assert status(trace, 1) == 307 and "/login" in response(trace, 1).result
    assert status(trace, 2) == 401
    assert status(trace, 4) == 307  # an anonymous session is not a sign-in


def test_api_session_json() -> None:
    trace = run([{"request": "GET /api/session"}, {"login": "bob"}, {"request": "GET /api/session"}])
    assert response(trace, 1).result == "200 {}"
    body = json.loads(response(trace, 3).result.split(" ", 1)[1])
    assert body == {"user": {"name": "bob"}, "expires": "+30m"}


def test_unknown_route_404_and_wrong_method_405() -> None:
    trace = run([{"request": "GET /nope"}, {"request": "GET /transfer"}, {"request": "GET /login"}])
    assert status(trace, 1) == 404 and status(trace, 2) == 405 and status(trace, 3) == 200


@pytest.mark.parametrize("strategy", ["database", "jwt"])
def test_idle_timeout_exact_boundary(strategy: str) -> None:
    # used at +0s; idle 30m: valid at +29m59s, expired at exactly +30m
    ok = run([{"login": "alice"}, {"advance": "29m59s"}, {"request": "GET /dashboard"}], strategy=strategy)
    assert status(ok, 3) == 200
    late = run([{"login": "alice"}, {"advance": "30m"}, {"request": "GET /dashboard"}], strategy=strategy)
    assert status(late, 3) == 307
    validate = [s for s in event_steps(late, 3) if s.phase == "validate"][0]
    assert validate.result == "Expired at +30m: rejected"
    assert "clear_cookie" in phases(late, 3)
    if strategy == "database":
        assert "destroy_session" in phases(late, 3)


@pytest.mark.parametrize("strategy", ["database", "jwt"])
def test_idle_timeout_slides_on_use(strategy: str) -> None:
    trace = run(
        [
            {"login": "alice"},
            {"advance": "20m"},
            {"request": "GET /dashboard"},
            {"advance": "20m"},
            {"request": "GET /dashboard"},
        ],
        strategy=strategy,
    )
    assert status(trace, 5) == 200
    assert response(trace, 5).variables["session"]["expires"] == "+1h10m"


@pytest.mark.parametrize("strategy", ["database", "jwt"])
def test_absolute_timeout_exact_boundary(strategy: str) -> None:
    busy = [{"login": "alice"}]
    for _ in range(9):
        busy += [{"advance": "20m"}, {"request": "GET /dashboard"}]  # never idle, 3h in total
    ok = run(
        busy + [{"advance": "59m59s"}, {"request": "GET /dashboard"}],
        strategy=strategy,
        absolute_timeout="4h",
        idle_timeout="1h",
    )
    assert status(ok, len(busy) + 2) == 200
    late = run(
        busy + [{"advance": "1h"}, {"request": "GET /dashboard"}],
        strategy=strategy,
        absolute_timeout="4h",
        idle_timeout="1h",
    )
    assert status(late, len(busy) + 2) == 307
    # the expiry reported just before was capped by the absolute timeout
    assert response(ok, len(busy)).variables["session"]["expires"] == "+4h"


def test_update_age_writes_expiry_only_when_old_enough() -> None:
    trace = run(
        [
            {"login": "alice"},
            {"advance": "5m"},
            {"request": "GET /dashboard"},
            {"advance": "6m"},
            {"request": "GET /dashboard"},
        ],
        update_age="10m",
    )
    s3 = response(trace, 3).variables["session"]
    assert (s3["last_seen"], s3["expires"]) == ("+0s", "+30m")  # 5m after the write: not re-written
    assert "not re-written" in [s for s in event_steps(trace, 3) if s.phase == "validate"][0].result
    s5 = response(trace, 5).variables["session"]
    assert (s5["last_seen"], s5["expires"]) == ("+11m", "+41m")


def test_update_age_can_let_a_used_session_expire_by_its_stored_expiry() -> None:
    trace = run(
        [
            {"login": "alice"},
            {"advance": "20m"},
            {"request": "GET /dashboard"},
            {"advance": "10m"},
            {"request": "GET /dashboard"},
        ],
        update_age="25m",
    )
    assert status(trace, 3) == 200 and status(trace, 5) == 307


def test_never_issued_id_is_not_adopted() -> None:
    trace = run(
        [{"request": "GET /"}, {"tamper": {"value": "0" * 32}}, {"request": "GET /"}, {"request": "GET /dashboard"}]
    )
    steps = event_steps(trace, 3)
    assert [s.phase for s in steps] == [
        "receive",
        "read_cookie",
        "validate",
        "clear_cookie",
        "create_session",
        "set_cookie",
        "send_response",
        "store_cookie",
    ]
    assert "Unknown ID" in steps[2].result
    new_id = steps[4].session_id
    assert new_id != "0" * 32
    assert all(row["id"] != "0" * 32 for row in steps[-1].variables["store"])
    assert status(trace, 4) == 307


def test_database_forged_id_after_login_is_rejected() -> None:
    trace = run([{"login": "alice"}, {"tamper": {"value": "f" * 32}}, {"request": "GET /dashboard"}])
    assert status(trace, 3) == 307


def test_jwt_token_contents_and_sliding_reissue() -> None:
    trace = run([{"login": "alice"}, {"advance": "10m"}, {"request": "GET /dashboard"}], strategy="jwt")
    created = [s for s in event_steps(trace, 1) if s.phase == "create_session"][0]
    token = created.variables["token"]
    assert token["sub"] == "alice" and token["iat"] == 0 and token["exp"] == 1800 and token["auth_time"] == 0
    assert len(token["sid"]) == 32
    assert peek(created.session_id) == token
    assert created.variables["store"] is None
    reissue = [s for s in event_steps(trace, 3) if s.phase == "set_cookie"][0]
    assert reissue.action == "Re-issue token (sliding expiry)"
    assert reissue.variables["token"]["exp"] == 600 + 1800 and reissue.variables["token"]["sid"] == token["sid"]
    assert reissue.session_id != created.session_id


def test_jwt_changed_claims_with_old_signature_are_rejected() -> None:
    trace = run(
        [{"login": "bob"}, {"tamper": {"claims": {"sub": "alice"}}}, {"request": "GET /dashboard"}], strategy="jwt"
    )
    tamper = event_steps(trace, 2)[0]
    assert tamper.variables["token"]["sub"] == "alice"
    validate = [s for s in event_steps(trace, 3) if s.phase == "validate"][0]
    assert validate.result == "Signature does not match: rejected"
    assert "clear_cookie" in phases(trace, 3)
    assert status(trace, 3) == 307


def test_jwt_value_replaced_is_rejected() -> None:
    trace = run([{"login": "bob"}, {"tamper": {"value": "garbage"}}, {"request": "GET /dashboard"}], strategy="jwt")
    assert status(trace, 3) == 307


def test_jwt_extended_exp_claim_is_rejected() -> None:
    trace = run(
        [{"login": "bob"}, {"tamper": {"claims": {"exp": 999999}}}, {"advance": "1h"}, {"request": "GET /dashboard"}],
        strategy="jwt",
    )
    assert status(trace, 4) == 307


@pytest.mark.parametrize(("strategy", "after_logout"), [("database", 307), ("jwt", 200)])
def test_stolen_cookie_after_logout(strategy: str, after_logout: int) -> None:
    events = [
        {"login": "alice"},
        {"steal": {"from": "browser", "to": "attacker"}},
        "logout",
        {"request": "GET /dashboard", "as": "attacker"},
    ]
    trace = run(events, strategy=strategy)
    assert status(trace, 4) == after_logout
    if strategy == "jwt":
        assert response(trace, 4).user == "alice"
        clear = [s for s in event_steps(trace, 3) if s.phase == "clear_cookie"][0]
        assert "stays valid" in clear.result
        # ... but only until it expires
        later = run(
            events[:3] + [{"advance": "30m"}, {"request": "GET /dashboard", "as": "attacker"}], strategy=strategy
        )
        assert status(later, 5) == 307


def test_stolen_session_works_for_the_thief_until_logout_database() -> None:
    trace = run([{"login": "alice"}, {"steal": {}}, {"request": "GET /dashboard", "as": "attacker"}])
    assert status(trace, 3) == 200 and response(trace, 3).user == "alice"
    assert trace[-1].variables["jar.attacker"]


@pytest.mark.parametrize(("store", "survives"), [("memory", False), ("sqlite", True)])
def test_restart_server(store: str, survives: bool) -> None:
    trace = run([{"login": "alice"}, "restart_server", {"request": "GET /dashboard"}], store=store)
    restart = event_steps(trace, 2)[0]
    assert restart.phase == "restart_server" and restart.actor == "server"
    assert (status(trace, 3) == 200) is survives
    if survives:
        assert "kept" in restart.result and restart.variables["store"]
    else:
        assert restart.result == "In-memory store lost 1 session" and restart.variables["store"] == []


def test_restart_with_jwt_loses_nothing() -> None:
    trace = run([{"login": "alice"}, "restart_server", {"request": "GET /dashboard"}], strategy="jwt")
    assert status(trace, 3) == 200
    assert event_steps(trace, 2)[0].result == "Tokens live in the cookies: nothing lost"


def test_sqlite_store_directory_removed_on_close() -> None:
    from tutor.engine import EngineOptions, Event, Simulation

    sim = Simulation(EngineOptions(store="sqlite"))
    sim.play(Event(login="alice"))
    path = sim.store.path
    assert len(sim.store) == 1
    assert path.exists()
    sim.close()
    assert not path.exists() and not path.parent.exists()


def test_xss_copies_only_non_http_only_cookies() -> None:
    safe = run([{"login": "alice"}, {"xss": {"to": "attacker"}}, {"request": "GET /dashboard", "as": "attacker"}])
    assert "HttpOnly" in event_steps(safe, 2)[0].result
    assert status(safe, 3) == 307
    exposed = run(
        [{"login": "alice"}, {"xss": {"to": "attacker"}}, {"request": "GET /dashboard", "as": "attacker"}],
        cookie={"http_only": False},
    )
    step = event_steps(exposed, 2)[0]
    assert step.variables["document.cookie.browser"].startswith("sessionId=")
    assert step.result == "Sent sessionId to attacker"
    assert status(exposed, 3) == 200


def test_csrf_same_site() -> None:
    csrf = [{"login": "alice"}, {"request": "POST /transfer", "cross_site": True}]
    assert status(run(csrf), 2) == 401  # Lax: not sent on a cross-site POST
    # absent: chromium's Lax, except that a cookie at most 2 minutes old still goes with a top-level POST
    assert status(run(csrf, cookie={"same_site": "unset"}), 2) == 200
    late = [csrf[0], {"advance": "3m"}, csrf[1]]
    assert status(run(late, cookie={"same_site": "unset"}), 3) == 401
    assert status(run(csrf, cookie={"same_site": "none"}), 2) == 200  # None: CSRF works
    nav = [{"login": "alice"}, {"request": "GET /dashboard", "cross_site": True}]
    assert status(run(nav), 2) == 200  # Lax: sent on a top-level GET navigation
    assert status(run(nav, cookie={"same_site": "strict"}), 2) == 307
    sub = [{"login": "alice"}, {"request": "GET /dashboard", "cross_site": True, "top_level": False}]
    assert status(run(sub), 2) == 307


def test_http_scheme_secure_cookie() -> None:
    trace = run([{"login": "alice", "scheme": "http"}, {"request": "GET /dashboard"}])
    store = [s for s in event_steps(trace, 1) if s.phase == "store_cookie"][0]
    assert "rejected" in store.result and store.variables["jar.browser"] == []
    trace = run([{"login": "alice"}, {"request": "GET /dashboard", "scheme": "http"}])
    assert status(trace, 2) == 307 and not response(trace, 2).cookie_present


def test_cookie_options_max_age_and_path() -> None:
    trace = run(
        [{"login": "alice"}, {"advance": "5m"}, {"request": "GET /dashboard"}],
        cookie={"max_age": "1h", "path": "/", "name": "sid"},
    )
    assert (
        response(trace, 1).variables["set_cookie"]
        == "sid=" + response(trace, 1).session_id + "; HttpOnly; Max-Age=3600; Path=/; SameSite=Lax; Secure"
    )
    renew = [s for s in event_steps(trace, 3) if s.phase == "set_cookie"]
    assert renew and renew[0].action == "Renew session cookie"
    assert "Expires +1h5m" in trace[-1].variables["jar.browser"][0]


def test_clear_cookies_and_advance_steps() -> None:
    trace = run([{"login": "alice"}, "clear_cookies", {"advance": "1h30m"}, {"request": "GET /dashboard"}])
    clear = event_steps(trace, 2)[0]
    assert (
        clear.phase == "clear_cookies" and clear.result == "1 cookie deleted" and clear.variables["jar.browser"] == []
    )
    adv = event_steps(trace, 3)[0]
    assert (adv.phase, adv.action, adv.result, adv.variables["clock"]) == (
        "advance_clock",
        "Advance the clock 1h30m",
        "Clock now +1h30m",
        "+1h30m",
    )
    assert parse_clock(adv.variables["clock"]) == 5400
    assert status(trace, 4) == 307


def test_variables_cookie_store_tracks_response_changes() -> None:
    trace = run([{"request": "GET /"}])
    read, create, set_cookie = trace[1], trace[2], trace[3]
    assert read.variables["cookieStore"] == {}
    assert set_cookie.variables["cookieStore"] == {"sessionId": set_cookie.session_id}
    assert create.variables["set_cookie"] is None and set_cookie.variables["set_cookie"].startswith("sessionId=")
    end = trace[-1]
    for key in ("request", "cookieStore", "session", "status", "set_cookie", "token"):
        assert end.variables[key] is None
    assert end.phase == "end" and end.event == 0


# -- issue 16 §2: next-auth's session cookie has Expires; redirects have the status of what they stand for --


def set_cookies(trace, event: int) -> list[str]:
    return [s.variables["set_cookie"] for s in event_steps(trace, event) if s.phase in ("set_cookie", "clear_cookie")]


@pytest.mark.parametrize("strategy", ["database", "jwt"])
def test_sliding_expires_is_now_plus_max_age_on_every_read(strategy: str) -> None:
    """next-auth 4.24 core/routes/session.js: every read pushes the cookie with expires = now + maxAge, in
    both strategies; the database row is written back only once updateAge has passed."""
    events = [
        {"login": "alice"},
        {"advance": "10m"},
        {"request": "GET /api/session"},
        {"advance": "5m"},
        {"request": "GET /dashboard"},
        "close_browser",
        {"request": "GET /dashboard"},
    ]
    engine = dict(
        strategy=strategy,
        idle_timeout="30d",
        absolute_timeout="none",
        update_age="1d",
        cookie={"name": "next-auth.session-token", "expires": "sliding"},
    )
    trace = run(events, **engine)
    # virtual second 0 is 2026-01-01T00:00:00Z (tutor/engine/cookies.py EPOCH)
    assert "Expires=Sat, 31 Jan 2026 00:00:00 GMT" in set_cookies(trace, 1)[-1]
    assert "Expires=Sat, 31 Jan 2026 00:10:00 GMT" in set_cookies(trace, 3)[-1]  # re-issued, 10m later
    assert "Expires=Sat, 31 Jan 2026 00:15:00 GMT" in set_cookies(trace, 5)[-1]
    assert all("Max-Age" not in h for h in set_cookies(trace, 1) + set_cookies(trace, 3))
    closed = event_steps(trace, 6)[0]
    assert closed.result == "0 session cookies dropped, 1 persistent cookie kept"
    assert status(trace, 7) == 200  # closing the browser keeps a next-auth session
    if strategy == "database":
        # the row was not written back (updateAge 1d), yet the cookie was re-issued: next-auth does both
        row = response(trace, 5).variables["store"][0]
        assert row["expires"] == "+30d"


def test_without_sliding_expires_the_cookie_is_a_browser_session_cookie() -> None:
    trace = run([{"login": "alice"}, "close_browser", {"request": "GET /dashboard"}])
    assert "expires" not in set_cookies(trace, 1)[-1].lower()
    assert status(trace, 3) == 307


def test_sliding_expires_is_capped_by_the_absolute_timeout() -> None:
    trace = run(
        [{"login": "alice"}, {"advance": "5h"}, {"request": "GET /dashboard"}],
        idle_timeout="6h",
        absolute_timeout="8h",
        cookie={"expires": "sliding"},
    )
    assert "Expires=Thu, 01 Jan 2026 06:00:00 GMT" in set_cookies(trace, 1)[-1]
    assert "Expires=Thu, 01 Jan 2026 08:00:00 GMT" in set_cookies(trace, 3)[-1]


@pytest.mark.parametrize(("sign_in", "redirect"), [("next-auth", 302), ("server-action", 303)])
def test_redirect_statuses_follow_what_they_stand_for(sign_in: str, redirect: int) -> None:
    trace = run([{"request": "GET /dashboard"}, {"login": "alice"}, "logout"], sign_in=sign_in)
    assert status(trace, 1) == 307 and response(trace, 1).result == "307 → /login (not signed in)"
    assert status(trace, 2) == redirect and response(trace, 2).result.startswith(f"{redirect} → /dashboard")
    assert status(trace, 3) == redirect and response(trace, 3).result == f"{redirect} → / (signed out)"
