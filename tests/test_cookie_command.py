"""`tutor cookie HEADER...` (issue 16 §3): stored or refused and why, then which requests carry it, per
browser kind; and the engine's `send_rule` giving the same answers as `cookies_for`."""

from __future__ import annotations

import itertools
import json

import pytest

from tutor.cli import main
from tutor.engine.cookie_check import REQUESTS, check_header, url_problem
from tutor.engine.cookies import KINDS, THIRD_PARTY_POLICIES, CookieJar


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["cookie", *argv])
    done = capsys.readouterr()
    return code, done.out, done.err


def test_a_public_suffix_domain_is_refused_in_every_kind(capsys) -> None:
    code, out, err = run(capsys, "sid=1; Domain=.org; Secure")
    assert code == 0 and err == ""
    for kind in KINDS:
        assert f"  {kind} (third-party cookies: " in out
    assert out.count("refused: Domain=.org is a public suffix") == 3
    assert "same-site GET" not in out  # nothing stored, nothing to send


def test_a_bad_expires_leaves_a_session_cookie(capsys) -> None:
    code, out, _ = run(capsys, "theme=dark; Expires=Fri 07 Aug 2019", "--browser", "safari")
    assert code == 0
    assert "  note: Expires=Fri 07 Aug 2019 is not a cookie-date: attribute ignored" in out
    assert "stored as theme=dark; Path=/; Session (a session cookie: closing the browser drops it)" in out
    assert "chromium" not in out and "firefox" not in out
    assert "cross-site image/fetch    not sent  third-party cookies blocked (safari default)" in out


def test_the_third_party_option_changes_only_the_subresource_row(capsys) -> None:
    _, allow, _ = run(capsys, "a=1; Secure; SameSite=None", "--browser", "chromium")
    _, block, _ = run(capsys, "a=1; Secure; SameSite=None", "--browser", "chromium", "--third-party", "block")
    differ = [(a, b) for a, b in zip(allow.splitlines(), block.splitlines(), strict=True) if a != b]
    assert [b.split()[0] for _, b in differ] == ["chromium", "cross-site"]
    assert "not sent  third-party cookies blocked (chromium setting)" in differ[1][1]


def test_json_has_every_kind_request_and_reason(capsys) -> None:
    code, out, _ = run(
        capsys,
        "sid=1; Secure; HttpOnly; SameSite=Lax; Max-Age=60",
        "x=1; Secure; SameSite=None",
        "--url",
        "https://shop.example/cart",
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["url"] == "https://shop.example/cart" and len(data["headers"]) == 2
    lax = data["headers"][0]["browsers"]
    assert [b["kind"] for b in lax] == list(KINDS)
    assert lax[0]["cookie"]["domain"] == "shop.example" and lax[0]["cookie"]["expires_in"] == 60
    assert [r["sent"] for r in lax[0]["requests"]] == [True, True, False, False]
    assert [r["request"] for r in lax[0]["requests"]] == [r.label for r in REQUESTS]
    none = {b["kind"]: [r["sent"] for r in b["requests"]] for b in data["headers"][1]["browsers"]}
    assert none == {"chromium": [True] * 4, "firefox": [True, True, True, False], "safari": [True, True, True, False]}


def test_secure_over_http_and_a_path_elsewhere(capsys) -> None:
    _, out, _ = run(capsys, "s=1; Secure", "--url", "http://app.example/", "--browser", "firefox")
    assert "refused: Secure, but the response came over http" in out
    _, out, _ = run(capsys, "p=1; Path=/admin", "--url", "https://app.example/", "--browser", "chromium")
    assert "same-site GET             not sent  Path=/admin does not match the request path /: not sent" in out


def test_hostile_text_is_shown_literally(capsys) -> None:
    code, out, _ = run(capsys, "a=\x1b[31mred; Secure", "--browser", "chromium")
    assert code == 0 and "\x1b" not in out and "␛" in out
    assert "refused: the header contains the control character U+001B" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["sid=1\nb=2"], "tutor cookie: error: header 1 is not a Set-Cookie header: a line break"),
        (
            ["a=1", "Set-Cookie: b=2"],
            "tutor cookie: error: header 2 is not a Set-Cookie header: it starts with 'Set-Cookie:'",
        ),
        (["a=1", "--url", "https:///nohost"], "tutor cookie: error: --url: https:///nohost has no host"),
        (["a=1", "--url", "app.example"], "tutor cookie: error: --url: app.example is not an http or https URL"),
    ],
)
def test_errors_are_one_line_and_exit_1(capsys, argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == ""
    assert err.splitlines()[0].startswith(message) and all(line.startswith("hint: ") for line in err.splitlines()[1:])


def test_url_problem_accepts_ordinary_urls() -> None:
    assert url_problem("https://app.example/") is None and url_problem("http://localhost:3000/a/b?q=1") is None
    assert url_problem("https://[::1") is not None


HEADERS = [
    "a=1",
    "a=1; Secure",
    "a=1; SameSite=Lax",
    "a=1; SameSite=Strict; Secure",
    "a=1; SameSite=None; Secure",
    "a=1; Path=/admin",
    "a=1; Domain=app.example",
    "t",
]


@pytest.mark.parametrize(("kind", "policy"), list(itertools.product(KINDS, THIRD_PARTY_POLICIES)))
def test_send_rule_agrees_with_cookies_for(kind: str, policy: str) -> None:
    """The explanation and the jar's real answer are the same rule: every header, request and scheme."""
    for header in HEADERS:
        for scheme, path in (("https", "/"), ("http", "/"), ("https", "/admin/x")):
            for (method, cross_site, top_level), age in itertools.product(
                [
                    ("GET", False, True),
                    ("GET", True, True),
                    ("POST", True, True),
                    ("GET", True, False),
                    ("POST", True, False),
                ],
                (0, 300),
            ):
                jar = CookieJar(kind, policy)
                jar.set_from_header(header, host="app.example", path="/", scheme="https", now=0)
                (cookie,) = jar.all(0)
                got = jar.cookies_for(
                    host="app.example",
                    path=path,
                    scheme=scheme,
                    now=age,
                    method=method,
                    cross_site=cross_site,
                    top_level=top_level,
                )
                sent, rule = jar.send_rule(
                    cookie,
                    host="app.example",
                    path=path,
                    scheme=scheme,
                    now=age,
                    method=method,
                    cross_site=cross_site,
                    top_level=top_level,
                )
                assert sent is (cookie in got), (header, scheme, path, method, cross_site, top_level, age, rule)
                verdict = jar.send_verdict(
                    cookie.name,
                    host="app.example",
                    path=path,
                    scheme=scheme,
                    now=age,
                    method=method,
                    cross_site=cross_site,
                    top_level=top_level,
                )
                assert verdict == (cookie, sent, rule)


def test_check_header_judges_each_header_on_its_own() -> None:
    first, second = (check_header(h, kinds=("chromium",))[0] for h in ("a=1", "a=2"))
    assert first.stored.outcome == second.stored.outcome == "stored"
