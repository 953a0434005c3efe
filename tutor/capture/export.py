"""A replayed capture written as a lesson an author starts from (`e` in the walkthrough, `tutor show
capture.har --format scenario`): a lesson YAML file that `tutor check` accepts with 0 problems and that
`tutor simulate` runs (its ``scenario:`` key, :func:`tutor.lesson.loader.load_scenario`).

The scenario is :func:`tutor.capture.scenario.scenario_events` (each request an event, ``mark: req-N``);
the lesson around it has one narration entry per request (what the walkthrough said at that step: the
cookies sent and set, the model's verdict, the session's life), the findings as its code pane, the
execution table and the tracker of the capture's jar. Every value stays redacted (short hashes) unless
the replay was made with ``show_values``; every piece of capture text passes through
:func:`tutor.lesson.visible.visible` (no control character reaches the file). At most :data:`MAX_EXPORTED`
requests are written, and fewer when they would pass :data:`BUDGET` bytes (a lesson file is at most 1 MB,
:data:`tutor.lesson.yamlsource.MAX_BYTES`); the header comment says when the capture had more.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

import yaml

from tutor.capture.lesson import findings_text
from tutor.capture.render import exchange_lines
from tutor.capture.replay import Replay
from tutor.capture.scenario import BROWSER, browser_options, engine_options, scenario_events
from tutor.lesson.visible import visible
from tutor.lesson.yamlsource import MAX_BYTES

#: The most requests an exported lesson holds (the cookie-matrix capture's busiest step, 37 Set-Cookie,
#: is ~4 KB of narration: 200 of them stay well under the 1 MB a lesson file may be).
MAX_EXPORTED = 200
#: The most bytes an exported lesson may be: under the 1 MB a lesson file may be
#: (:data:`tutor.lesson.yamlsource.MAX_BYTES`), with room for the author's own text.
BUDGET = MAX_BYTES * 3 // 4
#: A narration entry's longest text (a step with dozens of cookies is cut, and says so).
MAX_NARRATION = 4000


def lesson_id(stem: str) -> str:
    """A lesson id (lower-case letters, digits, dashes; at most 64) from a file name's stem."""
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:64].rstrip("-")
    return slug or "capture"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wrapped(text: str, width: int = 56) -> str:
    """Text for the code pane, which does not wrap: lines of at most ``width``, a wrapped line indented."""
    out: list[str] = []
    for line in visible(text).splitlines():
        indent = line[: len(line) - len(line.lstrip())]
        out.extend(textwrap.wrap(line, width, subsequent_indent=indent + "  ", break_on_hyphens=False) or [""])
    return "\n".join(out)


def lesson_document(
    replay: Replay, source: str, *, lesson: str = "capture", limit: int = MAX_EXPORTED
) -> dict[str, Any]:
    """The lesson as plain data (``source``: the capture's file name; ``lesson``: the id to give it) of the
    first ``limit`` requests."""
    exchanges = replay.exchanges[:limit]
    events = scenario_events(replay, limit=limit)
    narration = []
    for ex in exchanges:
        mark = f"req-{ex.number}"
        lines = [f"Capture step {ex.number}: {ex.method} {ex.path} ({ex.host})", *exchange_lines(replay, ex)]
        narration.append({"step": mark, "text": visible(_cut("\n".join(lines), MAX_NARRATION))})
    name = visible(source)
    cookie = visible(replay.session_cookie) if replay.session_cookie else "not recognised"
    agree = sum(1 for ex in exchanges if not ex.differences)
    summary = (
        f"A {replay.kind} capture ({name}) of {len(exchanges)} requests replayed through the model's jar; "
        f"session cookie: {cookie}; the model agreed on {agree} of them."
    )
    transcript = "\n".join(
        visible(f"{ex.number}. {ex.method} {ex.path} → {ex.status}" + (f" → {ex.location}" if ex.location else ""))
        for ex in exchanges
    )
    return {
        "id": lesson,
        "title": _cut(f"A real session: the capture {name}", 120),
        "summary": summary,
        "level": "intermediate",
        "minutes": max(1, min(240, len(events) // 4 or 1)),
        "tags": ["capture"],
        "flow": {
            "nodes": [
                {"id": "browser", "label": f"{replay.kind} sends the request", "phases": ["receive"]},
                {"id": "server", "label": "the app answers (as captured)", "phases": ["send_response"]},
                {"id": "jar", "label": "the jar stores cookies", "phases": ["store_cookie", "script_cookie"]},
            ],
            "edges": [
                {"from": "browser", "to": "server", "label": "Cookie"},
                {"from": "server", "to": "jar", "label": "Set-Cookie"},
            ],
            "caption": "Each request of the capture is one event, answered as the capture was (its status and Set-Cookie).",
        },
        "code": [{"title": "Findings of the capture", "language": "text", "source": _wrapped(findings_text(replay))}],
        "scenario": {
            "engine": engine_options(replay),
            "browsers": {BROWSER: browser_options(replay)},
            "events": events,
        },
        "table": {
            "columns": [
                {"field": "step"},
                {"field": "action"},
                {"field": "result"},
            ],
            # a request's first row (its method, path and the capture's status), the row where the jar
            # stores its Set-Cookie, and a script's write before it (the hand-written response's own rows
            # in between are left out)
            "phases": ["receive", "store_cookie", "script_cookie"],
        },
        "tracker": [{"variable": f"jar.{BROWSER}", "label": "jar"}, {"variable": "clock"}],
        "narration": narration,
        "snapshot": summary,
        "transcript": transcript or "(no requests)",
    }


def lesson_yaml(replay: Replay, source: str, *, lesson: str = "capture") -> str:
    """The lesson file's text, its header comment saying where it came from and what to do next: at most
    :data:`MAX_EXPORTED` requests, and fewer when their text would pass :data:`BUDGET` bytes."""
    limit = min(len(replay.exchanges), MAX_EXPORTED)
    while True:
        text = _lesson_text(replay, source, lesson, limit)
        size = len(text.encode("utf-8"))
        if size <= BUDGET or limit <= 1:
            return text
        limit = max(1, min(limit - 1, limit * BUDGET // size))  # fewer requests, in proportion to the bytes


def _lesson_text(replay: Replay, source: str, lesson: str, limit: int) -> str:
    more = max(replay.total, len(replay.exchanges)) - limit
    head = [
        f"# A lesson started from the HAR capture {visible(source)!r} (`e` in `tutor open`, or",
        "# `tutor show CAPTURE --format scenario`). "
        + (
            "Values are AS SENT (--show-values): do not share this file."
            if replay.show_values
            else "Values are redacted (short hashes)."
        ),
        "# Each request, whatever its method, is one event (`mark: req-N`: step N of the capture) and one",
        "# narration entry: its response written by hand as the capture had it (`status:` and Set-Cookie;",
        "# `answers:` names the request a `set_cookie:` answers), so the engine's own server never runs. A",
        "# cookie the browser sent that no Set-Cookie set (a script's) is a `document_cookie:` event before it.",
        "# Check it with `tutor check FILE`, run it with `tutor simulate FILE`, open it with",
        "# `tutor open FILE --watch`; then write the narration, moments and questions you want.",
    ]
    if "third_party" in browser_options(replay):  # the kind's default goes unsaid, as in the scenario
        head.append(
            f"# Third-party cookies: {replay.third_party} ({visible(replay.third_party_why)}), as in the capture."
        )
    if more > 0:
        head.append(f"# Only the first {limit} requests are here ({more} more in the capture).")
    document = lesson_document(replay, source, lesson=lesson, limit=limit)
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)
    return "\n".join(head) + "\n" + body


class _Dumper(yaml.SafeDumper):
    """Several lines as a ``|`` block (what an author edits), as PyYAML can (else quoted)."""


def _text(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|" if "\n" in data else None)


_Dumper.add_representer(str, _text)


__all__ = ["BUDGET", "MAX_EXPORTED", "lesson_document", "lesson_id", "lesson_yaml"]
