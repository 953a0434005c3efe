"""A capture replayed through the engine's cookie jar, one step per request, in time order.

For each entry: the site relation (``Sec-Fetch-Site`` when the browser sent it, else the schemeful site of
the request against the top-level page's, RFC 6265bis §5.2; a known limit: inside a cross-site iframe every
request is cross-site for cookies, §5.2.1's "site for cookies", while its same-origin ``fetch()`` sends
``Sec-Fetch-Site: same-origin``, and a HAR does not say which frame made a request, so such a request is
replayed as same-site), whether it is a top-level navigation
(``Sec-Fetch-Mode: navigate`` + ``Sec-Fetch-Dest: document``, else Chrome's ``_resourceType``, else the
target of a top-level redirect), the cookies it carried (the ``Cookie`` headers, else the ``cookies``
array), the ``Set-Cookie`` headers it received, read by :func:`tutor.engine.setcookie.parse` into the
engine's :class:`~tutor.engine.cookies.CookieJar` of the browser that made the capture (its kind, and its
third-party setting as far as the capture shows it: :func:`third_party_setting`, else ``--third-party``),
and the model's prediction (:meth:`CookieJar.cookies_for`) against what was carried, with a reason for
every difference: the jar's own rule (:meth:`CookieJar.send_verdict`), a cookie no response set, the
browser's third-party setting, or a request whose Cookie header the capture cannot hold (:func:`unrecorded`:
served from the cache, or failed / never finished, by the browser's own ``_fromCache``, ``_failureText`` /
``_error`` and ``_transferSize`` where it wrote them, else by its provisional headers, :func:`on_the_wire`).
The session cookie's life is narrated and the security findings are collected (:mod:`tutor.capture.session`).

Privacy: values leave this module only as :func:`fingerprint` (the first 8 hex digits of their SHA-256)
unless ``show_values``; bodies were never read (:mod:`tutor.capture.har`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypedDict

from tutor.capture.h2 import cookie_header, request_url
from tutor.capture.har import Entry, Har, HarCookie, header_values, started
from tutor.capture.lazy import LazyHar
from tutor.capture.session import Finding, SessionWatch
from tutor.engine.clock import format_clock
from tutor.engine.cookies import Cookie, CookieJar
from tutor.engine.setcookie import EPOCH
from tutor.engine.trace import Step, StepVariables, Trace, VariableLog, jar_variable


def fingerprint(value: str) -> str:
    """A value as shown by default: ``#`` and the first 8 hex digits of its SHA-256 (stable, enough to
    see that it changed, not enough to use)."""
    return "#" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def browser_kind(har: Har | LazyHar) -> str:
    """The browser that made the capture, from ``log.browser`` / ``log.creator``: firefox, safari, else
    chromium (Chrome/Edge DevTools write ``WebInspector``; Playwright names the browser)."""
    names = " ".join(c.name for c in (har.log.browser, har.log.creator) if c is not None).lower()
    if "firefox" in names:
        return "firefox"
    if "safari" in names or "webkit" in names:
        return "safari"
    return "chromium"


#: How many requests :func:`third_party_setting` reads for a ``User-Agent`` (the browser is the same in all).
_UA_LOOKS = 50


def third_party_setting(har: Har | LazyHar, kind: str) -> tuple[str | None, str]:
    """The third-party cookie policy of the browser that made the capture, when the capture shows it,
    and why in words: ``(None, ...)`` for the kind's default (:data:`tutor.engine.cookies.THIRD_PARTY_DEFAULTS`).

    A ``HeadlessChrome/`` product in the ``User-Agent`` (Chromium's headless mode) means ``block``: measured
    on Debian's Chromium 156 in a Playwright ``new_context()`` (tests/conformance/browsers/chromium.py,
    docs/CONFORMANCE.md), which sends no cookie on a cross-site subresource request and stores none from
    its response. Playwright's contexts are off the record, and Chromium blocks third-party cookies in an
    incognito profile by default; other headless set-ups (Puppeteer, Chrome for Testing) were not measured
    and depend on their flags. A normal window's setting is not in a HAR: ``--third-party`` names it."""
    if kind == "chromium":
        for entry in har.log.entries[:_UA_LOOKS]:
            agent = header_values(entry.request.headers, "user-agent")
            if agent:
                if "HeadlessChrome/" in agent[0]:
                    return "block", "HeadlessChrome in the User-Agent: measured, Playwright's Chromium 156 blocks them"
                break
    return None, f"the {kind} default"


@lru_cache(maxsize=1024)
def site_of(scheme: str, host: str) -> tuple[str, str]:
    """The schemeful site (RFC 6265bis §5.2): the scheme and the registrable domain (the host itself for
    an IP address, ``localhost`` or a host that is a public suffix)."""
    from publicsuffixlist import PublicSuffixList

    psl = _psl()
    assert isinstance(psl, PublicSuffixList)
    return scheme, psl.privatesuffix(host.lower()) or host.lower()


@lru_cache(maxsize=1)
def _psl() -> object:
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


@dataclass(frozen=True, slots=True)
class Received:
    """One ``Set-Cookie`` header and what the jar did with it."""

    name: str
    outcome: str
    """stored, replaced, deleted, rejected, partitioned"""
    reason: str
    attributes: str
    """The header's attributes as written (after the name=value pair)."""
    value: str


@dataclass(slots=True)
class Exchange:
    """One request of the capture, as the walkthrough shows it."""

    number: int
    method: str
    url: str
    host: str
    path: str
    scheme: str
    at: int
    """Virtual second (Unix time minus :data:`tutor.engine.setcookie.EPOCH`)."""
    status: int
    location: str
    cross_site: bool
    top_level: bool
    relation: str
    sent: list[tuple[str, str]]
    """(name, value) pairs the request carried."""
    received: list[Received] = field(default_factory=list)
    predicted: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    session: list[str] = field(default_factory=list)
    """What happened to the session cookie at this step, in words."""
    scripted: list[tuple[str, str]] = field(default_factory=list)
    """(name, value) of each cookie the request carried that no Set-Cookie set (a script's, an extension's,
    or one from before the capture), which the replay's jar adopted before this request."""
    unrecorded: str = ""
    """``cache`` (served from the browser's cache: no request went out) or ``unfinished`` (the request
    failed or never finished) for a request the capture holds no sent cookies of (:func:`unrecorded`)."""
    failure: str = ""
    """Why the request failed, in the browser's words (:func:`failure`: ``_failureText``, ``_error``)."""

    @property
    def target(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True, slots=True)
class Replay:
    kind: str
    third_party: str
    """The third-party policy replayed (``allow``, ``block``, ``partition``)."""
    third_party_why: str
    """Where it came from, in words (``--third-party``, the capture's User-Agent, the kind's default)."""
    session_cookie: str | None
    exchanges: tuple[Exchange, ...]
    findings: tuple[Finding, ...]
    trace: Trace
    show_values: bool
    total: int = 0
    """Requests in the capture (more than ``exchanges`` when replayed ``upto`` a step); not ``counted``:
    those replayed (:func:`tutor.capture.lazy.open_first`: the whole file is yet to be checked)."""
    counted: bool = True


class _Request(TypedDict):
    """One request as the jar's rules take it (``cookies_for``, ``send_verdict``, ``set_from_header``)."""

    host: str
    path: str
    scheme: str
    now: int
    cross_site: bool
    top_level: bool


def _cookie_pairs(entry: Entry) -> list[tuple[str, str]]:
    header = cookie_header(entry.request.headers)  # HTTP/2 crumbs joined (RFC 9113 §8.2.3): tutor.capture.h2
    if header is None:  # a capture without raw headers: the parsed array
        return [(c.name, c.value) for c in entry.request.cookies]
    pairs = []
    for crumb in header.split(";"):
        name, eq, value = crumb.strip().partition("=")
        if name or value:
            pairs.append((name, value) if eq else ("", name))
    return pairs


def _set_cookie_headers(entry: Entry) -> list[str]:
    headers = header_values(entry.response.headers, "set-cookie")
    if headers or not entry.response.cookies:
        return headers
    return [_header_of(c) for c in entry.response.cookies]


def _header_of(cookie: HarCookie) -> str:
    """A ``Set-Cookie`` header rebuilt from a HAR ``cookies`` entry (when the raw headers are absent)."""
    parts = [f"{cookie.name}={cookie.value}"]
    if cookie.path:
        parts.append(f"Path={cookie.path}")
    if cookie.domain:
        parts.append(f"Domain={cookie.domain}")
    if cookie.expires:
        parts.append(f"Expires={cookie.expires}")
    if cookie.httpOnly:
        parts.append("HttpOnly")
    if cookie.secure:
        parts.append("Secure")
    if cookie.sameSite:
        parts.append(f"SameSite={cookie.sameSite}")
    return "; ".join(parts)


#: Why a request the capture holds only provisional headers for (see :func:`on_the_wire`) shows no cookie,
#: by :func:`unrecorded`'s kind: served from the cache, never finished, or gone out without its headers.
FROM_CACHE = (
    "none sent: served from the browser's cache (memory or disk), no request went out (the capture has only "
    "the provisional request headers, no Host, and the cached response's headers)"
)
UNFINISHED = (
    "not recorded: the request never finished (no Host header, no response headers: only the provisional "
    "request headers, from before the network stack adds Host and Cookie), so the capture cannot show "
    "which cookies went"
)
#: Why a cross-origin ``fetch()`` / XHR (``Sec-Fetch-Mode: cors``, not ``Sec-Fetch-Site: same-origin``) carried
#: none of the cookies the jar holds for it: the Fetch standard's default credentials mode is
#: ``same-origin`` (whatwg/fetch, "credentials mode"), and XHR sends cookies to another origin only with
#: ``withCredentials``. The engine does not model credentials mode (a HAR does not record it).
CREDENTIALS = (
    "a cross-origin fetch() or XMLHttpRequest sends cookies only when asked (fetch's credentials: 'include', "
    "XHR's withCredentials; the default is same-origin), and the server must answer with "
    "Access-Control-Allow-Credentials: true; a HAR does not record the mode, so the model cannot tell"
)
#: The most characters of a browser's own failure text shown (a hand-made HAR may hold anything there).
FAILURE_CHARS = 120


def from_cache_text(entry: Entry) -> str:
    """:data:`FROM_CACHE`, or the cache the browser names (DevTools' ``_fromCache``), or its byte count."""
    cache = entry.from_cache
    if cache:
        return (
            f"none sent: served from the browser's {cache[:FAILURE_CHARS]} cache (_fromCache), no request "
            "went out, so no cookie went"
        )
    if entry.response.transfer_size == 0:
        return (
            "none sent: served from the browser's cache, no request went out (0 bytes over the network: its "
            "_transferSize; the capture has only the provisional request headers, no Host)"
        )
    return FROM_CACHE


def unfinished_text(entry: Entry) -> str:
    """:data:`UNFINISHED`, with the browser's own words when it wrote why (:func:`failure`)."""
    words = failure(entry)
    if words is None:
        return UNFINISHED
    return (
        f"not recorded: the request failed ({words}, the browser's words) with only the provisional request "
        "headers (no Host header), so the capture cannot show which cookies went"
    )


def failure(entry: Entry) -> str | None:
    """Why the request failed, in the browser's words: Playwright's ``_failureText``, DevTools' ``_error``
    (``net::ERR_ABORTED``; at most :data:`FAILURE_CHARS`), or None for a request no failure was written for."""
    words = entry.response.failure_text or entry.response.error
    if not words or not words.strip():
        return None
    words = " ".join(words.split())
    return words if len(words) <= FAILURE_CHARS else words[: FAILURE_CHARS - 1] + "…"


def on_the_wire(entry: Entry) -> bool:
    """Do the request's headers hold what was sent? Every HTTP/1.1 request carries ``Host`` (RFC 9112
    §3.2), an HTTP/2 one ``:authority`` (RFC 9113 §8.3.1), an HTTP/3 one too (RFC 9114 §4.3.1); Chromium
    (DevTools' "Provisional headers are shown", Playwright's HAR) records a request served from its cache
    (memory or disk; DevTools' ``RequestHeaderSection``: ``cachedInMemory() || cached()``), or one that never
    finished, with only its provisional headers (``Referer``, ``User-Agent``, client hints: what the renderer
    adds, before the network stack adds ``Host`` and ``Cookie``): no ``Host``, no ``Cookie``. (Such headers can
    also stand for an HSTS "307 Internal Redirect" or a service worker's answer: a HAR does not tell them
    apart from a cache hit unless it writes ``_fromCache``.) A request with no headers at all (a hand-made HAR) counts as on the wire."""
    headers = entry.request.headers
    if not headers:
        return True
    return any(h.name.lower() in ("host", ":authority") for h in headers)


def unrecorded(entry: Entry) -> str:
    """Why the capture cannot hold the cookies a request carried: ``cache`` (served from the browser's
    cache: no request went out), ``unfinished`` (it failed or never finished), or ``""`` (its headers are
    those sent).

    The browser's own fields decide where it wrote them, over what the headers suggest: DevTools'
    ``_fromCache`` (``memory``/``disk``) means the cache; a failure text (:func:`failure`) on a request
    with only provisional headers means it failed; for provisional headers, ``_transferSize`` 0 (nothing
    came over the network) means the cache. Without them (Firefox, hand-made HARs) provisional headers
    (:func:`on_the_wire`) with the response's headers mean the cache, with none a request that never
    finished. ``_transferSize`` 0 on a request whose headers were sent is not read as the cache: Playwright's
    Chromium writes 0 for HTTP/2 redirects that went out (tests/fixtures/har/recorded/chromium-h2.har,
    steps 2 and 6, Host and cookies recorded). A positive ``_transferSize`` under provisional headers (in
    no recorded fixture) is left to the headers' reading."""
    if entry.from_cache:
        return "cache"
    if on_the_wire(entry):
        return ""
    if failure(entry) is not None:
        return "unfinished"
    if entry.response.transfer_size == 0 and entry.response.status > 0:
        return "cache"
    return "cache" if entry.response.headers else "unfinished"


def _navigation(entry: Entry, redirected_to: set[str]) -> bool | None:
    """Is the entry a top-level navigation (a document loaded in the tab, not an iframe or a fetch)?"""
    mode = header_values(entry.request.headers, "sec-fetch-mode")
    dest = header_values(entry.request.headers, "sec-fetch-dest")
    if mode or dest:
        return mode[:1] == ["navigate"] and dest[:1] in (["document"], [])
    if entry.resource_type is not None:
        return entry.resource_type == "document"
    return None if entry.request.url not in redirected_to else True


def _same_site(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Two origins' (scheme, host) schemeful sites are the same; the same host needs no Public Suffix List
    (whose parsing is a tenth of a second: a capture with ``Sec-Fetch-Site`` never loads it)."""
    return a == b or site_of(*a) == site_of(*b)


def _guess(nav: bool | None, top_site: tuple[str, str] | None, origin: tuple[str, str]) -> bool:
    """No Sec-Fetch-* header and no ``_resourceType`` (an older Firefox export, a plain http origin): a
    request to the top page's site counts as a top-level navigation (for a same-site request the
    difference changes no cookie), any other as a subresource."""
    return nav if nav is not None else top_site is not None and _same_site(top_site, origin)


def replay(
    har: Har | LazyHar,
    *,
    kind: str | None = None,
    third_party: str | None = None,
    session_cookie: str | None = None,
    show_values: bool = False,
    upto: int | None = None,
) -> Replay:
    """The capture stepped through (see the module docstring); ``third_party``: the browser's third-party
    cookie policy (default: :func:`third_party_setting`); ``upto``: only its first ``upto`` requests
    (`tutor open` replays the window it shows, not a 20,000-request capture's whole)."""
    replayer = Replayer(har, kind=kind, third_party=third_party, session_cookie=session_cookie, show_values=show_values)
    return replayer.replay(upto)


class Replayer:
    """A replay that goes on from where it stopped: :meth:`replay` ``(upto)`` steps on from the requests
    already replayed, or cuts the replay of the first ``upto`` requests from them. Both are the replay
    from the first request to ``upto`` (:func:`replay`): a request's step depends only on the requests
    before it, and what the whole replay adds at its end (the findings in step order, the session cookie
    recognised so far) is kept per step. It holds what a replay of the requests so far holds (at most the
    capture's, as `tutor show` does), nothing per window (the walkthrough's `>` / `<`)."""

    def __init__(
        self,
        har: Har | LazyHar,
        *,
        kind: str | None = None,
        third_party: str | None = None,
        session_cookie: str | None = None,
        show_values: bool = False,
    ) -> None:
        self.har = har
        self.kind = kind = kind or browser_kind(har)
        if third_party is None:
            third_party, self.third_party_why = third_party_setting(har, kind)
        else:
            self.third_party_why = "--third-party"
        self.jar = CookieJar(kind, third_party)
        self.order = har.order()
        self.show_values = show_values
        self.watch = SessionWatch(session_cookie, show_values=show_values)
        self.named_at: int | None = 0 if session_cookie is not None else None
        """The step at which the session cookie was recognised (0: named by --session-cookie)."""
        self.log = VariableLog()
        self.steps: list[Step] = []
        self.exchanges: list[Exchange] = []
        self.redirected_to: set[str] = set()
        self.top_site: tuple[str, str] | None = None  # the top-level page's origin (its site: site_of)
        self.ever_set: set[str] = set()
        self.first_at: int | None = None
        self.last: dict[str, Cookie] = {}

    @property
    def done(self) -> int:
        """How many requests are replayed."""
        return len(self.steps)

    def replay(self, upto: int | None = None) -> Replay:
        """The replay of the first ``upto`` requests (None: all); raises the positioned ``HarError`` of a
        bad entry on the way (the requests before it stay replayed)."""
        if len(self.order) != len(self.har.log.entries):  # counted since (LazyHar.confirm): the whole order
            order = self.har.order()
            if order[: self.done] != self.order[: self.done]:
                raise ValueError("the time order of the requests replayed changed: replay from the start")
            self.order = order
        end = len(self.order) if upto is None else max(0, min(upto, len(self.order)))
        if end > self.done:
            self._advance(end)
        return self._result(end)

    def _result(self, end: int) -> Replay:
        watch, har = self.watch, self.har
        named = self.named_at is not None and self.named_at <= end
        return Replay(
            self.kind,
            self.jar.third_party,
            self.third_party_why,
            watch.name if named else None,
            tuple(self.exchanges[:end]),
            tuple(watch.findings_upto(end)),
            Trace(tuple(self.steps[:end])),
            self.show_values,
            len(har.log.entries),
            not isinstance(har, LazyHar) or har.counted,
        )

    def _advance(self, end: int) -> None:
        har, kind, jar, watch, log = self.har, self.kind, self.jar, self.watch, self.log
        steps, exchanges, redirected_to, ever_set = self.steps, self.exchanges, self.redirected_to, self.ever_set
        third_party_why, show_values = self.third_party_why, self.show_values
        top_site, first_at, last = self.top_site, self.first_at, self.last
        jar_name = jar_variable(kind)
        shown = (lambda v: v) if show_values else fingerprint
        try:
            for number, index in enumerate(self.order[self.done : end], self.done + 1):
                entry = har.log.entries[index]
                parts = request_url(entry)  # the URL, or HTTP/2's :scheme/:authority/:path (tutor.capture.h2)
                host, scheme = parts.hostname or "", parts.scheme or "https"
                path = parts.path or "/"
                at = int(started(entry)) - EPOCH
                first_at = at if first_at is None else first_at
                nav = _navigation(entry, redirected_to)
                top = number == 1 or _guess(nav, top_site, (scheme, host))
                fetch_site = header_values(entry.request.headers, "sec-fetch-site")[:1]
                fetch_mode = header_values(entry.request.headers, "sec-fetch-mode")[:1]
                if top:
                    cross = fetch_site == ["cross-site"]
                    top_site = (scheme, host)
                elif fetch_site:
                    cross = fetch_site == ["cross-site"]
                else:
                    cross = top_site is not None and not _same_site(top_site, (scheme, host))
                relation = ("cross-site" if cross else "same-site") + (" · top-level" if top else " · subresource")
                status = entry.response.status
                location = (header_values(entry.response.headers, "location")[:1] or [entry.response.redirectURL])[0]
                if top and 300 <= status < 400 and location:
                    redirected_to.add(location if "//" in location else f"{scheme}://{parts.netloc}{location}")
                sent = _cookie_pairs(entry)
                if not show_values:
                    location = _no_query(location)
                ex = Exchange(
                    number,
                    entry.request.method,
                    entry.request.url,
                    host,
                    path,
                    scheme,
                    at,
                    status,
                    location,
                    cross,
                    top,
                    relation,
                    sent,
                )
                before = last  # the jar as the previous step left it (a cookie that expired since is still here)
                # -- the model's prediction, then what was carried
                # the request as the jar's send rules see it (tutor.engine.cookie_send: the one home of which
                # cookies a request carries): the prediction, and the rule for each cookie the browser sent otherwise
                request = _Request(host=host, path=path, scheme=scheme, now=at, cross_site=cross, top_level=top)
                ex.predicted = [c.name for c in jar.cookies_for(method=ex.method, **request)]
                sent_names = [n for n, _ in sent]
                ex.failure = failure(entry) or ""
                ex.unrecorded = "" if sent else unrecorded(entry)
                if ex.unrecorded:
                    names = ", ".join(n or "(nameless)" for n in ex.predicted)
                    if ex.unrecorded == "unfinished":  # even "none predicted" cannot be checked
                        ex.differences.append(f"{names or 'no cookie'} predicted, {unfinished_text(entry)}")
                    elif names:  # from the cache: no request, so no cookie (the model agrees when it predicts none)
                        ex.differences.append(f"{names} predicted, {from_cache_text(entry)}")
                for name in sent_names:
                    if name in ex.predicted:
                        continue
                    verdict = jar.send_verdict(name, method=ex.method, **request)
                    if verdict is not None:
                        why = f"the model would not send it ({verdict[2]}): a model simplification, or the browser's own setting"
                    elif name not in ever_set:
                        why = "set by a script (document.cookie), an extension, or before the capture began: no Set-Cookie for it here"
                        # the model adopts it, so later requests agree (RFC 6265bis §5.7 has no script path here)
                        jar.put(Cookie(name=name, value=dict(sent)[name], domain=host.lower(), created=at))
                        ex.scripted.append((name, dict(sent)[name]))
                    else:
                        why = "the model has no such cookie for this host (deleted or expired in the model): a script or an extension may have set it again"
                    ex.differences.append(f"{name} sent, not predicted: {why}")
                for name in () if ex.unrecorded else ex.predicted:
                    if name not in sent_names:
                        # predicted for a cross-site subresource: the model's policy is allow (block and partition
                        # predict none there, cookie_send.third_party_rule)
                        policy = (
                            f"blocks or partitions third-party cookies (a user setting, an incognito "
                            f"window); the model replayed {jar.third_party} ({third_party_why}): --third-party block "
                            f"replays that"
                        )
                        if fetch_mode == ["cors"] and fetch_site[:1] != ["same-origin"]:
                            why = CREDENTIALS + ("; or the browser " + policy if cross and not top else "")
                        elif cross and not top:
                            why = f"the browser kept it back from a cross-site subresource request, so it {policy}"
                        else:
                            why = "deleted by a script, blocked by an extension, or a model simplification"
                        ex.differences.append(f"{name} predicted, not sent: {why}")
                # -- what the response set
                for header in _set_cookie_headers(entry):
                    outcome = jar.set_from_header(header, **request)
                    pair, _, attrs = header.partition(";")
                    head, eq, tail = pair.partition("=")
                    value = (tail if eq else head).strip()  # no "=": a nameless cookie, all value (RFC 6265bis §5.6)
                    reason = outcome.reason or "; ".join(outcome.notes)
                    ex.received.append(Received(outcome.name, outcome.outcome, reason, attrs.strip(), value))
                    if outcome.outcome in ("stored", "replaced"):
                        ever_set.add(outcome.name)
                after = last = {c.name: c for c in jar.all(at)}
                watch.step(ex, before, after, headers=_set_cookie_headers(entry))
                # -- the step
                position = number - 1
                result = f"{status}" + (f" → {location}" if location else "")
                if ex.differences and ex.unrecorded:
                    result += " · from the cache" if ex.unrecorded == "cache" else " · never finished"
                    if ex.failure and ex.unrecorded == "unfinished":
                        result += f" ({ex.failure})"
                elif ex.differences:
                    count = len(ex.differences)
                    result += f" · {count} {'differs' if count == 1 else 'differ'} from the model"
                elif sent or ex.predicted:
                    result += " · the model agrees"
                if ex.failure and ex.unrecorded != "unfinished":  # its headers went out, then it failed
                    result += f" · failed ({ex.failure})"
                log.set(position, "clock", format_clock(at - first_at))
                log.set(position, "request", ex.target)
                log.set(position, "site", relation)
                log.set(position, "sent", ", ".join(n or "(nameless)" for n in sent_names) or "—")
                log.set(
                    position,
                    "set_cookie",
                    "; ".join(f"{r.name or '(nameless)'} {r.outcome}" for r in ex.received) or "—",
                )
                log.set(position, "status", status)
                log.set(position, "session", "; ".join(ex.session) or "—")
                jar_view = [_jar_line(c, shown, first_at) for c in jar.all(at)]
                previous = steps[-1].variables.get(jar_name) if steps else None
                log.set(position, jar_name, previous if previous == jar_view else jar_view)
                session_value = dict(sent).get(watch.name or "") if watch.name else None
                steps.append(
                    Step(
                        step=number,
                        event=number,
                        actor=kind,
                        phase="store_cookie" if ex.received else "receive",
                        action=ex.target,
                        cookie_present=session_value is not None,
                        session_id=shown(session_value) if session_value is not None else None,
                        user=None,
                        result=result,
                        variables=StepVariables(log, position, len(log.names)),
                    )
                )
                exchanges.append(ex)
                if watch.name is not None and self.named_at is None:
                    self.named_at = number
        finally:  # (a bad entry: the steps before it stay, with the state they left)
            self.top_site, self.first_at, self.last = top_site, first_at, last


def _jar_line(cookie: Cookie, shown: Any, start: int) -> str:
    parts = [f"{cookie.name}={shown(cookie.value)}" if cookie.name else shown(cookie.value)]
    if not cookie.host_only:
        parts.append(f"Domain={cookie.domain}")
    if cookie.path != "/":
        parts.append(f"Path={cookie.path}")
    parts.extend(flag for flag, on in (("Secure", cookie.secure), ("HttpOnly", cookie.http_only)) if on)
    if cookie.same_site:
        parts.append(f"SameSite={cookie.same_site.capitalize()}")
    parts.append("Session" if cookie.expires is None else f"expires {format_clock(cookie.expires - start)}")
    return "; ".join(parts)


def _no_query(url: str) -> str:
    """A URL without its query and fragment (an OAuth ``code``, a token in a link), marked ``?…``."""
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=-1)
    return url if cut < 0 else url[:cut] + "?…"


__all__ = ["Exchange", "Received", "Replay", "Replayer", "browser_kind", "fingerprint", "replay", "site_of"]
