"""A generated capture for the lazy-reading and window tests: entries of a small app, out of file order."""

from __future__ import annotations

import json
from pathlib import Path


def entry(i: int) -> dict:
    """Request ``i``: the session cookie renewed every 7th response and rotated every 50th, a tracking
    cookie set cross-site every 13th; ``startedDateTime`` out of file order (pairs swapped), some ties."""
    second = i + (1 if i % 2 == 0 else -1)
    at = f"2026-01-01T{10 + second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}Z"
    resp = []
    if i % 7 == 0:
        resp.append({"name": "Set-Cookie", "value": f"sid=v{i // 50}; Path=/; Max-Age={600 + i}; HttpOnly; Secure"})
    if i % 13 == 0:
        resp.append({"name": "set-cookie", "value": f"t=x{i}; Domain=cdn.example; SameSite=None; Secure"})
    host = "cdn.example" if i % 13 == 0 else "app.example"
    return {
        "startedDateTime": at,
        "request": {
            "method": "POST" if i % 50 == 0 else "GET",
            "url": f"https://{host}/{'login' if i % 50 == 0 else 'page'}/{i}",
            "headers": [{"name": "Cookie", "value": f"sid=v{max(0, i - 1) // 50}"}] if i > 7 else [],
        },
        "response": {"status": 200, "headers": resp, "content": {"text": "BODY" * 50}},
    }


def write(path: Path, entries: list[dict]) -> Path:
    # one entry a line, as browsers indent them, so a position is easy to check
    body = ",\n".join("    " + json.dumps(e) for e in entries)
    path.write_text('{"log": {"creator": {"name": "WebInspector"},\n  "entries": [\n' + body + "\n  ]\n}}\n")
    return path


def in_order(i: int) -> dict:
    """Request ``i`` of :func:`entry` with its ``startedDateTime`` in file order (as browsers write them)."""
    e = entry(i)
    e["startedDateTime"] = f"2026-01-01T{10 + i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z"
    return e
