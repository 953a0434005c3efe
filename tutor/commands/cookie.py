"""`tutor cookie HEADER...`: what each browser kind does with hand-written ``Set-Cookie`` headers.

A thin shell: :func:`tutor.engine.cookie_check.check_header` decides everything (the parser of
:mod:`tutor.engine.setcookie`, the jar of :mod:`tutor.engine.cookies`); this prints it. A header that is
not a header at all (:func:`tutor.engine.headers.header_problem`) or a URL that is not one is an error
(exit 1); a cookie a browser refuses is an answer (exit 0).
"""

from __future__ import annotations

import argparse
from typing import Any

from tutor.commands.common import OK, error, out, out_json


def run(args: argparse.Namespace) -> int:
    from tutor.engine.cookie_check import check_header, url_problem
    from tutor.engine.cookies import KINDS
    from tutor.engine.headers import header_problem

    for number, header in enumerate(args.headers, 1):
        problem = header_problem(header)
        if problem is not None:
            return error(
                "cookie",
                f"header {number} is not a Set-Cookie header: {problem}",
                "quote each header's value: tutor cookie 'sid=abc; Secure; HttpOnly'",
            )
    problem = url_problem(args.url)
    if problem is not None:
        return error("cookie", f"--url: {problem}", "e.g. --url https://app.example/account")
    kinds = (args.browser,) if args.browser else KINDS
    answers = [
        (header, check_header(header, args.url, kinds=kinds, third_party=args.third_party)) for header in args.headers
    ]
    if args.format == "json":
        out_json({"url": args.url, "headers": [_json(header, verdicts) for header, verdicts in answers]})
        return OK
    out(f"A response from {args.url}:")
    for header, verdicts in answers:
        out("")
        out(f"Set-Cookie: {header}")
        notes = {v.stored.notes for v in verdicts}
        shared = notes.pop() if len(notes) == 1 else ()
        for note in shared:
            out(f"  note: {note}")
        width = (
            max(len(r.request.label) for v in verdicts for r in v.carries) if any(v.carries for v in verdicts) else 0
        )
        for v in verdicts:
            out(f"  {v.kind} (third-party cookies: {v.third_party}): {_verdict(v)}")
            for note in v.stored.notes if not shared else ():
                out(f"    note: {note}")
            for carry in v.carries:
                sent = "sent    " if carry.sent else "not sent"
                out(f"    {carry.request.label.ljust(width)}  {sent}  {carry.rule}")
    return OK


def _verdict(v: Any) -> str:
    outcome = v.stored
    if outcome.outcome == "rejected":
        return f"refused: {outcome.reason}"
    if outcome.outcome == "deleted":
        return "not stored: its expiry is in the past (it deletes a stored cookie of that name, domain and path)"
    cookie = v.cookie
    life = "a session cookie: closing the browser drops it" if cookie.expires is None else "persistent"
    return f"stored as {cookie.describe()} ({life})"


def _json(header: str, verdicts: Any) -> dict[str, Any]:
    return {
        "header": header,
        "browsers": [
            {
                "kind": v.kind,
                "third_party": v.third_party,
                "outcome": v.stored.outcome,
                "reason": v.stored.reason,
                "notes": list(v.stored.notes),
                "cookie": None
                if v.cookie is None
                else {
                    "name": v.cookie.name,
                    "value": v.cookie.value,
                    "domain": v.cookie.domain,
                    "host_only": v.cookie.host_only,
                    "path": v.cookie.path,
                    "expires_in": v.cookie.expires,
                    "secure": v.cookie.secure,
                    "http_only": v.cookie.http_only,
                    "same_site": v.cookie.same_site,
                },
                "requests": [
                    {
                        "request": c.request.label,
                        "method": c.request.method,
                        "cross_site": c.request.cross_site,
                        "top_level": c.request.top_level,
                        "sent": c.sent,
                        "rule": c.rule,
                    }
                    for c in v.carries
                ],
            }
            for v in verdicts
        ],
    }
