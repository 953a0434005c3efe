"""The engine against a real next-auth app: the committed observations, and (where node runs) a new recording."""

from __future__ import annotations

import copy

import pytest

from conformance import nextauth_probe, nextauth_suite

pytestmark = pytest.mark.conformance


def test_engine_agrees_with_the_recorded_next_auth_app_but_the_listed_steps() -> None:
    rows = nextauth_suite.compare(nextauth_suite.load())
    assert nextauth_suite.unexpected(rows) == []
    # every step of both strategies was compared (the CSRF request is out of the model's scope)
    assert len(rows) == sum(len(s) - 1 for s in nextauth_probe.SCRIPT.values())


def test_every_redirect_has_the_status_of_what_it_stands_for() -> None:
    """REDIRECT_STATUS against the real app: Next.js 307 (getServerSideProps, middleware, a Server
    Component's redirect()), a Server Action's redirect() 303, next-auth's routes 302."""
    rows = nextauth_suite.redirect_rows(nextauth_suite.load())
    assert len(rows) == 6
    assert [(what, real) for what, real, model in rows if real != model] == []
    assert {real for _, real, _ in rows} == {302, 303, 307}


def _step(observed: dict, strategy: str, name: str) -> dict:
    (found,) = [s for s in observed["strategies"][strategy] if s["step"] == name]
    return found


def _session_cookie(step: dict) -> dict:
    (found,) = [c for c in step["set_cookie"] if c["name"] == nextauth_suite.SESSION_COOKIE]
    return found


@pytest.mark.parametrize(
    ("strategy", "name", "change"),
    [
        ("jwt", "sign-in", lambda c: c["attributes"].update(expires_in=3600)),  # another lifetime
        ("database", "session-before-update-age", lambda c: c["attributes"].pop("expires_in")),  # a session cookie
        ("database", "sign-out", lambda c: c["attributes"].pop("max-age")),  # not deleted
        ("jwt", "dashboard", lambda c: c["attributes"].update(samesite="Strict")),
    ],
)
def test_the_comparison_notices_a_cookie_that_differs(strategy: str, name: str, change) -> None:
    observed = copy.deepcopy(nextauth_suite.load())
    cookie = _session_cookie(_step(observed, strategy, name))
    change(cookie)
    if name == "sign-out":
        cookie["value"] = {"kind": "uuid"}
    problems = nextauth_suite.unexpected(nextauth_suite.compare(observed))
    assert len(problems) == 1 and problems[0].startswith(f"('{strategy}', '{name}')")


def test_the_comparison_notices_a_redirect_status_that_differs() -> None:
    observed = copy.deepcopy(nextauth_suite.load())
    _step(observed, "database", "dashboard-signed-out")["status"] = 302
    (problem,) = nextauth_suite.unexpected(nextauth_suite.compare(observed))
    assert "status: real 302, model 307" in problem


def _shape(observed: dict) -> dict:
    """What a new recording must repeat: everything but a second of clock jitter in Expires − now."""
    shaped = copy.deepcopy(observed)
    for steps in shaped["strategies"].values():
        for step in steps:
            for cookie in step["set_cookie"]:
                if "expires_in" in cookie["attributes"]:
                    cookie["attributes"]["expires_in"] = round(cookie["attributes"]["expires_in"] / 10) * 10
    return shaped


def test_a_new_recording_of_the_real_app_matches_the_committed_one() -> None:
    try:
        observed = nextauth_probe.record()
    except nextauth_probe.ProbeUnavailable as exc:
        pytest.skip(f"the real next-auth app cannot run here: {exc}")
    assert _shape(observed) == _shape(nextauth_suite.load())


def test_the_comparison_notices_a_chunk_that_differs() -> None:
    """The chunked steps agree now; a real answer with one chunk fewer (or one more) is a difference."""
    observed = copy.deepcopy(nextauth_suite.load())
    step = _step(observed, "jwt", "sign-in-large")
    names = [c["name"] for c in step["set_cookie"]]
    assert f"{nextauth_suite.SESSION_COOKIE}.0" in names and f"{nextauth_suite.SESSION_COOKIE}.1" in names
    step["set_cookie"] = [c for c in step["set_cookie"] if c["name"] != f"{nextauth_suite.SESSION_COOKIE}.1"]
    deleted = _step(observed, "jwt", "sign-out-large")
    extra = copy.deepcopy(deleted["set_cookie"][0])
    extra["name"] = f"{nextauth_suite.SESSION_COOKIE}.2"
    deleted["set_cookie"].append(extra)
    problems = nextauth_suite.unexpected(nextauth_suite.compare(observed))
    assert [p.split(":", 1)[0] for p in problems] == ["('jwt', 'sign-in-large')", "('jwt', 'sign-out-large')"]
