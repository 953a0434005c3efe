"""A replayed capture written as a scenario (`tutor show capture.har --format scenario`, `e` in the app).

Each request becomes an event of the scenario format (:mod:`tutor.engine.scenario`): a response that set
cookies becomes ``set_cookie:`` with its headers (the browser sends ``GET /`` and stores them as it would),
a GET or POST without one becomes ``request:``, time between requests ``advance:``; cross-site and
subresource requests keep ``cross_site:`` / ``top_level: false``, http keeps ``scheme: http``. Values are
redacted to their fingerprints unless the replay was made with ``show_values``; the paths lose their
query. What the format cannot say (other methods, the real server's answers) is left out, and the
header comment says so: the engine's own server answers the requests.
"""

from __future__ import annotations

from typing import Any

import yaml

from tutor.capture.replay import Replay, fingerprint
from tutor.capture.session import LOGOUT
from tutor.engine.clock import format_duration
from tutor.engine.headers import header_problem
from tutor.engine.server import ROUTES

BROWSER = "capture"


def _redacted(replay: Replay, name: str, value: str, attributes: str) -> str:
    shown = value if replay.show_values else fingerprint(value)[1:]  # hex digits: cookie-octets
    return f"{name}={shown}" + (f"; {attributes}" if attributes else "") if name else shown


def _route(method: str, path: str) -> tuple[str, str]:
    """The engine's route a request stands for: its own when the engine has it, ``POST /logout`` for a
    sign-out, else ``GET /`` (the event's note keeps the real path)."""
    if (method, path) in ROUTES:
        return method, path
    if method == "POST" and LOGOUT.search(path):
        return "POST", "/logout"
    return "GET", "/"


def scenario_events(replay: Replay) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    previous: int | None = None
    for ex in replay.exchanges:
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
        note = f"capture step {ex.number}: {ex.method} {ex.path} → {ex.status}"
        if headers:
            event: dict[str, Any] = {"set_cookie": headers if len(headers) > 1 else headers[0]}
        else:
            event = {"request": " ".join(_route(ex.method, ex.path))}
        events.append({**event, **modifiers, "note": note})
    return events


def scenario_yaml(replay: Replay, source: str) -> str:
    """The scenario file's text (``source``: the capture's file name, for the header comment)."""
    document: dict[str, Any] = {"browsers": {BROWSER: {"kind": replay.kind}}, "events": scenario_events(replay)}
    head = (
        f"# A scenario made from the HAR capture {source!r} by `tutor show --format scenario`.\n"
        "# Values are redacted (short hashes) unless --show-values; the engine's own server answers the\n"
        "# requests, so statuses may differ from the capture's (each event's note has the real one).\n"
        "# Run it with: tutor simulate FILE\n"
    )
    return head + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120)


__all__ = ["scenario_events", "scenario_yaml"]
