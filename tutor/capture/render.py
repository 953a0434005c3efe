"""`tutor show capture.har`: a replayed capture as text, Markdown or JSON.

Every piece of capture text passes through :func:`tutor.lesson.visible.visible` (JSON:
:func:`tutor.lesson.visible.dumps`); values are fingerprints unless the replay was made with
``show_values`` (:func:`tutor.capture.replay.fingerprint`), and bodies were never read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tutor.capture.replay import Exchange, Replay, fingerprint
from tutor.lesson.visible import dumps, visible

#: Said when no request carries or receives a cookie: Chrome's default "Export HAR (sanitized)" removes
#: the Cookie and Set-Cookie headers (Chrome 130+); "Export HAR (with sensitive data)" is offered only once
#: the DevTools setting "Allow to generate HAR with sensitive data" is on (devtools-frontend: sanitized HARs
#: by default).
NO_COOKIES = (
    "no request in this capture carries or receives a cookie: a sanitized export? (Chrome: turn on "
    "Settings > Preferences > Network > Allow to generate HAR with sensitive data, then "
    "Export HAR (with sensitive data))"
)


def _value(replay: Replay, value: str) -> str:
    return value if replay.show_values else fingerprint(value)


def exchange_lines(replay: Replay, ex: Exchange) -> list[str]:
    """What one step says, line by line (shared by the text and Markdown forms and the app's narration)."""
    lines = [f"{ex.relation}; status {ex.status}" + (f" → {ex.location}" if ex.location else "")]
    if ex.failure:  # the browser's own words (`_failureText` / `_error`)
        lines[0] += f"; failed: {ex.failure}"
    if ex.sent:
        lines.append("sent: " + ", ".join(f"{n or '(nameless)'}={_value(replay, v)}" for n, v in ex.sent))
    else:
        lines.append("sent: no cookie")
    for r in ex.received:
        text = f"Set-Cookie {r.name or '(nameless)'}={_value(replay, r.value)}"
        if r.attributes:
            text += f"; {r.attributes}"
        text += f": {r.outcome}"
        if r.reason:
            text += f" ({r.reason})"
        lines.append(text)
    if ex.differences:
        lines.extend(f"model: {d}" for d in ex.differences)
    elif ex.sent or ex.predicted:
        lines.append("model: agrees (" + (", ".join(n or "(nameless)" for n in ex.predicted) or "no cookie") + ")")
    lines.extend(f"session: {s}" for s in ex.session)
    return lines


def summary_lines(replay: Replay) -> list[str]:
    """The capture in a few lines: requests, browser, session cookie, how often the model agrees, how
    values are shown (the head of `tutor show`, the walkthrough's Snapshot)."""
    agree = sum(1 for ex in replay.exchanges if not ex.differences)
    cached = sum(1 for ex in replay.exchanges if ex.differences and ex.unrecorded == "cache")
    unfinished = sum(1 for ex in replay.exchanges if ex.differences and ex.unrecorded == "unfinished")
    others = [f"{cached} served from the browser's cache (no request, no cookie)"] if cached else []
    others += [f"{unfinished} never finished (cookies not in the capture)"] if unfinished else []
    empty = [] if any(ex.sent or ex.received for ex in replay.exchanges) else [NO_COOKIES]
    count = len(replay.exchanges)
    # (a window: `tutor open`; not counted yet: the first window, the whole file still to be checked)
    scope = (
        f"{count} of {replay.total}" if count < replay.total else f"{count}" if replay.counted else f"the first {count}"
    )
    return empty + [
        f"{scope} requests replayed as {replay.kind}; "
        f"session cookie: {replay.session_cookie or 'none recognised (--session-cookie NAME names it)'}",
        f"third-party cookies: {replay.third_party} ({replay.third_party_why})"
        + ("" if replay.third_party_why == "--third-party" else "; --third-party sets it"),
        f"the model agrees on the cookies of {agree} of {len(replay.exchanges)} requests"
        + "".join(f"; {other}" for other in others),
        "values are shown as #hash (first 8 hex digits of SHA-256); --show-values shows them"
        if not replay.show_values
        else "values are shown as sent (--show-values)",
    ]


def as_text(replay: Replay) -> str:
    out = summary_lines(replay) + [""]
    for ex in replay.exchanges:
        out.append(f"{ex.number}. {ex.target}  ({ex.host})")
        out.extend("   " + line for line in exchange_lines(replay, ex))
    out.append("")
    out.append("Findings:" if replay.findings else "Findings: none")
    out.extend("  " + f.line() for f in replay.findings)
    return visible("\n".join(out)) + "\n"


def as_markdown(replay: Replay) -> str:
    from tutor.lesson.render import md_escape  # the one Markdown escaping of file text

    out = ["# Capture walkthrough", ""] + [md_escape(line) + "  " for line in summary_lines(replay)] + [""]
    for ex in replay.exchanges:
        out.append(f"## {ex.number}. {md_escape(ex.target)} ({md_escape(ex.host)})")
        out.append("")
        out.extend("- " + md_escape(line) for line in exchange_lines(replay, ex))
        out.append("")
    out.append("## Findings")
    out.append("")
    out.extend(f"- {md_escape(f.line())}" for f in replay.findings)
    if not replay.findings:
        out.append("none")
    return "\n".join(out) + "\n"


def as_data(replay: Replay) -> dict[str, Any]:
    def exchange(ex: Exchange) -> dict[str, Any]:
        return {
            "step": ex.number,
            "method": ex.method,
            "host": ex.host,
            "path": ex.path,
            "scheme": ex.scheme,
            "status": ex.status,
            "location": ex.location or None,
            "cross_site": ex.cross_site,
            "top_level": ex.top_level,
            "sent": [{"name": n, "value": _value(replay, v)} for n, v in ex.sent],
            "received": [
                {
                    "name": r.name,
                    "value": _value(replay, r.value),
                    "attributes": r.attributes,
                    "outcome": r.outcome,
                    "reason": r.reason or None,
                }
                for r in ex.received
            ],
            "predicted": ex.predicted,
            "differences": ex.differences,
            "unrecorded": ex.unrecorded or None,
            "failure": ex.failure or None,
            "session": ex.session,
        }

    return {
        "browser": replay.kind,
        "third_party": {"policy": replay.third_party, "from": replay.third_party_why},
        "session_cookie": replay.session_cookie,
        "values": "shown" if replay.show_values else "sha256-8",
        "requests": [exchange(ex) for ex in replay.exchanges],
        "findings": [{"step": f.step, "level": f.level, "title": f.title, "detail": f.detail} for f in replay.findings],
    }


def as_json(replay: Replay) -> str:
    return dumps(as_data(replay)) + "\n"


RENDERERS: dict[str, Callable[[Replay], str]] = {"text": as_text, "markdown": as_markdown, "json": as_json}

__all__ = ["RENDERERS", "as_data", "as_json", "as_markdown", "as_text", "exchange_lines", "summary_lines"]
