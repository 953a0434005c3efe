"""A response written by hand for any request (`set_cookie:` with `answers:` and `status:`, `request:` with
`status:`) and a page script's `document.cookie` write (`document_cookie:`): what a capture's export needs
(issue 20), and additive: an event without them plays as before."""

from __future__ import annotations

import pytest
from test_engine_helpers import event_steps, run, scenario

from tutor.engine import check_scenario
from tutor.engine.cookie_send import SAFE_METHODS
from tutor.engine.cookies import CookieJar
from tutor.engine.jar_events import status_phrase
from tutor.engine.scenario import REQUEST_PATTERN, Event, script_cookie_values
from tutor.lesson.challenges import event_text


def test_set_cookie_answers_the_request_it_names_with_its_status() -> None:
    trace = run([{"set_cookie": "sid=1; Secure", "answers": "POST /api/auth/callback/credentials", "status": 302}])
    steps = event_steps(trace, 1)
    assert [s.phase for s in steps] == ["receive", "set_cookie", "send_response", "store_cookie"]
    assert steps[0].action == "Receive POST /api/auth/callback/credentials"
    assert steps[0].result == "302 Found, by hand: 1 Set-Cookie header"
    assert steps[2].action == "Send 302" and steps[2].variables["status"] == 302
    # RFC 6265bis §5.1.4: a header without Path= gets the request path's directory (default-path)
    assert steps[3].variables["jar.browser"] == ["sid=1; Path=/api/auth/callback; Secure; Session"]


def test_without_answers_and_status_set_cookie_is_get_slash_and_200_as_before() -> None:
    steps = event_steps(run([{"set_cookie": "a=1"}]), 1)
    assert steps[0].action == "Receive GET /"
    assert steps[0].result == "The response is written by hand: 1 hand-written Set-Cookie header"
    assert steps[2].result == "200 OK with 1 hand-written Set-Cookie header"


def test_a_request_with_status_is_answered_by_hand_and_the_routes_do_not_run() -> None:
    """Any method token (RFC 9110 §9.1) and path; the engine's server would start a session on GET / and
    answer 404 for an unknown path: with `status:` neither happens."""
    trace = run(
        [{"request": "PUT /api/items/3?draft=1", "status": 204}, {"request": "GET /", "status": 200}],
        anonymous_sessions=True,
    )
    put = event_steps(trace, 1)
    assert [s.phase for s in put] == ["receive", "send_response"]
    assert put[0].action == "Receive PUT /api/items/3" and put[0].variables["request"] == "PUT /api/items/3"
    assert put[0].result == "204 No Content, by hand: no Set-Cookie"
    assert put[1].variables["status"] == 204
    home = event_steps(trace, 2)
    assert [s.phase for s in home] == ["receive", "send_response"]  # no create_session, no Set-Cookie
    assert home[-1].variables["jar.browser"] is None or home[-1].variables["jar.browser"] == []


def test_a_request_without_status_still_goes_to_the_routes() -> None:
    assert [s.phase for s in event_steps(run([{"request": "GET /"}]), 1)][:2] == ["receive", "read_cookie"]
    assert [(p.event, p.field) for p in check_scenario(scenario([{"request": "PUT /x"}]))] == [(0, "request")]
    assert check_scenario(scenario([{"request": "PUT /x", "status": 200}])) == []


def test_status_phrases_come_from_rfc_9110() -> None:
    assert (status_phrase(404), status_phrase(303), status_phrase(299)) == ("Not Found", "See Other", "")
    assert event_steps(run([{"request": "GET /x", "status": 299}]), 1)[-1].result == "299 with no Set-Cookie"


@pytest.mark.parametrize("line", ["GET /", "M-SEARCH /", "PROPFIND /dav/a?depth=1", "get /"])
def test_a_request_line_is_a_method_token_and_an_origin_form_path(line: str) -> None:
    import re

    assert re.match(REQUEST_PATTERN, line)


@pytest.mark.parametrize("line", ["GET", "GET  /", "GET x", "G(T /", "GET /a b", "GET /\n"])
def test_what_is_not_a_request_line(line: str) -> None:
    import re

    assert not re.match(REQUEST_PATTERN, line)


def test_lax_goes_with_every_safe_method_on_a_top_level_cross_site_navigation() -> None:
    """RFC 6265bis §5.8.3: a Lax cookie goes with a cross-site top-level navigation whose method is safe
    (RFC 9110 §9.2.1: GET, HEAD, OPTIONS, TRACE), not with PUT or DELETE."""
    assert SAFE_METHODS == {"GET", "HEAD", "OPTIONS", "TRACE"}
    events = [{"set_cookie": "lax=1; SameSite=Lax; Secure"}]
    for method in ("HEAD", "PUT"):
        events.append({"request": f"{method} /", "status": 200, "cross_site": True})
    trace = run(events)
    assert event_steps(trace, 2)[0].variables["cookieStore"] == {"lax": "1"}
    assert event_steps(trace, 3)[0].variables["cookieStore"] == {}


def test_a_script_sets_a_cookie_the_next_request_carries() -> None:
    trace = run([{"document_cookie": "theme=dark"}, {"request": "GET /account", "status": 200}])
    (write,) = event_steps(trace, 1)
    assert write.phase == "script_cookie" and write.action == "Script writes document.cookie"
    assert write.result == "theme stored"
    assert write.variables["jar.browser"] == ["theme=dark; Path=/; Session"]
    assert write.variables["document.cookie.browser"] == "theme=dark"
    assert event_steps(trace, 2)[0].variables["cookieStore"] == {"theme": "dark"}


def test_a_script_cannot_set_an_httponly_cookie_nor_replace_or_delete_one() -> None:
    """RFC 6265bis §5.7, a cookie "received from a non-HTTP API": one with the HttpOnly attribute is
    ignored entirely, and so is one whose name, domain and path match a stored cookie whose http-only-flag
    is set (here: replacing it, and deleting it with Max-Age=0)."""
    trace = run(
        [
            {"set_cookie": "sid=server; HttpOnly; Secure"},
            {"document_cookie": ["x=1; HttpOnly", "sid=script", "sid=; Max-Age=0", "sid=other; Path=/app"]},
        ]
    )
    (write,) = event_steps(trace, 2)
    assert write.action == "Script writes document.cookie (4 values)"
    assert write.result == (
        "x rejected (HttpOnly: a script cannot set an HttpOnly cookie); "
        "sid rejected (a stored HttpOnly cookie has this name, domain and path: a script cannot replace it); "
        "sid rejected (a stored HttpOnly cookie has this name, domain and path: a script cannot replace it) "
        "[Max-Age=0 is in the past: the cookie expires at once (it deletes a stored one)]; "
        "sid stored"  # another path: another cookie, which the script may set
    )
    assert write.variables["jar.browser"] == [
        "sid=server; Path=/; Secure; HttpOnly; Session",
        "sid=other; Path=/app; Session",
    ]


def test_a_script_on_an_http_page_cannot_set_a_secure_cookie() -> None:
    """RFC 6265bis §5.7: a Secure cookie from a non-secure origin is ignored (the page is http here)."""
    (write,) = event_steps(run([{"document_cookie": "s=1; Secure", "scheme": "http"}]), 1)
    assert write.result.startswith("s rejected")


def test_the_jar_refuses_a_script_write_over_an_httponly_cookie_directly() -> None:
    jar = CookieJar("firefox")
    jar.set_from_header("sid=1; HttpOnly", host="app.example", path="/", scheme="https", now=0)
    assert jar.set_from_script("sid=2", host="app.example", now=0).outcome == "rejected"
    assert jar.set_from_script("other=2", host="app.example", now=0).outcome == "stored"
    assert jar.document_cookie(host="app.example", now=0) == "other=2"


def test_the_new_keys_are_problems_on_other_verbs() -> None:
    found = check_scenario(
        scenario(
            [
                {"request": "GET /", "answers": "GET /"},
                {"document_cookie": "a=1", "status": 200},
                {"login": "alice", "status": 200},
                {"document_cookie": "a=1", "cross_site": True},
                {"document_cookie": ["a=1", "b=1\nc=2"]},
            ]
        )
    )
    assert [(p.event, p.field) for p in found] == [
        (0, "answers"),
        (1, "status"),
        (2, "status"),
        (3, "cross_site"),
        (4, "document_cookie.1"),
    ]


def test_the_events_in_words() -> None:
    one, several = Event(document_cookie="a=1"), Event(document_cookie=["a=1", "b=2"])
    assert script_cookie_values(one) == ["a=1"] and script_cookie_values(several) == ["a=1", "b=2"]
    assert one.verb == "document_cookie" and one.acting == "browser"
    assert event_text(several) == "document_cookie: [a=1, b=2]"
    written = Event(set_cookie="a=1", answers="POST /x", status=302)
    assert event_text(written) == "set_cookie: a=1 (answers POST /x, status 302)"
