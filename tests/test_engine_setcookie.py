"""tutor.engine.setcookie: RFC 6265bis §5.6/§5.7, each rule with its reason (the suites in
tests/conformance/ hold it to http-state and WPT; these pin the reasons the `tutor cookie` command shows)."""

from __future__ import annotations

import pytest

from tutor.engine.setcookie import EARLIEST, EPOCH, MAX_LIFETIME, parse, parse_cookie_date, parse_url

HOST = "home.example.org"


def at(header: str, *, secure: bool = True, path: str = "/", now: int = 0, kind: str = "chromium"):
    return parse(header, host=HOST, path=path, secure=secure, now=now, kind=kind)


@pytest.mark.parametrize(
    ("header", "why"),
    [
        ("foo=bar; Domain=.org", "Domain=.org is a public suffix: refused"),
        ("foo=bar; Domain=co.uk", "Domain=co.uk is a public suffix: refused"),
        ("foo=bar; Domain=sibling.example.org", "does not domain-match the request host home.example.org"),
        ("foo=bar; domain=..home.example.org", "does not domain-match"),
        ("a=b\x00c", "control character U+0000"),
        ("a=b\rc", "control character U+000D"),
        ("=", "both the name and the value are empty"),
        ("a=" + "x" * 4096, "more than 4096"),
        ("__Secure-x=1", "__Secure- prefix needs Secure"),
        ("__SECURE-x=1", "__SECURE- prefix needs Secure"),
        ("__host-x=1; Secure", "prefix needs Secure, Path=/ and no Domain"),
        ("__Host-x=1; Secure; Path=/; Domain=home.example.org", "no Domain"),
        ("__Host-x=1; Secure; Path=", "prefix needs Secure, Path=/ and no Domain"),
        ("__Host-x=1; Secure; Path", "prefix needs Secure, Path=/ and no Domain"),
        ("=__Host-x", "nameless cookie whose value starts with a cookie prefix"),
        ("a=1; SameSite=None", "SameSite=None without Secure: chromium rejects it"),
    ],
)
def test_a_refused_cookie_says_which_rule_refused_it(header: str, why: str) -> None:
    out = at(header)
    assert out.cookie is None and out.refused
    assert why in out.refusal


def test_secure_from_an_insecure_response_is_refused() -> None:
    assert "came over http (not a secure connection)" in at("a=1; Secure", secure=False).refusal
    assert at("a=1; SameSite=None", kind="safari").cookie is not None  # Safari keeps it (see the rule)


@pytest.mark.parametrize(
    ("header", "name", "value"),
    [
        ("token", "", "token"),  # §5.6 step 3: nameless
        ("=token", "", "token"),
        ("httponly=1", "httponly", "1"),
        ("path=1", "path", "1"),
        ("@a=bar", "@a", "bar"),
        ('qux="a b"', "qux", '"a b"'),  # quotes stay part of the value
        ("  a b  =  c d  ", "a b", "c d"),  # WSP trimmed, inner kept
    ],
)
def test_names_and_values_as_section_5_6_reads_them(header: str, name: str, value: str) -> None:
    cookie = at(header).cookie
    assert cookie is not None and (cookie.name, cookie.value) == (name, value)


def test_an_invalid_attribute_is_ignored_never_the_cookie() -> None:
    out = at("foo=bar; Expires=Fri 07 Aug 20x9; Max-Age=ten; SameSite=Sometimes; Colour=red; Path=rel", path="/a/b")
    assert out.cookie is not None
    assert out.cookie.expires is None and out.cookie.same_site is None and out.cookie.path == "/a"
    assert out.reasons == (
        "Expires=Fri 07 Aug 20x9 is not a cookie-date: attribute ignored",
        "Max-Age=ten is not a number of seconds: attribute ignored",
        "SameSite=Sometimes is not Strict, Lax or None: the browser's default applies",
        "Colour=red is not a cookie attribute: ignored",
        "Path=rel does not start with '/': the default path /a is used",
    )


def test_secure_and_httponly_with_any_value_still_count() -> None:
    cookie = at("a=1; Secure=; HttpOnly=yes").cookie
    assert cookie is not None and cookie.secure and cookie.http_only
    cookie = at('qux="aaa;bbb"; Secure').cookie
    assert cookie is not None and cookie.secure and cookie.value == '"aaa'


def test_lifetimes() -> None:
    assert at("a=1; Max-Age=60", now=100).cookie.expires == 160
    assert at("a=1; Max-Age=0").cookie.expires == EARLIEST
    assert at("a=1; Max-Age=0").cookie.deletes(0)
    assert at("a=1; Max-Age=99999999999").cookie.expires == MAX_LIFETIME
    out = at("a=1; Expires=Wed, 09 Jun 2100 10:18:14 GMT; Max-Age=10")
    assert out.cookie.expires == 10 and "Max-Age and Expires both given: Max-Age wins" in out.reasons
    assert "in the past" in at("a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT").reasons[-1]
    assert at("a=1; Expires=Fri, 02 Jan 2026 00:00:00 GMT").cookie.expires == 86400


def test_domains() -> None:
    cookie = at("a=1; Domain=.Example.ORG").cookie
    assert cookie is not None and (cookie.domain, cookie.host_only) == ("example.org", False)
    cookie = at("a=1; Domain=").cookie
    assert cookie is not None and (cookie.domain, cookie.host_only) == (HOST, True)
    # the last Domain counts even when empty (6265bis §5.7 step 7; Chromium 156 does the same)
    cookie = at("a=1; Domain=sibling.example.org; Domain=").cookie
    assert cookie is not None and (cookie.domain, cookie.host_only) == (HOST, True)
    # a public suffix that is the request host itself: host-only (§5.7 step 9.3)
    out = parse("a=1; Domain=github.io", host="github.io", secure=True, now=0)
    assert out.cookie is not None and out.cookie.host_only
    assert parse_url("a=1; Domain=.org", "https://home.example.org/x", now=0).refused


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Mon, 10-Dec-2007 17:02:24 GMT", (2007, 12, 10, 17, 2, 24)),
        ("Mon Dec 10 16:32:30 2007 GMT", (2007, 12, 10, 16, 32, 30)),
        ("Wednesday, 01-Jan-10 00:00:00 GMT", (2010, 1, 1, 0, 0, 0)),
        ("Thu, 10 Dec 2009 13:57:2 GMT", (2009, 12, 10, 13, 57, 2)),
    ],
)
def test_cookie_dates(text: str, iso: tuple[int, ...]) -> None:
    import calendar

    assert parse_cookie_date(text) == calendar.timegm((*iso, 0, 0, 0))


@pytest.mark.parametrize("text", ["Mon, 01-Jan-2011 00: 00:00 GMT", "Feb 30 2020 00:00:00", "1 Jan 1600 00:00:00", ""])
def test_cookie_dates_that_fail(text: str) -> None:
    assert parse_cookie_date(text) is None


def test_epoch_is_2026() -> None:
    assert parse_cookie_date("Thu, 01 Jan 2026 00:00:00 GMT") == EPOCH
