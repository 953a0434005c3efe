"""The recorded HAR fixtures of tests/fixtures/har/recorded/ (issue 20): valid HAR 1.2, redacted, and of the
shapes the HAR walkthrough is tested on; where Chromium (and node) run, a new recording has the same shapes
and none of the values the browser really held."""

from __future__ import annotations

import email.utils
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conformance import har_recorder, har_redact

FIXTURES = har_recorder.FIXTURES
SESSION = "next-auth.session-token"


def _load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _headers(message: dict[str, Any], name: str) -> list[str]:
    out: list[str] = []
    for h in message["headers"]:
        if h["name"].lower() == name:
            out.extend(h["value"].split("\n"))
    return out


def _cookie_names(request: dict[str, Any]) -> list[str]:
    return [p.split("=", 1)[0].strip() for h in _headers(request, "cookie") for p in h.split(";")]


def _set_cookie(response: dict[str, Any], name: str) -> list[str]:
    return [h for h in _headers(response, "set-cookie") if h.split("=", 1)[0].strip() == name]


def _expires(header: str) -> float:
    (when,) = re.findall(r"(?i);\s*expires=([^;]+)", header)
    parsed = email.utils.parsedate_to_datetime(when)
    return parsed.timestamp()


def check_har_1_2(har: dict[str, Any]) -> None:
    """The fields HAR 1.2 requires (http://www.softwareishard.com/blog/har-12-spec/)."""
    log = har["log"]
    assert log["version"] == "1.2"
    assert {"name", "version"} <= log["creator"].keys()
    assert log["entries"]
    for page in log.get("pages", []):
        assert {"startedDateTime", "id", "title", "pageTimings"} <= page.keys()
    for entry in log["entries"]:
        assert {"startedDateTime", "time", "request", "response", "cache", "timings"} <= entry.keys()
        request, response = entry["request"], entry["response"]
        assert {"method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize", "bodySize"} <= set(
            request
        )
        assert {"status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL"} <= set(response)
        assert {"headersSize", "bodySize"} <= set(response)
        assert {"size", "mimeType"} <= set(response["content"])
        assert {"send", "wait", "receive"} <= set(entry["timings"])


def check_redacted(har: dict[str, Any]) -> None:
    """Every cookie value is a placeholder (or empty: a deletion), no body text is kept."""
    for entry in har["log"]["entries"]:
        for message in (entry["request"], entry["response"]):
            values = [c["value"] for c in message["cookies"]]
            values += [
                p.partition("=")[2].strip() for h in _headers(message, "cookie") for p in h.split(";") if "=" in p
            ]
            values += [h.split(";", 1)[0].partition("=")[2].strip() for h in _headers(message, "set-cookie")]
            values += [h for name in har_redact.SECRET_HEADERS for h in _headers(message, name)]
            assert [v for v in values if v and not har_redact.REDACTED.match(v)] == [], message["url"]
            assert "text" not in message.get("postData", {})
            assert "text" not in message.get("content", {})
            for param in message.get("postData", {}).get("params", []):
                assert har_redact.REDACTED.match(param["value"]) or param["value"] == ""


def check_nextauth_shape(har: dict[str, Any], reads: str | None = "fetch") -> None:
    """Protected page → sign-in POST setting the session cookie → renewals with a later Expires → sign-out."""
    entries = har["log"]["entries"]
    paths = [(e["request"]["method"], urlsplit(e["request"]["url"]).path) for e in entries]
    first = entries[0]
    assert paths[0] == ("GET", "/dashboard")
    assert first["response"]["status"] == 307 and urlsplit(first["response"]["redirectURL"]).path == "/login"
    (sign_in,) = [i for i, p in enumerate(paths) if p == ("POST", "/api/auth/callback/credentials")]
    response = entries[sign_in]["response"]
    assert response["status"] == 302
    (created,) = _set_cookie(response, SESSION)
    assert "HttpOnly" in created and "SameSite=Lax" in created
    # a JWE: its protected header stays readable ({"alg":"dir","enc":"A256GCM"}), the rest is redacted
    assert created.split("=", 1)[1].startswith("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0.redacted-")
    (sign_out,) = [i for i, p in enumerate(paths) if p == ("POST", "/api/auth/signout")]
    renewals = [
        _expires(h)
        for e in entries[sign_in:sign_out]
        if urlsplit(e["request"]["url"]).path == "/api/auth/session"
        for h in _set_cookie(e["response"], SESSION)
    ]
    assert len(renewals) == 3 and renewals[0] >= _expires(created)  # real time passes between them
    assert renewals[0] < renewals[1] < renewals[2]  # each read after the clock moved renews Expires
    kind = reads  # Chromium's _resourceType of the session reads (Firefox: the field is absent)
    reads = [e for e in entries[sign_in:sign_out] if urlsplit(e["request"]["url"]).path == "/api/auth/session"]
    assert all(SESSION in _cookie_names(e["request"]) and e.get("_resourceType") == kind for e in reads)
    (deleted,) = _set_cookie(entries[sign_out]["response"], SESSION)
    assert deleted.startswith(f"{SESSION}=;") and "Max-Age=0" in deleted
    assert SESSION in _cookie_names(entries[sign_out]["request"])
    assert all(SESSION not in _cookie_names(e["request"]) for e in entries[sign_out + 1 :])
    assert "wonderland" not in json.dumps(har)


def _by_tag(har: dict[str, Any], tag: str) -> dict[str, Any]:
    (found,) = [e for e in har["log"]["entries"] if f"k={tag}&" in e["request"]["url"]]
    return found


def check_matrix_shape(har: dict[str, Any]) -> None:
    """Many Set-Cookie in one response; cross-site subresources without cookies (third-party blocked),
    same-site ones with; a 302 → 302 → page redirect chain from site B to site A."""
    entries = har["log"]["entries"]
    first = entries[0]
    assert urlsplit(first["request"]["url"]).path == "/set"
    assert len(_headers(first["response"], "set-cookie")) >= 30 and len(first["response"]["cookies"]) >= 30
    for what, kind in (("img", "image"), ("fetch", "fetch"), ("iframe", "document")):
        cross, same = _by_tag(har, f"cross-{what}"), _by_tag(har, f"same-{what}")
        assert cross.get("_resourceType") == kind == same.get("_resourceType")
        assert urlsplit(cross["request"]["url"]).hostname == "site-a.test"
        before = entries[entries.index(cross) - 1]  # the top-level page on site B that loaded it
        assert urlsplit(before["request"]["url"]).hostname == "site-b.test"
        assert _cookie_names(cross["request"]) == []  # headless Chromium blocks third-party cookies
        assert "lax" in _cookie_names(same["request"]) and "strict" in _cookie_names(same["request"])
    hops = [e for e in entries if urlsplit(e["request"]["url"]).path == "/redirect"]
    assert [urlsplit(e["request"]["url"]).hostname for e in hops] == ["site-b.test", "site-a.test"]
    assert all(e["response"]["status"] == 302 for e in hops)
    landed = _by_tag(har, "redirected")
    assert hops[1]["response"]["redirectURL"] == landed["request"]["url"]
    # measured in Chromium 156: page.goto is a browser-initiated navigation (no initiator), and even after the
    # hop through site B the request to site A carries its Strict cookies too
    assert "lax" in _cookie_names(hops[1]["request"]) and "lax" in _cookie_names(landed["request"])


def check_firefox_nextauth_shape(har: dict[str, Any]) -> None:
    check_nextauth_shape(har, reads=None)  # Firefox reads the session as pages: no _resourceType in its HAR
    assert har["log"]["browser"]["name"] == "Firefox"


def check_chromium_nextauth_shape(har: dict[str, Any]) -> None:
    check_nextauth_shape(har)
    assert har["log"]["browser"]["name"] == "chromium"


def check_h2_shape(har: dict[str, Any]) -> None:
    """Chromium over HTTP/2: ``HTTP/2.0``, lower-case names, the request's pseudo-headers first, none in the
    response; an anonymous session rotated by a sign-in 302 with three Set-Cookie, renewed, deleted."""
    entries = har["log"]["entries"]
    assert har["log"]["browser"]["name"] == "chromium"
    assert (
        {e["request"]["httpVersion"] for e in entries}
        == {"HTTP/2.0"}
        == {e["response"]["httpVersion"] for e in entries}
    )
    for e in entries:
        names = [h["name"] for h in e["request"]["headers"]]
        assert names[:4] == [":authority", ":method", ":path", ":scheme"]  # RFC 9113 §8.3: before the others
        assert all(n == n.lower() for n in names)  # RFC 9113 §8.2.1
        assert not [h for h in e["response"]["headers"] if h["name"].startswith(":")]  # no :status here
        assert all(h["name"] == h["name"].lower() for h in e["response"]["headers"])
        url = urlsplit(e["request"]["url"])
        assert _headers(e["request"], ":authority") == [url.netloc] and _headers(e["request"], ":path") == [url.path]
        assert len(_headers(e["request"], "cookie")) <= 1  # Chromium sends one cookie field, no crumbs
    paths = [(e["request"]["method"], urlsplit(e["request"]["url"]).path, e["response"]["status"]) for e in entries]
    assert paths == [
        ("GET", "/", 200),
        ("POST", "/login", 302),
        ("GET", "/account", 200),
        ("GET", "/api/me", 200),
        ("GET", "/api/me", 200),
        ("POST", "/logout", 303),
        ("GET", "/", 200),
        ("GET", "/", 200),
    ]
    login = entries[1]["response"]
    assert [h.split("=", 1)[0] for h in _headers(login, "set-cookie")] == ["sessionId", "csrf", "theme"]
    assert [h["name"] for h in login["headers"]].count("set-cookie") == 3  # one header object per Set-Cookie
    assert urlsplit(login["redirectURL"]).path == "/account" and _headers(login, "location") == ["/account"]
    (anonymous,) = _set_cookie(entries[0]["response"], "sessionId")
    (signed_in,) = _set_cookie(login, "sessionId")
    assert anonymous.split(";")[0] != signed_in.split(";")[0]  # rotated at sign-in
    (deleted,) = _set_cookie(entries[5]["response"], "sessionId")
    assert deleted.startswith("sessionId=;") and "Max-Age=0" in deleted


def check_firefox_h2_shape(har: dict[str, Any]) -> None:
    """Firefox over HTTP/2: ``HTTP/2``, no pseudo-header at all, the request's names as HTTP/1.1 spells them
    (``Host``, ``Cookie``), the response's in lower case with Firefox's own ``X-Firefox-Spdy: h2``; the same
    walk as Chromium's (a favicon request after each page load)."""
    entries = har["log"]["entries"]
    assert har["log"]["browser"]["name"] == "Firefox"
    assert (
        {e["request"]["httpVersion"] for e in entries} == {"HTTP/2"} == {e["response"]["httpVersion"] for e in entries}
    )
    for e in entries:
        request, response = e["request"], e["response"]
        assert not [h for h in request["headers"] + response["headers"] if h["name"].startswith(":")]
        assert _headers(request, "host") == [urlsplit(request["url"]).netloc]
        assert "Host" in [h["name"] for h in request["headers"]]  # not lower-cased
        assert _headers(response, "x-firefox-spdy") == ["h2"]
        assert all(h["name"] == h["name"].lower() for h in response["headers"] if h["name"] != "X-Firefox-Spdy")
    walk = [
        (e["request"]["method"], urlsplit(e["request"]["url"]).path, e["response"]["status"])
        for e in entries
        if not e["request"]["url"].endswith("/favicon.ico")
    ]
    assert walk == [
        ("GET", "/", 200),
        ("POST", "/login", 302),
        ("GET", "/account", 200),
        ("GET", "/api/me", 200),
        ("GET", "/api/me", 200),
        ("GET", "/account", 200),
        ("GET", "/api/me", 200),
        ("POST", "/logout", 303),
        ("GET", "/", 200),
    ]
    (login,) = [e["response"] for e in entries if urlsplit(e["request"]["url"]).path == "/login"]
    assert [h.split("=", 1)[0] for h in _headers(login, "set-cookie")] == ["sessionId", "csrf", "theme"]
    assert [h["name"] for h in login["headers"]].count("set-cookie") == 3


SHAPES = {
    "chromium-nextauth.har": check_chromium_nextauth_shape,
    "chromium-cookie-matrix.har": check_matrix_shape,
    "firefox-nextauth.har": check_firefox_nextauth_shape,
    "chromium-h2.har": check_h2_shape,
    "firefox-h2.har": check_firefox_h2_shape,
}
BY_KIND = {
    "nextauth": check_chromium_nextauth_shape,
    "cookie-matrix": check_matrix_shape,
    "firefox-nextauth": check_firefox_nextauth_shape,
    "h2": check_h2_shape,
    "firefox-h2": check_firefox_h2_shape,
}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_the_committed_fixture_is_a_redacted_har_of_its_shape(name: str) -> None:
    har = _load(name)
    check_har_1_2(har)
    check_redacted(har)
    SHAPES[name](har)


def test_the_fixture_readme_names_every_fixture() -> None:
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    for path in FIXTURES.glob("*.har"):
        assert path.name in readme


def test_redaction_keeps_equal_values_equal_and_jose_headers_readable() -> None:
    header = "eyJhbGciOiJIUzI1NiJ9"  # {"alg":"HS256"}
    har = {
        "log": {
            "entries": [
                {
                    "request": {
                        "url": "https://a.test/cb?code=s3cret&k=tag",
                        "headers": [
                            {"name": "Cookie", "value": "a=one; b=two; c=one"},
                            {"name": "Authorization", "value": "Bearer s3cret"},
                        ],
                        "cookies": [{"name": "a", "value": "one"}],
                        "queryString": [{"name": "code", "value": "s3cret"}, {"name": "k", "value": "tag"}],
                        "postData": {
                            "mimeType": "x",
                            "text": "password=hunter2",
                            "params": [{"name": "p", "value": "hunter2"}],
                        },
                    },
                    "response": {
                        "headers": [
                            {
                                "name": "Set-Cookie",
                                "value": f"t={header}.body.sig; Path=/; Expires=Wed, 01 Jan 2031 00:00:00 GMT\nd=; Max-Age=0",
                            }
                        ],
                        "cookies": [{"name": "t", "value": f"{header}.body.sig"}],
                        "content": {"size": 5, "mimeType": "text/plain", "text": "hello"},
                        "redirectURL": "",
                    },
                }
            ]
        }
    }
    out = har_redact.redact(har, key=b"k")
    text = json.dumps(out)
    for secret in ("one", "two", "s3cret", "hunter2", "body.sig", "hello"):
        assert secret not in text.replace("redacted-", "")
    (entry,) = out["log"]["entries"]
    cookie = entry["request"]["headers"][0]["value"]
    a, b, c = (p.split("=")[1] for p in cookie.split("; "))
    assert a == c != b and har_redact.REDACTED.match(a)
    assert entry["request"]["cookies"][0]["value"] == a  # the same value in the array and the header
    set_cookie = entry["response"]["headers"][0]["value"].split("\n")
    assert set_cookie[0].startswith(f"t={header}.redacted-") and set_cookie[0].endswith(
        "; Path=/; Expires=Wed, 01 Jan 2031 00:00:00 GMT"
    )
    assert set_cookie[1] == "d=; Max-Age=0"  # a deletion stays a deletion
    assert "k=tag" in entry["request"]["url"] and "code=redacted-" in entry["request"]["url"]
    assert har_redact.redact(json.loads(json.dumps(out)), key=b"other") == out  # redacting twice changes nothing


def test_redaction_keeps_a_long_value_s_size() -> None:
    """A cookie over 4096 bytes is ignored by the browser: its redacted copy must be as long, or a replay of
    the fixture would store it (Chromium 156 ignored the matrix's ``big``, name + value 4103 bytes)."""
    r = har_redact.Redactor(b"k")
    big, short = r.value("x" * 4100), r.value("1")
    assert len(big) == 4100 and har_redact.REDACTED.match(big) and "x" not in big
    assert len(r.value("é" * 40)) == 80  # bytes, as the size rule counts them
    assert short == r.placeholder("1") and r.value(big) == big
    jwe = "eyJhbGciOiJkaXIifQ." + "a" * 500
    assert len(r.value(jwe)) == len(jwe) and r.value(jwe).startswith("eyJhbGciOiJkaXIifQ.redacted-")


def test_redacting_a_file_that_is_no_har_is_one_line_and_exit_1(tmp_path: Path, capsys) -> None:
    source = tmp_path / "x.json"
    source.write_text('{"log": {}}', encoding="utf-8")
    assert har_redact.main([str(source), str(tmp_path / "out.har")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"har_redact: error: {source}: not a HAR file")
    assert not (tmp_path / "out.har").exists()


@pytest.mark.conformance
@pytest.mark.parametrize(
    "kind",
    [
        "cookie-matrix",
        "nextauth",
        "h2",
        # Firefox starts with a DevTools toolbox per tab: ~30 s here, so it runs with `-m slow`
        pytest.param("firefox-nextauth", marks=pytest.mark.slow),
        pytest.param("firefox-h2", marks=pytest.mark.slow),
    ],
)
def test_a_new_recording_has_the_shape_and_none_of_the_real_values(kind: str, tmp_path: Path) -> None:
    why = har_recorder.unavailable_for(kind)
    if why:
        pytest.skip(why)
    raw, out = tmp_path / "raw.har", tmp_path / "out.har"
    try:
        seen = har_recorder.record(kind, out, raw)
    except har_recorder.nextauth_probe.ProbeUnavailable as error:
        pytest.skip(str(error))
    har = json.loads(out.read_text(encoding="utf-8"))
    check_har_1_2(har)
    check_redacted(har)
    BY_KIND[kind](har)
    # every value the browser really held or sent (the jar's next-auth cookies, the password, the raw
    # capture's cookie values longer than a digit) is absent from the redacted file
    raw_har = json.loads(raw.read_text(encoding="utf-8"))
    values = set(seen["secrets"])
    for entry in raw_har["log"]["entries"]:
        for message in (entry["request"], entry["response"]):
            values.update(c["value"] for c in message["cookies"] if len(c["value"]) > 3)
    text = out.read_text(encoding="utf-8")
    # next-auth.callback-url holds a URL of the app (Firefox's cookies array has it unencoded): the capture's
    # own URLs show it anyway; its cookie value is still redacted (check_redacted)
    assert [v for v in values if v in text and not v.startswith("http://127.0.0.1:")] == []
    if kind.endswith("nextauth"):
        assert har_recorder.PASSWORD in raw.read_text(encoding="utf-8")  # the raw capture did hold it
        assert len(seen["secrets"]) >= 5  # CSRF token, callback URL and several session tokens
