"""RFC 6265 cookie-jar rules (tutor/engine/cookies.py)."""

from __future__ import annotations

import pytest

from tutor.engine.cookies import (
    EPOCH,
    MAX_LIFETIME,
    CookieJar,
    default_path,
    domain_match,
    path_match,
)
from tutor.engine.headers import build_set_cookie

HOST = "app.example"


def store(jar: CookieJar, header: str, *, now: int = 0, scheme: str = "https", path: str = "/", host: str = HOST):
    return jar.set_from_header(header, host=host, path=path, scheme=scheme, now=now)


def sent(jar: CookieJar, *, path: str = "/", now: int = 0, scheme: str = "https", host: str = HOST, **kw) -> list[str]:
    return [c.pair() for c in jar.cookies_for(host=host, path=path, scheme=scheme, now=now, **kw)]


def http_date(virtual: int) -> str:
    import email.utils

    return email.utils.formatdate(EPOCH + virtual, usegmt=True)


def test_set_cookie_is_built_with_morsel_and_parses_back() -> None:
    header = build_set_cookie("sid", "abc", path="/", max_age=60, secure=True, http_only=True, same_site="lax")
    assert header == "sid=abc; HttpOnly; Max-Age=60; Path=/; SameSite=Lax; Secure"
    jar = CookieJar()
    assert store(jar, header).outcome == "stored"
    (cookie,) = jar.all(0)
    assert (cookie.secure, cookie.http_only, cookie.same_site, cookie.expires) == (True, True, "lax", 60)


def test_max_age_wins_over_expires() -> None:
    jar = CookieJar()
    store(jar, f"a=1; Max-Age=60; Expires={http_date(3600)}")
    assert jar.all(0)[0].expires == 60
    jar2 = CookieJar()
    store(jar2, f"a=1; Max-Age=0; Expires={http_date(3600)}")
    assert jar2.all(0) == []


def test_expires_alone_sets_expiry_on_the_virtual_clock() -> None:
    jar = CookieJar()
    store(jar, f"a=1; Expires={http_date(600)}", now=10)
    assert jar.all(10)[0].expires == 600


@pytest.mark.parametrize("max_age", ["0", "-1", "-100"])
def test_max_age_zero_or_negative_deletes(max_age: str) -> None:
    jar = CookieJar()
    store(jar, "a=1; Path=/")
    assert sent(jar) == ["a=1"]
    outcome = store(jar, f"a=; Max-Age={max_age}; Path=/")
    assert outcome.outcome == "deleted"
    assert sent(jar) == []


def test_expires_in_the_past_deletes() -> None:
    jar = CookieJar()
    store(jar, "a=1", now=100)
    assert store(jar, f"a=1; Expires={http_date(50)}", now=100).outcome == "deleted"
    assert jar.all(100) == []


def test_session_cookie_lives_until_cleared_or_browser_closes() -> None:
    jar = CookieJar()
    store(jar, "s=1")
    store(jar, "p=2; Max-Age=999999")
    (s, p) = jar.all(0)
    assert s.expires is None and p.expires == 999999
    assert sent(jar, now=10 * 365 * 86400 // 10) == ["s=1"]  # p long gone, s still there
    jar2 = CookieJar()
    store(jar2, "s=1")
    store(jar2, "p=2; Max-Age=100")
    assert jar2.close_session() == 1
    assert sent(jar2) == ["p=2"]
    assert jar2.clear() == 1 and sent(jar2) == []


def test_lifetime_capped_at_400_days() -> None:
    jar = CookieJar()
    store(jar, "a=1; Max-Age=999999999")
    assert jar.all(0)[0].expires == MAX_LIFETIME
    jar2 = CookieJar()
    store(jar2, f"a=1; Expires={http_date(1000 * 86400)}")
    assert jar2.all(0)[0].expires == MAX_LIFETIME


def test_expiry_boundary_cookie_kept_at_its_expiry_second_and_gone_after() -> None:
    jar = CookieJar()
    store(jar, "a=1; Max-Age=60")
    assert sent(jar, now=59) == ["a=1"]
    assert sent(jar, now=60) == ["a=1"]  # not strictly past yet
    assert sent(jar, now=61) == []
    assert jar.all(61) == []


@pytest.mark.parametrize(
    ("request_path", "cookie_path", "match"),
    [
        ("/", "/", True),
        ("/docs", "/docs", True),
        ("/docs/page", "/docs", True),
        ("/docs/page", "/docs/", True),
        ("/docsearch", "/docs", False),
        ("/", "/docs", False),
        ("/docs?x=1", "/docs", True),
    ],
)
def test_path_match(request_path: str, cookie_path: str, match: bool) -> None:
    assert path_match(request_path, cookie_path) is match


@pytest.mark.parametrize(
    ("request_path", "expected"), [("/", "/"), ("/login", "/"), ("/a/b", "/a"), ("/a/b/c", "/a/b"), ("", "/")]
)
def test_default_path(request_path: str, expected: str) -> None:
    assert default_path(request_path) == expected


def test_path_attribute_limits_sending_and_default_path_is_used() -> None:
    jar = CookieJar()
    store(jar, "a=1; Path=/admin")
    store(jar, "b=2", path="/docs/page")  # default path /docs
    assert sent(jar, path="/") == []
    assert sent(jar, path="/admin/users") == ["a=1"]
    assert sent(jar, path="/docs/other") == ["b=2"]


def test_longer_paths_are_sent_first() -> None:
    jar = CookieJar()
    store(jar, "a=root; Path=/")
    store(jar, "a=deep; Path=/admin")
    assert sent(jar, path="/admin") == ["a=deep", "a=root"]


def test_domain_matching_and_host_only() -> None:
    assert domain_match("app.example", "app.example")
    assert domain_match("www.app.example", "app.example")
    assert not domain_match("evilapp.example", "app.example")
    jar = CookieJar()
    store(jar, "host=1")  # host-only
    store(jar, "dom=2; Domain=.app.example")
    assert sent(jar) == ["host=1", "dom=2"]
    assert sent(jar, host="www.app.example") == ["dom=2"]
    assert sent(jar, host="other.example") == []
    assert store(jar, "x=1; Domain=other.example").outcome == "rejected"


def test_secure_only_sent_over_https_and_not_set_from_http() -> None:
    jar = CookieJar()
    store(jar, "s=1; Secure")
    assert sent(jar, scheme="https") == ["s=1"]
    assert sent(jar, scheme="http") == []
    outcome = store(jar, "t=1; Secure", scheme="http")
    assert outcome.outcome == "rejected" and "http" in outcome.reason
    assert store(jar, "s=evil", scheme="http").outcome == "rejected"  # cannot overwrite a Secure one from http
    assert sent(jar) == ["s=1"]


def test_http_only_hidden_from_document_cookie_not_from_requests() -> None:
    jar = CookieJar()
    store(jar, "sid=1; HttpOnly")
    store(jar, "theme=dark")
    assert sent(jar) == ["sid=1", "theme=dark"]
    assert jar.document_cookie(host=HOST, now=0) == "theme=dark"


SAMESITE_MATRIX = [
    # attribute, method, top_level, sent cross-site?
    ("Strict", "GET", True, False),
    ("Strict", "POST", True, False),
    ("Lax", "GET", True, True),
    ("Lax", "GET", False, False),
    ("Lax", "POST", True, False),
    (None, "GET", True, True),
    (None, "GET", False, False),
    (None, "POST", True, False),
    ("None", "GET", True, True),
    ("None", "GET", False, True),
    ("None", "POST", True, True),
]


@pytest.mark.parametrize(("same_site", "method", "top_level", "expected"), SAMESITE_MATRIX)
def test_same_site_matrix(same_site: str | None, method: str, top_level: bool, expected: bool) -> None:
    jar = CookieJar()
    attr = f"; SameSite={same_site}" if same_site else ""
    assert store(jar, f"sid=1; Secure{attr}").outcome == "stored"
    # same-site requests always carry it; 5 minutes later, past chromium's 2-minute Lax+POST window
    assert sent(jar, method=method, top_level=top_level, now=300) == ["sid=1"]
    got = sent(jar, method=method, cross_site=True, top_level=top_level, now=300)
    assert (got == ["sid=1"]) is expected


def test_same_site_none_requires_secure() -> None:
    jar = CookieJar()
    outcome = store(jar, "sid=1; SameSite=None")
    assert outcome.outcome == "rejected" and "Secure" in outcome.reason
    assert jar.all(0) == []


def test_4096_byte_limit_on_name_plus_value() -> None:
    jar = CookieJar()
    assert store(jar, "a=" + "x" * 4095).outcome == "stored"
    assert store(jar, "b=" + "x" * 4096).outcome == "rejected"
    assert [c.name for c in jar.all(0)] == ["a"]


@pytest.mark.parametrize("kind", ["firefox", "safari"])
def test_same_name_domain_path_replaces_keeping_creation_time(kind: str) -> None:
    jar = CookieJar(kind)
    store(jar, "a=1; Path=/", now=5)
    assert store(jar, "a=2; Path=/", now=9).outcome == "replaced"
    store(jar, "a=3; Path=/other", now=9)
    cookies = jar.all(9)
    assert [(c.value, c.path) for c in cookies] == [("2", "/"), ("3", "/other")]
    assert cookies[0].created == 5  # RFC 6265 §5.3 step 11.3


def test_chromium_keeps_the_creation_time_only_for_an_unchanged_value() -> None:
    jar = CookieJar("chromium")
    store(jar, "a=1; Path=/", now=5)
    store(jar, "a=1; Path=/", now=9)
    assert jar.all(9)[0].created == 5
    store(jar, "a=2; Path=/", now=12)
    assert jar.all(12)[0].created == 12


def test_deleting_needs_the_matching_path() -> None:
    jar = CookieJar()
    store(jar, "a=1; Path=/app")
    assert store(jar, "a=; Max-Age=0; Path=/").outcome == "deleted"  # nothing at Path=/ to delete
    assert sent(jar, path="/app") == ["a=1"]
    store(jar, "a=; Max-Age=0; Path=/app")
    assert sent(jar, path="/app") == []


def test_a_header_without_equals_is_a_nameless_cookie() -> None:
    # RFC 6265bis §5.6 step 3 (RFC 6265 ignored it; browsers and the WPT name tests keep it)
    jar = CookieJar()
    assert store(jar, "no equals sign here").outcome == "stored"
    assert sent(jar) == ["no equals sign here"]


def test_a_header_with_a_control_character_is_ignored() -> None:
    jar = CookieJar()
    outcome = store(jar, "a=b\x00c")
    assert outcome.outcome == "rejected" and "U+0000" in outcome.reason
    assert jar.all(0) == []


def test_an_unreadable_attribute_is_ignored_not_the_cookie() -> None:
    jar = CookieJar()
    outcome = store(jar, "a=1; Expires=someday; Path")
    assert outcome.outcome == "stored" and "Expires=someday is not a cookie-date: attribute ignored" in outcome.notes
    assert jar.all(0)[0].expires is None


def test_a_public_suffix_domain_is_refused() -> None:
    jar = CookieJar()
    outcome = store(jar, "a=1; Domain=.example", host="app.example")
    assert (outcome.outcome, outcome.reason) == ("rejected", "Domain=.example is a public suffix")


def test_prefixes_are_matched_case_insensitively() -> None:
    jar = CookieJar()
    assert store(jar, "__SECURE-a=1").outcome == "rejected"
    assert store(jar, "__host-b=1; Secure").outcome == "rejected"


def test_quoted_values_keep_their_raw_form() -> None:
    jar = CookieJar()
    store(jar, 'q="a b"')
    assert sent(jar) == ['q="a b"']


def test_cookie_prefixes() -> None:
    jar = CookieJar()
    assert store(jar, "__Secure-a=1").outcome == "rejected"
    assert store(jar, "__Secure-a=1; Secure").outcome == "stored"
    assert store(jar, "__Host-b=1; Secure; Path=/app").outcome == "rejected"
    assert store(jar, "__Host-b=1; Secure; Path=/; Domain=app.example").outcome == "rejected"
    assert store(jar, "__Host-b=1; Secure; Path=/").outcome == "stored"


def test_send_verdict_names_the_cookie_a_request_carries_and_the_rule() -> None:
    """Two cookies `a` (Path=/admin, then Path=/): a request to /x carries the second; to /admin/x the
    first (longest path first); `a` on another host and a name the jar lacks have no verdict."""
    jar = CookieJar()
    store(jar, "a=deep; Path=/admin")
    store(jar, "a=top; Path=/", now=1)
    where = {"host": HOST, "scheme": "https", "now": 2}
    cookie, carried, rule = jar.send_verdict("a", path="/x", **where)
    assert (cookie.value, carried, rule) == ("top", True, "same-site: sent (SameSite does not apply)")
    assert jar.send_verdict("a", path="/admin/x", **where)[0].value == "deep"
    cookie, carried, rule = jar.send_verdict("a", path="/x", **{**where, "scheme": "http"})
    assert (carried, rule) == (True, "same-site: sent (SameSite does not apply)")
    store(jar, "s=1; Secure; Path=/")
    assert jar.send_verdict("s", path="/", **{**where, "scheme": "http"})[1:] == (False, "Secure: sent only over https")
    assert jar.send_verdict("a", path="/", host="other.example", scheme="https", now=2) is None
    assert jar.send_verdict("missing", path="/", **where) is None
