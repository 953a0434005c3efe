"""The jar held to web-platform-tests' cookie cases (vendored as data in ``data/wpt/cases.json``; see its
README for the files, their commits and the licence).

Each case is a list of ``Set-Cookie`` headers a response from ``from`` carries (or, for ``api:
document.cookie``, strings a page at ``from`` writes to ``document.cookie``), and what the page at
``read`` then sees: its ``document.cookie`` (``via: document.cookie``) or the ``Cookie`` header a request
to it carries (``via: http``). The cases come from ``cookies/attributes`` (invalid, Max-Age, Expires,
Domain), ``cookies/value``, ``cookies/path`` (``match.html``'s ``Set-Cookie`` half, segment boundaries,
percent-encoded and non-ASCII paths) and the ``__Host-`` / ``__Secure-`` prefix tests; each runs in a fresh jar of kind chromium, same-site, at virtual second 0
(2026-01-01, so the suites' 2027 and 2038 dates are in the future as their authors meant). SameSite cases
need a browser's navigation and iframe machinery; they are the real-browser suites' part.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tutor.engine.cookies import CookieJar
from tutor.engine.setcookie import parse

NAME = "wpt-cookies"
TITLE = "web-platform-tests cookies/ cases"
ORDER = 20

DATA = Path(__file__).parent / "data" / "wpt" / "cases.json"
NOW = 0

#: (file, case name) -> why the model differs, for every case that does.
DIFFERENCES: dict[tuple[str, str], str] = {
    (
        "cookies/attributes/resources/domain-child.sub.html",
        "No cookie returned for domain mismatch (with domain mismatch as first domain attribute and second a bare attribute)",
    ): (
        '`domain=www1.web-platform.test; domain=`: WPT, after RFC 6265 §5.2.3 ("SHOULD ignore" an empty '
        "Domain), expects the first Domain to refuse the cookie; RFC 6265bis §5.7 step 7 takes the last Domain, "
        "empty, so the cookie is host-only, and real Chromium 156.0.8078.129 stores it so (measured with the "
        "same header from `www.web-platform.test`)"
    ),
    ("cookies/value/value.html", "Set cookie but ignore value after LF"): (
        "the model receives header *values*, not bytes on the wire: wptserve writes the LF raw, so the "
        "browser's HTTP/1.1 parser ends the header line there (RFC 9112 §2.2) and its cookie parser sees only "
        "`test=13` (real Chromium 156.0.8078.129 stores `AAA=BB` for `AAA=BB\\nZYX`, measured); given the value "
        "with the LF inside, RFC 6265bis §5.6 step 1 ignores the header, as the model does (a `set_cookie:` "
        "event is one header value)"
    ),
}


@dataclass(frozen=True)
class Result:
    file: str
    name: str
    agrees: bool
    expected: str
    actual: str


def cases() -> list[dict]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def run_case(case: dict) -> Result:
    jar = CookieJar("chromium")
    origin = urlsplit(case["from"])
    host, scheme = origin.hostname or "", origin.scheme
    for header in case["set"]:
        if case["api"] == "document.cookie":  # RFC 6265bis §5.7's non-HTTP API rules: the jar's own
            jar.set_from_script(header, host=host, path=origin.path or "/", scheme=scheme, now=NOW)
            continue
        outcome = parse(header, host=host, path=origin.path or "/", secure=scheme == "https", now=NOW, kind=jar.kind)
        jar.receive(outcome, scheme=scheme, now=NOW)
    target = urlsplit(case["read"])
    where = {"host": target.hostname or "", "path": target.path or "/", "scheme": target.scheme, "now": NOW}
    if case["via"] == "http":
        actual = "; ".join(c.pair() for c in jar.cookies_for(**where))
    else:
        actual = jar.document_cookie(**where)
    return Result(case["file"], case["name"], actual == case["expected"], case["expected"], actual)


def results() -> list[Result]:
    return [run_case(c) for c in cases()]


def _cell(text: str) -> str:
    if len(text) > 60:
        text = text[:40] + f"… ({len(text)} chars)"
    shown = text.encode("unicode_escape").decode("ascii").replace("|", "\\|").replace("`", "'")
    return f"`{shown}`" if shown else "(nothing)"


def section() -> str:
    got = results()
    files: dict[str, list[Result]] = {}
    for r in got:
        files.setdefault(r.file, []).append(r)
    lines = [
        "Source: web-platform-tests `cookies/` (`tests/conformance/data/wpt/`, each case with its file and commit),",
        "run by `tests/conformance/wpt_suite.py`: each case's `Set-Cookie` headers through the jar (kind chromium),",
        "then what the reading page's `document.cookie` or `Cookie` header holds.",
        "The Chromium 156 measurements a reason cites are remade on every run by",
        "`tests/conformance/test_chromium_setcookie.py` (skipped, saying why, without Chromium).",
        "",
        "| file | cases | agree | expected differences |",
        "| --- | --- | --- | --- |",
    ]
    for file, rs in files.items():
        listed = sum((r.file, r.name) in DIFFERENCES for r in rs)
        lines.append(f"| `{file}` | {len(rs)} | {sum(r.agrees for r in rs)} | {listed} |")
    lines.append(f"| all | {len(got)} | {sum(r.agrees for r in got)} | {len(DIFFERENCES)} |")
    differing = [r for r in got if not r.agrees]
    if differing:
        lines += [
            "",
            "Expected differences:",
            "",
            "| file | case | WPT expects | model | why |",
            "| --- | --- | --- | --- | --- |",
        ]
        notes: list[str] = []
        for r in differing:
            why = DIFFERENCES.get((r.file, r.name), "**not listed: a bug**")
            if why not in notes:
                notes.append(why)
            lines.append(
                f"| `{r.file}` | {r.name} | {_cell(r.expected)} | {_cell(r.actual)} | [{notes.index(why) + 1}] |"
            )
        lines += [""] + [f"[{i}]: {why}  " for i, why in enumerate(notes, 1)]
    return "\n".join(lines) + "\n"
