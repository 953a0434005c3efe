"""Real browsers: the engine's cookie jar held to real Chromium and real Firefox ESR.

A local HTTPS server (tests/conformance/browsers/server.py) serves two sites on loopback names, sets the
cookie matrix of tests/conformance/browsers/matrix.py, and the browser makes each request kind; what it
stored, showed to ``document.cookie`` and sent is recorded in ``browsers/observed-KIND.json`` (re-recorded
live by tests/conformance/test_browsers.py when the browser is on the machine). The engine
(:class:`tutor.engine.browser.Browser` of the same kind and setting) is run through the same steps and must
give the same cells; a cell that differs must be listed in :data:`EXPECTED` with its reason.
"""

from __future__ import annotations

import json
from pathlib import Path

from tutor.engine.browser import Browser

from .browsers import matrix

NAME = "real-browsers"
TITLE = "Real browsers (Chromium 156, Firefox ESR 153)"
ORDER = 40

HERE = Path(__file__).parent / "browsers"
BROWSERS = ("chromium", "firefox")

#: Virtual seconds of the engine's run: the three phases, then the requests (well inside chromium's
#: 2-minute Lax+POST window, as the live run is), then the late POST of the slow case.
T_SET, T_SET2, T_HTTP, T_REQUESTS = 0, 1, 2, 10


def fixture_path(kind: str, slow: bool = False) -> Path:
    return HERE / f"observed-{kind}{'-late' if slow else ''}.json"


def load(kind: str, slow: bool = False) -> dict:
    return json.loads(fixture_path(kind, slow).read_text(encoding="utf-8"))


def predict(
    kind: str, kinds: tuple[matrix.RequestKind, ...] = matrix.KINDS, wait: int = 0, third_party: str | None = None
) -> dict:
    """The engine's observation for the same steps, in the form the browsers' are recorded: a browser of
    ``kind`` with the recording's third-party setting (``allow``/``block``/``partition``)."""
    b = Browser("learner", matrix.SITE_A, kind=kind, third_party=third_party)
    for phase, path, scheme, now in (
        ("set", "/set", "https", T_SET),
        ("set2", "/set2", "https", T_SET2),
        ("http", "/set-http", "http", T_HTTP),
    ):
        request = b.build_request("GET", path, now=now, scheme=scheme)
        b.store_cookies(matrix.headers_for(phase), request, now)
    now = T_REQUESTS + wait
    stored = {c.name: f"{c.value} ({'session' if c.expires is None else 'persistent'})" for c in b.jar.all(now)}
    sent = {}
    for k in kinds:
        request = b.build_request(
            k.method, "/echo", now=now, scheme=k.scheme, cross_site=k.cross_site, top_level=k.top_level
        )
        sent[k.name] = request.cookie_header
    return {matrix.STORED: stored, matrix.DOCUMENT: b.document_cookie(now), "sent": sent}


#: Where the engine knowingly differs from a browser, with the reason: (browser kind, KEY) → reason, KEY
#: being a cell ``"COLUMN: cookie"``, a whole cookie row ``"*: cookie"`` or a whole column ``"COLUMN: *"``.
EXPECTED: dict[tuple[str, str], str] = {
    ("firefox", "*: __Host-nopath"): "Firefox ESR 153 keeps `__Host-nopath=1; Secure` set from `/set` (its prefix "
    "check looks at the cookie's path, `/` by default); RFC 6265bis §4.1.3.2 and Chromium 156 need an explicit "
    "`Path=/` attribute, and the model follows them for every kind",
    ("firefox", "*: nameless"): "Firefox ESR 153 stores `Set-Cookie: nameless_value` as a cookie *named* "
    "`nameless_value` with an empty value (sent back as `nameless_value=`); RFC 6265bis §5.6 step 5 and "
    "Chromium 156 make it a nameless cookie whose value is `nameless_value`, as the model does for every kind",
}


def reason_for(kind: str, cell: str) -> tuple[str, str] | None:
    """The expectation that covers ``cell``: (its key, the reason), or ``None``."""
    column, _, label = cell.partition(": ")
    for key in (cell, f"*: {label}", f"{column}: *"):
        if (kind, key) in EXPECTED:
            return key, EXPECTED[(kind, key)]
    return None


def compare(kind: str, observed: dict, predicted: dict) -> dict[str, tuple[object, object]]:
    """Every cell that differs: cell → (browser, engine)."""
    seen, model = matrix.cells(observed), matrix.cells(predicted)
    return {
        cell: (seen.get(cell), model.get(cell))
        for cell in sorted(set(seen) | set(model))
        if seen.get(cell) != model.get(cell)
    }


def unexpected(kind: str, observed: dict, predicted: dict) -> dict[str, tuple[object, object]]:
    return {cell: pair for cell, pair in compare(kind, observed, predicted).items() if reason_for(kind, cell) is None}


def _short(value: object) -> str:
    if value is None:
        return "—"
    text = str(value)
    return (text[:20] + "…") if len(text) > 21 else text


def section() -> str:
    lines = [
        "A local HTTPS server (self-signed certificate made at run time; `site-a.test` and `site-b.test` mapped "
        "to 127.0.0.1) sets "
        f"{len(matrix.COOKIES)} cookies (tests/conformance/browsers/matrix.py) and the browser makes "
        f"{len(matrix.KINDS)} kinds of request, plus a cross-site POST after {matrix.LATE_WAIT} s "
        "(`slow`). A cell is one cookie in one column: what the jar stored (value, session or persistent), "
        "what `document.cookie` showed on `https://site-a.test/`, what each request sent.",
        "",
        "Rerun: `python -m pytest -m conformance tests/conformance/test_browsers.py` (add `-m slow` for the late "
        "POST); the observations are committed in `tests/conformance/browsers/observed-*.json` and re-recorded "
        "live when the browser is installed.",
        "",
        "| browser | setting | engine | request kinds | cells agreeing |",
        "| --- | --- | --- | --- | --- |",
    ]
    listed = []
    for kind in BROWSERS:
        for slow in (False, True):
            path = fixture_path(kind, slow)
            if not path.exists():
                continue
            observed = load(kind, slow)
            kinds = (matrix.LATE_POST,) if slow else matrix.KINDS
            predicted = predict(kind, kinds, matrix.LATE_WAIT if slow else 0, observed.get("third_party"))
            diff = compare(kind, observed, predicted)
            total = len(matrix.cells(observed))
            lines.append(
                f"| {observed['browser']} | {observed['setting']} | `kind: {kind}, third_party: "
                f"{observed.get('third_party', 'default')}` | {len(kinds)}{' (slow)' if slow else ''} | "
                f"{total - len(diff)} / {total} |"
            )
            groups: dict[str, list] = {}
            for cell, (seen, model) in diff.items():
                found = reason_for(kind, cell)
                key, reason = found if found else (cell, "**not listed: the suite fails**")
                groups.setdefault(key, [reason, seen, model, 0])[3] += 1
            who = f"{observed['browser']}{' (slow)' if slow else ''}"
            listed += [
                f"| {who} | `{key}` | {n} | {_short(seen)} | {_short(model)} | {reason} |"
                for key, (reason, seen, model, n) in groups.items()
            ]
    lines += [
        "",
        "Expected differences (a `*` key covers a cookie's row or a column; the values are the first "
        "differing cell's, — is absent):",
        "",
    ]
    if listed:
        lines += [
            "| browser | where | cells | browser | engine | reason |",
            "| --- | --- | --- | --- | --- | --- |",
            *listed,
        ]
    else:
        lines.append("None.")
    return "\n".join(lines)
