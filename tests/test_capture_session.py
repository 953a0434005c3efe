"""The session cookie's life in a capture (tutor.capture.session): what counts as a login and a logout, a
token's renewal against an ID's rotation, loopback http, and the findings panel's words when nothing was
checked. Hand-made HAR entries go through the real replay; the recorded next-auth captures show the rest."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from tutor.capture.har import read_har
from tutor.capture.lesson import findings_text
from tutor.capture.render import RENDERERS
from tutor.capture.replay import Replay, replay
from tutor.engine.setcookie import is_loopback

RECORDED = Path(__file__).parent / "fixtures" / "har" / "recorded"
ATTRS = "Path=/; HttpOnly; Secure; SameSite=Lax"
NA = "next-auth.session-token"


def step(
    url: str,
    second: int,
    *,
    method: str = "GET",
    status: int = 200,
    cookie: str = "",
    set_cookie: str = "",
    location: str = "",
) -> dict:
    headers = [("Location", location)] if location else []
    headers += [("Set-Cookie", set_cookie)] if set_cookie else []
    return {
        "startedDateTime": f"2026-01-01T00:00:{second:02d}Z",
        "request": {
            "method": method,
            "url": url,
            "headers": [{"name": "Cookie", "value": cookie}] if cookie else [],
            "cookies": [],
        },
        "response": {"status": status, "headers": [{"name": n, "value": v} for n, v in headers]},
    }


def run(tmp_path: Path, *entries: dict, name: str | None = None) -> Replay:
    path = tmp_path / "x.har"
    path.write_text(json.dumps({"log": {"creator": {"name": "WebInspector"}, "entries": list(entries)}}))
    return replay(read_har(path), session_cookie=name)


def titles(r: Replay) -> list[str]:
    return [f.title for f in r.findings]


def jwe(n: int) -> str:
    header = base64.urlsafe_b64encode(b'{"alg":"dir","enc":"A256GCM"}').rstrip(b"=").decode()
    return f"{header}..iv{n}.ciphertext{n}.tag{n}"


def anonymous_then_login(tmp_path: Path, **login: object) -> Replay:
    """An anonymous ``sid`` (all its flags), then a POST to /login answered as ``login`` says."""
    return run(
        tmp_path,
        step("https://a.example/", 0, set_cookie=f"sid=old; {ATTRS}"),
        step("https://a.example/login", 1, method="POST", cookie="sid=old", **login),  # type: ignore[arg-type]
        name="sid",
    )


# -- login (report item 5)


def test_a_redirect_that_keeps_the_id_is_a_login_not_rotated(tmp_path: Path) -> None:
    r = anonymous_then_login(tmp_path, status=302, location="/account")
    assert "sid NOT rotated at login: the same ID before and after (a fixation risk)" in r.exchanges[1].session
    assert titles(r) == ["ID not rotated at login"]


@pytest.mark.parametrize(
    ("login", "why"),
    [
        ({"status": 401}, "answered 401: the login failed"),
        ({"status": 200}, "answered 200 without a session cookie: nothing here shows a login (the form again?)"),
        ({"status": 302, "location": "/login"}, "redirected to /login: the login failed or is not finished"),
        (
            {"status": 302, "location": "/api/auth/error?error=CredentialsSignin"},
            "redirected to /api/auth/error: the login failed or is not finished",
        ),
        (
            {"status": 302, "location": "https://github.com/login/oauth/authorize"},
            "handed to github.com: the login finishes at its callback",
        ),
    ],
)
def test_a_failed_login_is_no_login_and_no_fixation(tmp_path: Path, login: dict, why: str) -> None:
    r = anonymous_then_login(tmp_path, **login)
    assert f"a login request, but no login: {why}" in r.exchanges[1].session
    assert r.findings == ()


def test_starting_oauth_is_no_login_and_the_callback_is(tmp_path: Path) -> None:
    """next-auth: POST /api/auth/signin/<provider> only hands over to the provider; the session arrives
    with the provider's GET back to /api/auth/callback/<provider>."""
    r = run(
        tmp_path,
        step("https://a.example/", 0, set_cookie=f"sid=old; {ATTRS}"),
        step("https://a.example/auth/start", 1, method="POST", status=302, location="https://idp.example/authorize"),
        step(
            "https://a.example/signin/idp",
            2,
            method="POST",
            cookie="sid=old",
            status=302,
            location="https://idp.example/a",
        ),
        step(
            "https://a.example/auth/callback/idp",
            3,
            cookie="sid=old",
            status=302,
            location="/",
            set_cookie=f"sid=new; {ATTRS}",
        ),
        name="sid",
    )
    assert "a login request, but no login: handed to idp.example: the login finishes at its callback" in (
        r.exchanges[2].session
    )
    assert "sid rotated at login: a new value" in r.exchanges[3].session
    assert r.findings == ()


def test_next_auth_keeping_its_session_at_sign_in_is_no_fixation(tmp_path: Path) -> None:
    """The database strategy keeps the session when its own user signs in again (callback-handler.js)."""
    r = run(
        tmp_path,
        step(
            "https://a.example/api/auth/callback/github", 0, status=302, location="/", set_cookie=f"{NA}=db1; {ATTRS}"
        ),
        step(
            "https://a.example/api/auth/callback/github",
            1,
            cookie=f"{NA}=db1",
            status=302,
            location="/",
            set_cookie=f"{NA}=db1; {ATTRS}",
        ),
    )
    assert f"{NA} created at login" in r.exchanges[0].session
    assert any(
        n.startswith(f"{NA} kept at sign-in: next-auth keeps a database session") for n in r.exchanges[1].session
    )
    assert r.findings == ()


# -- logout (report item 1)


def signed_in(*after: dict) -> list[dict]:
    return [step("https://a.example/", 0, set_cookie=f"sid=v; {ATTRS}"), *after]


def sign_out_then_visit(tmp_path: Path, path: str, answer: dict) -> Replay:
    """Signed in, then a request to ``path`` answered as ``answer`` says, then a page with the same cookie."""
    return run(
        tmp_path,
        *signed_in(
            step(f"https://a.example{path}", 1, cookie="sid=v", **answer),
            step("https://a.example/me", 2, cookie="sid=v"),
        ),
        name="sid",
    )


def test_a_confirmation_page_then_a_post_that_deletes_is_a_clean_logout(tmp_path: Path) -> None:
    r = run(
        tmp_path,
        *signed_in(
            step("https://a.example/api/auth/signout", 1, cookie="sid=v"),
            step("https://a.example/favicon.ico", 2, cookie="sid=v"),
            step(
                "https://a.example/api/auth/signout",
                3,
                method="POST",
                cookie="sid=v",
                status=302,
                location="/",
                set_cookie="sid=; Max-Age=0; Path=/",
            ),
            step("https://a.example/", 4),
        ),
        name="sid",
    )
    assert "a sign-out page (GET answered without a redirect): no logout by itself" in r.exchanges[1].session
    assert "sid deleted by the response (sign-out)" in r.exchanges[3].session
    assert r.findings == ()


@pytest.mark.parametrize(
    "logout",
    [
        {"method": "POST", "status": 302, "location": "/"},
        {"method": "POST", "status": 200},
        {"method": "GET", "status": 302, "location": "/"},
    ],
)
def test_a_logout_that_keeps_the_cookie_is_outlived(tmp_path: Path, logout: dict) -> None:
    r = sign_out_then_visit(tmp_path, "/logout", logout)
    assert "logout: sid not deleted by the response, the browser keeps it" in r.exchanges[1].session
    assert [(f.step, f.title) for f in r.findings] == [(3, "session outlives logout")]


@pytest.mark.parametrize(
    "page", [{"status": 200}, {"status": 302, "location": "/auth/signout"}], ids=["confirm-page", "custom-page"]
)
def test_a_get_of_a_sign_out_page_is_no_logout(tmp_path: Path, page: dict) -> None:
    r = sign_out_then_visit(tmp_path, "/signout", page)
    assert r.findings == ()


@pytest.mark.parametrize(
    "answer",
    [{"status": 302, "location": "/api/auth/signout?csrf=true"}, {"status": 403}],
    ids=["sent-back-for-csrf", "refused"],
)
def test_a_post_sent_back_to_the_sign_out_page_or_refused_is_no_logout(tmp_path: Path, answer: dict) -> None:
    """next-auth answers a POST /api/auth/signout without a verified CSRF token with a redirect to
    /api/auth/signout?csrf=true and keeps the cookie (core/index.js, case "signout"): no logout, so the cookie
    sent afterwards outlives nothing."""
    r = sign_out_then_visit(tmp_path, "/api/auth/signout", {"method": "POST", **answer})
    assert not any(n.startswith("logout:") for n in r.exchanges[1].session)
    assert r.findings == ()


# -- renewal of a token (report item 6)


def test_a_token_re_issued_with_a_later_expiry_is_a_renewal_not_a_rotation(tmp_path: Path) -> None:
    def cookie(n: int, expires: str) -> str:
        return f"{NA}={jwe(n)}; Path=/; Expires={expires}; HttpOnly; Secure; SameSite=Lax"

    r = run(
        tmp_path,
        step(
            "https://a.example/api/auth/callback/credentials",
            0,
            method="POST",
            status=302,
            location="/",
            set_cookie=cookie(1, "Sat, 31 Jan 2026 00:00:00 GMT"),
        ),
        step(
            "https://a.example/api/auth/session",
            1,
            cookie=f"{NA}={jwe(1)}",
            set_cookie=cookie(2, "Sat, 31 Jan 2026 00:00:00 GMT"),
        ),
        step(
            "https://a.example/api/auth/session",
            2,
            cookie=f"{NA}={jwe(2)}",
            set_cookie=cookie(3, "Sat, 31 Jan 2026 00:00:30 GMT"),
        ),
    )
    assert f"{NA} re-issued: a new token, the same expiry (not an ID rotation)" in r.exchanges[1].session
    assert f"{NA} renewed: a new token with a later expiry (re-issued, not an ID rotation)" in r.exchanges[2].session
    assert not any("rotated" in n and "not an ID" not in n for ex in r.exchanges for n in ex.session)


def test_an_opaque_id_replaced_outside_a_login_is_still_a_rotation(tmp_path: Path) -> None:
    r = run(
        tmp_path,
        *signed_in(step("https://a.example/page", 1, cookie="sid=v", set_cookie=f"sid=w; {ATTRS}")),
        name="sid",
    )
    assert "sid rotated: a new value" in r.exchanges[1].session


# -- http to a loopback host (report item 4)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1.2.3", "localhost", "app.localhost", "[::1]"])
def test_http_to_a_loopback_host_is_a_note(tmp_path: Path, host: str) -> None:
    assert is_loopback(host.strip("[]"))
    r = run(
        tmp_path,
        step(f"http://{host}:3000/", 0, set_cookie="connect.sid=v; Path=/; HttpOnly; SameSite=Lax"),
        step(f"http://{host}:3000/", 1, cookie="connect.sid=v"),
    )
    assert [(f.level, f.title) for f in r.findings] == [
        ("note", "session cookie without Secure, local http"),
        ("note", "session cookie sent over local http"),
    ]
    assert "a loopback host: the traffic stays on this machine" in r.findings[1].detail
    assert "anyone on the network can read it" not in RENDERERS["text"](r)
    assert [f["level"] for f in json.loads(RENDERERS["json"](r))["findings"]] == ["note", "note"]
    assert findings_text(r).startswith("step 1 (note): session cookie without Secure")


def test_http_to_any_other_host_is_a_finding(tmp_path: Path) -> None:
    assert not is_loopback("192.168.1.5") and not is_loopback("localhost.example")
    r = run(
        tmp_path,
        step("http://192.168.1.5/", 0, set_cookie="connect.sid=v; Path=/; HttpOnly; SameSite=Lax"),
        step("http://192.168.1.5/", 1, cookie="connect.sid=v"),
    )
    assert [(f.level, f.title) for f in r.findings] == [
        ("finding", "session cookie without Secure"),
        ("finding", "session cookie sent over http"),
    ]
    assert "anyone on the network can read it" in r.findings[1].detail


# -- the findings panel when nothing was checked (report item 2)


def test_no_session_cookie_recognised_says_so(tmp_path: Path) -> None:
    r = run(tmp_path, step("https://a.example/", 0, set_cookie=f"theme=dark; {ATTRS}"))
    assert r.session_cookie is None
    assert findings_text(r) == "No session cookie recognised (--session-cookie NAME names it), so nothing to check."


def test_a_held_cookie_set_again_unchanged_has_its_attributes_checked(tmp_path: Path) -> None:
    """A capture that begins signed in and whose server re-sends the same ID (express-session's `rolling`):
    the Set-Cookie shows the attributes, so they are checked, and no note says they are unknown."""
    again = "connect.sid=v; Path=/; Secure; SameSite=Lax"
    r = run(
        tmp_path,
        step("https://a.example/", 0, cookie="connect.sid=v"),
        step("https://a.example/me", 1, cookie="connect.sid=v", set_cookie=again),
    )
    assert [(f.step, f.level, f.title) for f in r.findings] == [(2, "finding", "session cookie without HttpOnly")]


def test_a_session_cookie_never_set_in_the_capture_has_unknown_attributes(tmp_path: Path) -> None:
    r = run(tmp_path, step("https://a.example/", 0), step("https://a.example/me", 1, cookie="connect.sid=v"))
    assert [(f.step, f.level, f.title) for f in r.findings] == [(2, "note", "session cookie's attributes unknown")]
    assert r.exchanges[1].session[1].startswith("connect.sid already held by the browser")
    assert "HttpOnly, Secure and SameSite" not in findings_text(r).split("\n")[0]
    checked = run(tmp_path, step("https://a.example/", 0, set_cookie=f"connect.sid=v; {ATTRS}"))
    assert findings_text(checked).startswith("No findings: the session cookie has HttpOnly, Secure and SameSite")


# -- the recorded next-auth captures (report items 1, 4, 6)


@pytest.mark.parametrize(
    ("name", "confirm", "sign_out"), [("chromium-nextauth.har", 20, 21), ("firefox-nextauth.har", 26, 28)]
)
def test_the_recorded_next_auth_captures_sign_out_cleanly(name: str, confirm: int, sign_out: int) -> None:
    """Both recordings sign out the next-auth way (GET the confirmation page, POST to sign out: Max-Age=0):
    no "session outlives logout"; on http://127.0.0.1 only notes; the JWE's renewals are renewals."""
    r = replay(read_har(RECORDED / name))
    by_step = {ex.number: ex for ex in r.exchanges}
    assert "a sign-out page (GET answered without a redirect): no logout by itself" in by_step[confirm].session
    assert f"{NA} deleted by the response (sign-out)" in by_step[sign_out].session
    assert {f.level for f in r.findings} == {"note"}
    assert titles(r) == [
        "session cookie without Secure, local http",
        "session cookie sent over local http",
    ]
    notes = [n for ex in r.exchanges for n in ex.session]
    assert f"{NA} renewed: a new token with a later expiry (re-issued, not an ID rotation)" in notes
    assert not [n for n in notes if n.endswith("rotated: a new value")]


def test_the_recorded_cookie_matrix_has_no_session_cookie() -> None:
    r = replay(read_har(RECORDED / "chromium-cookie-matrix.har"))
    assert r.session_cookie is None
    assert findings_text(r).startswith("No session cookie recognised")


def test_a_failed_login_names_no_session_cookie(tmp_path: Path) -> None:
    """A login POST sent back to the login page with an error, setting a flash cookie: no login, so the flash
    cookie is not taken for the session cookie (the rule of a refused login has one home, `_refused`)."""
    r = run(
        tmp_path,
        step("https://a.example/login", 0),
        step(
            "https://a.example/login",
            1,
            method="POST",
            status=302,
            location="/login?error=1",
            set_cookie=f"flash=bad-password; {ATTRS}",
        ),
    )
    assert r.session_cookie is None and r.findings == ()
