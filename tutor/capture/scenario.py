"""A replayed capture's requests as the events of a scenario (the scenario of the lesson
:mod:`tutor.capture.export` writes: `tutor show capture.har --format scenario`, `e` in the app).

Each request, whatever its method, becomes an event of the scenario format (:mod:`tutor.engine.scenario`)
whose response is written by hand as the capture had it: a response that set cookies becomes
``set_cookie:`` with its headers, ``answers: METHOD /path`` (the browser sends that request, with the
cookies it carries there, and stores the headers as it would) and ``status:``; one without becomes
``request: METHOD /path`` with ``status:`` (so the engine's routes never run); time between requests is
``advance:``. A cookie the request carried that no Set-Cookie set (the replay adopted it as a script's:
``Exchange.scripted``) becomes a ``document_cookie:`` event just before it. Cross-site and subresource
requests keep ``cross_site:`` / ``top_level: false``, http keeps ``scheme: http``. Values are redacted to
their fingerprints unless the replay was made with ``show_values``; the paths lose their query. A request
with no response in the capture (status 0) is written with :data:`NO_RESPONSE`, and its note says so. The
browser keeps the capture's kind and third-party policy (:func:`browser_options`); the engine keeps the
capture's host, no anonymous sessions and a cookie name of its own (:func:`engine_options`), so even an
event an author adds without ``status:`` never touches the capture's cookies.
"""

from __future__ import annotations

import re
from typing import Any

from tutor.capture.replay import Replay, fingerprint
from tutor.engine.clock import format_duration
from tutor.engine.cookies import THIRD_PARTY_DEFAULTS
from tutor.engine.headers import header_problem
from tutor.engine.scenario import METHOD_TOKEN
from tutor.engine.setcookie import MAX_COOKIE_BYTES
from tutor.lesson.visible import visible

BROWSER = "capture"
#: a host name the engine's ``host:`` takes (the capture's own; an IPv6 literal or an odd name is left out)
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?")
#: RFC 9110 §9.1: a method is a token (§5.6.2): the format's own spelling of one
_TOKEN = re.compile(METHOD_TOKEN)
_SPACE = re.compile(r"\s+")
#: The status an exported request without a response (HAR status 0: served from the cache, never finished)
#: is written with: 504 Gateway Timeout, "did not receive a timely response" (RFC 9110 §15.6.5).
NO_RESPONSE = 504


def _redacted(replay: Replay, name: str, value: str, attributes: str) -> str:
    shown = value if replay.show_values else fingerprint(value)[1:]  # hex digits: cookie-octets
    if len(name) + len(value) > MAX_COOKIE_BYTES:  # too big for a browser: keep its size, so it stays too big
        shown = shown.ljust(len(value), "_")
    return (f"{name}={shown}" if name else shown) + (f"; {attributes}" if attributes else "")


def _request_line(method: str, path: str) -> str:
    """``METHOD /path`` as the format's ``RequestLine`` takes it: the capture's own method (any token, RFC
    9110 §9.1) and path, made visible, with whitespace percent-encoded (RFC 3986 §2.1) so it stays one
    origin-form target."""
    method = method if _TOKEN.fullmatch(method) else "GET"  # (a HAR's method is a token; a hand-made one may not be)
    shown = _SPACE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), visible(path))
    return f"{method} {shown if shown.startswith('/') else '/' + shown}"


def scenario_events(replay: Replay, *, limit: int | None = None) -> list[dict[str, Any]]:
    """The scenario's events for the replay's first ``limit`` requests (all by default); each request's
    event has ``mark: req-N`` (N: its step in the capture), so a lesson can point at it. A cookie the
    request carried that no Set-Cookie set (the replay adopted it: a script's) is written first, as a
    ``document_cookie:`` event."""
    events: list[dict[str, Any]] = []
    previous: int | None = None
    for ex in replay.exchanges[:limit]:
        if previous is not None and ex.at > previous:
            events.append({"advance": format_duration(ex.at - previous)})
        previous = ex.at if previous is None else max(previous, ex.at)
        modifiers: dict[str, Any] = {"as": BROWSER}
        if ex.cross_site:
            modifiers["cross_site"] = True
            if not ex.top_level:
                modifiers["top_level"] = False
        scheme = {"scheme": "http"} if ex.scheme == "http" else {}
        scripts = [_redacted(replay, name, value, "") for name, value in ex.scripted]
        scripts = [h for h in scripts if header_problem(h) is None]
        if scripts:
            events.append(
                {
                    "document_cookie": scripts if len(scripts) > 1 else scripts[0],
                    "as": BROWSER,
                    **scheme,
                    "note": visible(f"capture step {ex.number}: sent, but no Set-Cookie set it: a script's"),
                }
            )
        headers = [_redacted(replay, r.name, r.value, r.attributes) for r in ex.received]
        headers = [h for h in headers if header_problem(h) is None]
        line = _request_line(ex.method, ex.path)
        note = visible(f"capture step {ex.number}: {ex.method} {ex.path} → {ex.status}")  # no control character
        event: dict[str, Any]
        if headers:
            event = {"set_cookie": headers if len(headers) > 1 else headers[0], "answers": line}
        else:
            event = {"request": line}
        if 100 <= ex.status <= 599:  # the capture's answer (RFC 9110 §15); 0: none came (cache, never finished)
            event["status"] = ex.status
        else:  # no answer recorded: a 504 Gateway Timeout stands for it, and the note says so
            event["status"] = NO_RESPONSE
            note += f" (no response recorded: written as {NO_RESPONSE})"
        if ex.unrecorded == "cache":  # the engine's browser sends it; the real one did not (no request went out)
            note += " (served from the browser's cache in the capture: no request went out, no cookie was sent)"
        elif ex.unrecorded == "unfinished":
            note += " (never finished in the capture: which cookies it carried is not recorded)"
        events.append({**event, **modifiers, **scheme, "note": note, "mark": f"req-{ex.number}"})
    return events


def browser_options(replay: Replay) -> dict[str, Any]:
    """The exported scenario's browser (``browsers: {capture: ...}``): the capture's kind, and its
    third-party cookie policy when the replay's differs from the kind's default
    (:data:`tutor.engine.cookies.THIRD_PARTY_DEFAULTS`): a headless Chromium capture (``block``) replays as
    headless, its cross-site subresources carrying nothing, as in the capture."""
    options: dict[str, Any] = {"kind": replay.kind}
    if replay.third_party != THIRD_PARTY_DEFAULTS[replay.kind]:
        options["third_party"] = replay.third_party
    return options


#: The engine server's own session cookie in an exported scenario: a name no capture uses, so the engine's
#: server (which answers a ``request:`` without ``status:``, as an author may add) never reads, clears or
#: replaces one of the capture's cookies.
ENGINE_COOKIE = "tutor-engine-session"


def engine_options(replay: Replay) -> dict[str, Any]:
    """The exported scenario's ``engine:``: no anonymous sessions and a cookie name of its own, so a
    ``request:`` the engine's server answers leaves the jar as the capture left it (the capture's cookies
    come from its ``set_cookie:`` and ``document_cookie:`` events only)."""
    used = {r.name for ex in replay.exchanges for r in ex.received} | {n for ex in replay.exchanges for n, _ in ex.sent}
    name, n = ENGINE_COOKIE, 1
    while name in used:
        n += 1
        name = f"{ENGINE_COOKIE}-{n}"
    options: dict[str, Any] = {"anonymous_sessions": False, "cookie": {"name": name}}
    hosts = [ex.host.lower() for ex in replay.exchanges if ex.top_level and _HOST.fullmatch(ex.host.lower())]
    if hosts:  # the site the capture was made on: its Domain= cookies are the engine's host's (RFC 6265bis §5.7)
        options["host"] = max(set(hosts), key=lambda h: (hosts.count(h), -hosts.index(h)))
    return options


__all__ = ["BROWSER", "ENGINE_COOKIE", "NO_RESPONSE", "browser_options", "engine_options", "scenario_events"]
