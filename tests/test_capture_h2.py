"""An HTTP/2 capture recorded by real Chromium (tests/fixtures/har/recorded/chromium-h2.har, issue 20):
the exact steps the walkthrough makes of it, the model's agreement, pseudo-headers never read as headers or
cookies, a Cookie header split in crumbs joined (RFC 9113 §8.2.3), the host taken from :authority."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tutor.capture.h2 import cookie_header, request_url
from tutor.capture.har import NameValue, read_har
from tutor.capture.render import RENDERERS
from tutor.capture.replay import Replay, replay

H2 = Path(__file__).parent / "fixtures" / "har" / "recorded" / "chromium-h2.har"
PSEUDO = (":authority", ":method", ":path", ":scheme", ":status")

#: (request, relation, status, cookies sent, Set-Cookie name → outcome, what happened to the session)
ROWS = [
    ("GET /", "same-site · top-level", 200, [], [("sessionId", "stored"), ("visit", "stored")], ["sessionId created"]),
    (
        "POST /login",
        "same-site · top-level",
        302,
        ["sessionId", "visit"],
        [("sessionId", "replaced"), ("csrf", "stored"), ("theme", "stored")],
        ["sessionId sent", "sessionId rotated at login: a new value"],
    ),
    ("GET /account", "same-site · top-level", 200, ["visit", "sessionId", "csrf", "theme"], [], ["sessionId sent"]),
    (
        "GET /api/me",
        "same-site · subresource",
        200,
        ["visit", "sessionId", "csrf", "theme"],
        [("sessionId", "replaced")],
        ["sessionId sent", "sessionId renewed: same value, a later expiry"],
    ),
    (
        "GET /api/me",
        "same-site · subresource",
        200,
        ["visit", "sessionId", "csrf", "theme"],
        [("sessionId", "replaced")],
        # both reads fell in one second of the recording: the same Max-Age from the same second, the same expiry
        ["sessionId sent", "sessionId set again, unchanged"],
    ),
    (
        "POST /logout",
        "same-site · top-level",
        303,
        ["visit", "sessionId", "csrf", "theme"],
        [("sessionId", "deleted"), ("csrf", "deleted")],
        ["sessionId sent", "sessionId deleted by the response (sign-out)"],
    ),
    (
        "GET /",
        "same-site · top-level",
        200,
        ["visit", "theme"],
        [("sessionId", "stored"), ("visit", "replaced")],
        ["sessionId created"],
    ),
    ("GET /", "same-site · top-level", 200, ["visit", "theme", "sessionId"], [], ["sessionId sent"]),
]


def rows(r: Replay) -> list[tuple[Any, ...]]:
    return [
        (
            ex.target,
            ex.relation,
            ex.status,
            [n for n, _ in ex.sent],
            [(x.name, x.outcome) for x in ex.received],
            ex.session,
        )
        for ex in r.exchanges
    ]


def check_rows(r: Replay) -> None:
    got = rows(r)
    assert len(got) == len(ROWS)
    assert got == ROWS


def test_the_http2_capture_steps_as_recorded_and_the_model_agrees_on_every_request() -> None:
    r = replay(read_har(H2))
    assert r.kind == "chromium" and r.session_cookie == "sessionId"
    check_rows(r)
    assert [ex.differences for ex in r.exchanges] == [[]] * 8  # the model agrees on all 8 requests
    assert {ex.host for ex in r.exchanges} == {"site-a.test"} and {ex.scheme for ex in r.exchanges} == {"https"}
    assert r.findings == ()  # HttpOnly, Secure, SameSite=Lax, rotated at login, deleted at sign-out
    text = RENDERERS["text"](r)
    assert "the model agrees on the cookies of 8 of 8 requests" in text


def test_pseudo_headers_are_never_shown_as_headers_or_cookies() -> None:
    r = replay(read_har(H2), show_values=True)
    for fmt in ("text", "markdown", "json"):
        out = RENDERERS[fmt](r)
        assert not [p for p in PSEUDO if p in out], fmt
    names = {n for ex in r.exchanges for n, _ in ex.sent} | {x.name for ex in r.exchanges for x in ex.received}
    assert names == {"sessionId", "visit", "csrf", "theme"}


def _rewritten(tmp_path: Path, change) -> Replay:
    har = json.loads(H2.read_text(encoding="utf-8"))
    for e in har["log"]["entries"]:
        change(e["request"])
    path = tmp_path / "changed.har"
    path.write_text(json.dumps(har), encoding="utf-8")
    return replay(read_har(path))


def test_a_cookie_header_split_in_crumbs_is_joined(tmp_path: Path) -> None:
    def crumbs(request: dict[str, Any]) -> None:
        out = []
        for h in request["headers"]:
            if h["name"] == "cookie":  # one field per cookie-pair, as RFC 9113 §8.2.3 allows a client
                out.extend({"name": "cookie", "value": pair.strip()} for pair in h["value"].split(";"))
            else:
                out.append(h)
        request["headers"] = out

    split = _rewritten(tmp_path, crumbs)
    assert [ex.sent for ex in split.exchanges] == [ex.sent for ex in replay(read_har(H2)).exchanges]
    check_rows(split)
    headers = [NameValue("cookie", "a=1"), NameValue(":path", "/"), NameValue("Cookie", "b=2; c=3")]
    assert cookie_header(headers) == "a=1; b=2; c=3"
    assert cookie_header([NameValue(":authority", "x.test")]) is None


def test_a_url_without_host_takes_it_from_authority(tmp_path: Path) -> None:
    def relative(request: dict[str, Any]) -> None:
        parts = request["url"].split("/", 3)
        request["url"] = "/" + parts[3]  # https://site-a.test:PORT/path → /path

    r = _rewritten(tmp_path, relative)
    check_rows(r)
    assert {ex.host for ex in r.exchanges} == {"site-a.test"} and {ex.scheme for ex in r.exchanges} == {"https"}
    assert [ex.differences for ex in r.exchanges] == [[]] * 8
    (first, *_) = read_har(H2).log.entries
    assert request_url(first) == urlsplit(first.request.url)  # a whole URL is kept as it is


FIREFOX_H2 = H2.with_name("firefox-h2.har")
#: (request, relation, cookies sent, what happened to the session) of Firefox's HTTP/2 walk
FIREFOX_ROWS = [
    ("GET /", "same-site · top-level", [], ["sessionId created"]),
    ("GET /favicon.ico", "same-site · subresource", ["sessionId", "visit"], ["sessionId sent"]),
    (
        "POST /login",
        "same-site · top-level",
        ["sessionId", "visit"],
        ["sessionId sent", "sessionId rotated at login: a new value"],
    ),
    ("GET /account", "same-site · top-level", ["sessionId", "visit", "csrf", "theme"], ["sessionId sent"]),
    (
        "GET /api/me",
        "same-site · subresource",
        ["sessionId", "visit", "csrf", "theme"],
        ["sessionId sent", "sessionId renewed: same value, a later expiry"],
    ),
    ("GET /favicon.ico", "same-site · subresource", ["sessionId", "visit", "csrf", "theme"], ["sessionId sent"]),
    (
        "GET /api/me",
        "same-site · top-level",
        ["sessionId", "visit", "csrf", "theme"],
        ["sessionId sent", "sessionId renewed: same value, a later expiry"],
    ),
    # the JSON viewer's page asks for the favicon as a cross-site request (Sec-Fetch-Site), with no cookie
    ("GET /favicon.ico", "cross-site · subresource", [], []),
    ("GET /account", "same-site · top-level", ["sessionId", "visit", "csrf", "theme"], ["sessionId sent"]),
    (
        "GET /api/me",
        "same-site · subresource",
        ["sessionId", "visit", "csrf", "theme"],
        ["sessionId sent", "sessionId renewed: same value, a later expiry"],
    ),
    ("GET /favicon.ico", "same-site · subresource", ["sessionId", "visit", "csrf", "theme"], ["sessionId sent"]),
    (
        "POST /logout",
        "same-site · top-level",
        ["sessionId", "visit", "csrf", "theme"],
        ["sessionId sent", "sessionId deleted by the response (sign-out)"],
    ),
    ("GET /", "same-site · top-level", ["visit", "theme"], ["sessionId created"]),
    ("GET /favicon.ico", "same-site · subresource", ["visit", "theme", "sessionId"], ["sessionId sent"]),
]


def test_firefoxs_http2_capture_without_pseudo_headers_steps_the_same_and_the_model_agrees() -> None:
    r = replay(read_har(FIREFOX_H2))
    assert r.kind == "firefox" and r.session_cookie == "sessionId"
    assert [(ex.target, ex.relation, [n for n, _ in ex.sent], ex.session) for ex in r.exchanges] == FIREFOX_ROWS
    assert [ex.differences for ex in r.exchanges] == [[]] * 14  # the model agrees on all 14 requests
    assert {ex.host for ex in r.exchanges} == {"site-a.test"} and r.findings == ()
    login = r.exchanges[2]
    assert [(x.name, x.outcome) for x in login.received] == [
        ("sessionId", "replaced"),
        ("csrf", "stored"),
        ("theme", "stored"),
    ]
