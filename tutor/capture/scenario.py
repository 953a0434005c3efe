"""A replayed capture's requests as the events of a scenario (the scenario of the lesson
:mod:`tutor.capture.export` writes: `tutor show capture.har --format scenario`, `e` in the app).

Each request becomes an event of the scenario format (:mod:`tutor.engine.scenario`): a response that set
cookies becomes ``set_cookie:`` with its headers (the browser sends ``GET /`` and stores them as it would),
a GET or POST without one becomes ``request:``, time between requests ``advance:``; cross-site and
subresource requests keep ``cross_site:`` / ``top_level: false``, http keeps ``scheme: http``. Values are
redacted to their fingerprints unless the replay was made with ``show_values``; the paths lose their
query. What the format cannot say (other methods, the real server's answers, a cookie set by a script) is
left out, and the lesson's header comment says so: the engine's own server answers the ``request:`` events,
with no anonymous sessions and a cookie name of its own (:func:`engine_options`), so it never touches the
capture's cookies.
"""

from __future__ import annotations

import re
from typing import Any

from tutor.capture.replay import Replay, fingerprint
from tutor.capture.session import LOGOUT
from tutor.engine.clock import format_duration
from tutor.engine.headers import header_problem
from tutor.engine.server import ROUTES
from tutor.engine.setcookie import MAX_COOKIE_BYTES
from tutor.lesson.visible import visible

BROWSER = "capture"
#: a host name the engine's ``host:`` takes (the capture's own; an IPv6 literal or an odd name is left out)
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?")


def _redacted(replay: Replay, name: str, value: str, attributes: str) -> str:
    shown = value if replay.show_values else fingerprint(value)[1:]  # hex digits: cookie-octets
    if len(name) + len(value) > MAX_COOKIE_BYTES:  # too big for a browser: keep its size, so it stays too big
        shown = shown.ljust(len(value), "_")
    return (f"{name}={shown}" if name else shown) + (f"; {attributes}" if attributes else "")


def _route(method: str, path: str) -> tuple[str, str]:
    """The engine's route a request stands for: its own when the engine has it, ``POST /logout`` for a
    sign-out, else ``GET /`` (the event's note keeps the real path)."""
    if (method, path) in ROUTES:
        return method, path
    if method == "POST" and LOGOUT.search(path):
        return "POST", "/logout"
    return "GET", "/"


def scenario_events(replay: Replay, *, limit: int | None = None) -> list[dict[str, Any]]:
    """The scenario's events for the replay's first ``limit`` requests (all by default); each request's
    event has ``mark: req-N`` (N: its step in the capture), so a lesson can point at it."""
    events: list[dict[str, Any]] = []
    previous: int | None = None
    for ex in replay.exchanges[:limit]:
        if ex.method not in ("GET", "POST"):
            continue
        if previous is not None and ex.at > previous:
            events.append({"advance": format_duration(ex.at - previous)})
        previous = ex.at if previous is None else max(previous, ex.at)
        modifiers: dict[str, Any] = {"as": BROWSER}
        if ex.cross_site:
            modifiers["cross_site"] = True
            if not ex.top_level:
                modifiers["top_level"] = False
        if ex.scheme == "http":
            modifiers["scheme"] = "http"
        headers = [_redacted(replay, r.name, r.value, r.attributes) for r in ex.received]
        headers = [h for h in headers if header_problem(h) is None]
        note = visible(f"capture step {ex.number}: {ex.method} {ex.path} → {ex.status}")  # no control character
        if headers:
            event: dict[str, Any] = {"set_cookie": headers if len(headers) > 1 else headers[0]}
        else:
            event = {"request": " ".join(_route(ex.method, ex.path))}
        events.append({**event, **modifiers, "note": note, "mark": f"req-{ex.number}"})
    return events


#: The engine server's own session cookie in an exported scenario: a name no capture uses, so the engine's
#: server (which answers the ``request:`` events) never reads, clears or replaces one of the capture's cookies.
ENGINE_COOKIE = "tutor-engine-session"


def engine_options(replay: Replay) -> dict[str, Any]:
    """The exported scenario's ``engine:``: no anonymous sessions and a cookie name of its own, so a
    ``request:`` event leaves the jar as the capture left it (the capture's cookies come from its
    ``set_cookie:`` events only)."""
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


__all__ = ["BROWSER", "ENGINE_COOKIE", "engine_options", "scenario_events"]
