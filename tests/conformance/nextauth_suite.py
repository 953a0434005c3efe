"""The engine against a real next-auth 4.24 + Next.js 15.5 app, Set-Cookie by Set-Cookie.

``nextauth_probe.record()`` plays a script (sign-in, session reads, an updateAge window, expiry past the
15 s clock tolerance, a large token, sign-out) against ``nextauth-app/`` in both session strategies; its
output is committed as ``nextauth_observed.json``, so the comparison runs where node is missing (the live
test, ``test_nextauth.py``, re-records it and fails when the real app's answers change). :func:`compare`
plays the same events through the engine configured as next-auth is (``cookie.expires: sliding``,
``idle_timeout`` = maxAge, ``update_age`` = updateAge, http, no Secure) and compares, for every step, the
session cookie's Set-Cookie headers (name, Path, HttpOnly, SameSite, Secure, Expires − now, Max-Age,
deletion), the status and redirect, the signed-in answer of the session endpoint and the stored rows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

NAME = "nextauth-app"
TITLE = "A real next-auth app (next-auth 4.24, Next.js 15.5)"
ORDER = 60

FIXTURE = Path(__file__).resolve().parent / "nextauth_observed.json"
SESSION_COOKIE = "next-auth.session-token"
#: The probe's "big" user: a name long enough that the session JWT needs two cookies.
BIG_USER = "big-" + "x" * 5000

#: (strategy, step) → why the engine differs there. Each is a documented simplification, not a bug.
EXPECTED: dict[tuple[str, str], str] = {
    ("jwt", "within-tolerance"): (
        "next-auth v4 decodes its JWT with `clockTolerance: 15` (`src/jwt/index.ts` `decode`, jose "
        "`jwtDecrypt`), so the token the probe sent 10 s past `exp` is accepted and re-issued. No browser "
        "sends it: the cookie's `Expires` is that same `exp` (both now + maxAge, whole seconds) and a browser "
        "drops the cookie there; the probe re-sends it as a copied cookie would. The model's browser drops it "
        "at `Expires` too, so the model's server sees no cookie. The model's token (HS256 as in the Next.js "
        "guide, whose jose `jwtVerify` has no tolerance) has none: a browser holding next-auth's cookie never "
        "brings a token past `exp`, so the tolerance shows only for a copy re-sent by hand, which no event does."
    ),
    ("jwt", "past-tolerance"): (
        "Past the tolerance next-auth cannot decode the token and clears the cookie (`Max-Age=0`, "
        "`SessionStore.clean()`); the model's browser dropped that cookie at its `Expires`, as a browser "
        "does, so there is nothing to send and nothing to clear."
    ),
}


def load() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def _engine_events(script: list[tuple[str, str]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Each probe step as the engine events it stands for (none for the CSRF request, out of scope)."""
    out = []
    for name, what in script:
        events: list[dict[str, Any]] = []
        for part in [p.strip() for p in what.split(";")]:
            if part.startswith("advance "):
                events.append({"advance": f"{part.split()[1]}s"})
            elif part.startswith("signin"):
                user = part.split()[1]
                events.append({"login": BIG_USER if user == "big" else user, "scheme": "http"})
            elif part == "signout":
                events.append({"logout": None, "scheme": "http"})
            elif part == "GET /api/auth/session":
                events.append({"request": "GET /api/session", "scheme": "http"})
            elif part == "GET /dashboard":
                events.append({"request": "GET /dashboard", "scheme": "http"})
        out.append((name, events))
    return out


def engine_steps(strategy: str, max_age: int, update_age: int) -> list[dict[str, Any]]:
    """The engine's answers to the probe's script, shaped like the probe's observations."""
    import msgspec

    from tutor.engine import Simulation
    from tutor.engine.cookies import EPOCH
    from tutor.engine.scenario import EngineOptions, Event

    from .nextauth_probe import SCRIPT, parse_header

    options = msgspec.convert(
        {
            "strategy": strategy,
            "idle_timeout": f"{max_age}s",
            "absolute_timeout": "none",
            "update_age": f"{update_age}s" if strategy == "database" else "none",
            "anonymous_sessions": False,
            "cookie": {"name": SESSION_COOKIE, "secure": False, "same_site": "lax", "expires": "sliding"},
            "users": {"alice": "wonderland", BIG_USER: "builder"},
        },
        EngineOptions,
    )
    sim = Simulation(options)
    steps = []
    try:
        for name, events in _engine_events(SCRIPT[strategy]):
            played = []
            for raw in events:
                played += sim.play(msgspec.convert(raw, Event))
            if not any(s.phase == "send_response" for s in played):
                steps.append({"step": name, "skipped": True})
                continue
            now = sim.clock.now
            headers = [s.variables["set_cookie"] for s in played if s.phase in ("set_cookie", "clear_cookie")]
            last: dict[str, str] = {}
            for header in headers:  # one Set-Cookie per name reaches the browser: the last written
                last[header.split("=", 1)[0]] = header
            response = [s for s in played if s.phase == "send_response"][-1]
            location = None
            if "→ " in response.result:
                location = response.result.split("→ ", 1)[1].split(" ", 1)[0]
            cookies = []
            for header in last.values():
                parsed = parse_header(header, EPOCH + now)
                cookies.append(parsed)
            step = {
                "step": name,
                "status": response.variables["status"],
                "location": location,
                "set_cookie": cookies,
                "session_rows": len(response.variables.get("store") or []),
            }
            if any(e.get("request") == "GET /api/session" for e in events):
                step["signed_in"] = response.result != "200 {}"
            steps.append(step)
    finally:
        sim.close()
    return steps


def _cookie_view(cookies: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The compared part of each session-cookie header: name, deleted?, Path, HttpOnly, SameSite, Secure,
    Expires − now (to the second; the probe's clock reading may fall a second early), Max-Age."""
    out = []
    for c in cookies:
        if not c["name"].startswith(SESSION_COOKIE):
            continue
        a = {k.lower(): v for k, v in c["attributes"].items()}
        deleted = c["value"]["kind"] == "empty" or a.get("max-age") == 0
        expires = a.get("expires_in")
        out.append(
            (
                c["name"],
                "deleted" if deleted else "set",
                a.get("path"),
                bool(a.get("httponly")),
                str(a.get("samesite", "")).lower(),
                bool(a.get("secure")),
                expires,
                a.get("max-age"),
            )
        )
    return sorted(out)


def _close(real: list[tuple[Any, ...]], model: list[tuple[Any, ...]]) -> bool:
    if len(real) != len(model):
        return False
    for r, m in zip(real, model, strict=True):
        if r[:6] != m[:6] or r[7] != m[7]:
            return False
        if (r[6] is None) != (m[6] is None) or (r[6] is not None and abs(r[6] - m[6]) > 1):
            return False
    return True


def compare(observed: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per probe step: what real next-auth did, what the engine did, and whether they agree."""
    rows = []
    for strategy, real_steps in observed["strategies"].items():
        model_steps = engine_steps(strategy, observed["max_age"], observed["update_age"])
        for real, model in zip(real_steps, model_steps, strict=True):
            if model.get("skipped"):
                continue
            diffs = []
            r_c, m_c = _cookie_view(real["set_cookie"]), _cookie_view(model["set_cookie"])
            if not _close(r_c, m_c):
                diffs.append(f"Set-Cookie: real {_describe(r_c)}; model {_describe(m_c)}")
            if real["status"] != model["status"]:
                diffs.append(f"status: real {real['status']}, model {model['status']}")
            if real["location"] != model["location"]:
                diffs.append(f"Location: real {real['location']}, model {model['location']}")
            if "signed_in" in real and real["signed_in"] != model.get("signed_in"):
                diffs.append(f"signed in: real {real['signed_in']}, model {model.get('signed_in')}")
            if strategy == "database" and real["session_rows"] != model["session_rows"]:
                diffs.append(f"session rows: real {real['session_rows']}, model {model['session_rows']}")
            rows.append(
                {
                    "strategy": strategy,
                    "step": real["step"],
                    "request": real["request"],
                    "clock": real["clock"],
                    "status": real["status"],
                    "real": _describe(r_c),
                    "differences": diffs,
                }
            )
    return rows


def _describe(view: list[tuple[Any, ...]]) -> str:
    if not view:
        return "none"
    parts = []
    for name, action, path, http_only, same_site, secure, expires, max_age in view:
        if action == "deleted":
            parts.append(f"{name} deleted (Max-Age={max_age})" if max_age is not None else f"{name} deleted")
            continue
        attrs = [f"Path={path}"] + (["HttpOnly"] if http_only else []) + [f"SameSite={same_site.capitalize()}"]
        attrs += ["Secure"] if secure else []
        if expires is not None:
            attrs.append(f"Expires=now+{expires}s")
        if max_age is not None:
            attrs.append(f"Max-Age={max_age}")
        parts.append(f"{name} ({', '.join(attrs)})")
    return "; ".join(parts)


def redirect_rows(observed: dict[str, Any]) -> list[tuple[str, int, int]]:
    """(what, real status, the model's status) for each kind of redirect the engine names."""
    from tutor.engine.exchange import REDIRECT_STATUS

    db = {s["step"]: s for s in observed["strategies"]["database"]}
    rows = [
        (
            "`getServerSideProps` redirect, `permanent: false` (the model's protected page)",
            db["dashboard-signed-out"]["status"],
            REDIRECT_STATUS["protected-page"],
        ),
        (
            "next-auth `POST /api/auth/callback/credentials` (the model's `POST /login`)",
            db["sign-in"]["status"],
            REDIRECT_STATUS["next-auth"],
        ),
        (
            "next-auth `POST /api/auth/signout` (the model's `POST /logout`)",
            db["sign-out"]["status"],
            REDIRECT_STATUS["next-auth"],
        ),
    ]
    names = {
        "middleware NextResponse.redirect": "protected-page",
        "Server Component redirect()": "protected-page",
        "Server Action redirect()": "server-action",
    }
    for what, status in observed["redirects"].items():
        rows.append((f"{what} (the model's `{names[what]}`)", status, REDIRECT_STATUS[names[what]]))
    return rows


def unexpected(rows: list[dict[str, Any]]) -> list[str]:
    """Differences not listed in :data:`EXPECTED`, and listed ones that no longer happen."""
    problems = []
    for row in rows:
        key = (row["strategy"], row["step"])
        if row["differences"] and key not in EXPECTED:
            problems.append(f"{key}: " + "; ".join(row["differences"]))
        if not row["differences"] and key in EXPECTED:
            problems.append(f"{key}: listed as a difference but agrees now")
    return problems


def section() -> str:
    observed = load()
    rows = compare(observed)
    agree = sum(1 for r in rows if not r["differences"])
    v = observed["versions"]
    lines = [
        f"Real next-auth {v['next-auth']} on Next.js {v['next']} (`tests/conformance/nextauth-app/`: Credentials "
        "provider; jwt, and database with a small in-memory adapter), `next start` on 127.0.0.1, "
        f"`session.maxAge` {observed['max_age']} s and `updateAge` {observed['update_age']} s, the app's clock "
        "moved by the probe. Observed by `tests/conformance/nextauth_probe.py` (committed as "
        "`nextauth_observed.json`; `test_nextauth.py` re-records it where node and `npm ci` work). The "
        "engine plays the same events with `cookie.expires: sliding`, `idle_timeout` = maxAge, `update_age` = "
        "updateAge, over http.",
        "",
        f"**{agree} / {len(rows)} steps agree** on the session cookie's Set-Cookie headers (name, Path, "
        "HttpOnly, SameSite, Secure, Expires − now, Max-Age, deletion), the status and redirect, the session "
        "endpoint's answer and (database) the stored rows. The CSRF-token and callback-URL cookies are outside "
        "the model and not compared.",
        "",
        "| strategy | step | request | clock | status | real next-auth's session cookie | agrees |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        mark = "yes" if not r["differences"] else "listed below"
        lines.append(
            f"| {r['strategy']} | {r['step']} | `{r['request']}` | +{r['clock']}s | {r['status']} | {r['real']} | {mark} |"
        )
    lines += [
        "",
        "Redirects (`tutor/engine/exchange.py` `REDIRECT_STATUS`), measured on the same app:",
        "",
        "| redirect | real | model |",
        "| --- | --- | --- |",
    ]
    for what, real, model in redirect_rows(observed):
        lines.append(f"| {what} | {real} | {model} |")
    lines += ["", "Expected differences:", ""]
    for r in rows:
        key = (r["strategy"], r["step"])
        if r["differences"]:
            lines.append(
                f"- **{r['strategy']} · {r['step']}**: {EXPECTED.get(key, 'NOT LISTED')} ({'; '.join(r['differences'])})"
            )
    return "\n".join(lines) + "\n"
