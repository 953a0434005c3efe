"""The cookie matrix and the request kinds of the real-browser suite (shared by the server, the drivers and
the engine's prediction).

Two sites on loopback names: ``site-a.test`` (the cookies' site) and ``site-b.test`` (the cross-site page).
Every cookie is set by a response from ``https://site-a.test/set`` (phase ``set``), then ``/set2`` (phase
``set2``: deletions), then ``http://site-a.test/set-http`` (phase ``http``: headers from plain http).
"""

from __future__ import annotations

from dataclasses import dataclass

SITE_A = "site-a.test"
SITE_B = "site-b.test"
#: A future and a past date, fixed so the headers (and the recorded fixtures) never change.
FUTURE = "Wed, 01 Jan 2031 00:00:00 GMT"
PAST = "Thu, 01 Jan 1970 00:00:00 GMT"


@dataclass(frozen=True)
class CookieCase:
    label: str
    name: str
    """The cookie's name as a browser would store it (``""``: a nameless cookie)."""
    headers: tuple[tuple[str, str], ...]
    """(phase, Set-Cookie header) in the order they are sent."""


def _c(label: str, header: str, name: str | None = None, phase: str = "set") -> CookieCase:
    return CookieCase(label, label if name is None else name, ((phase, header),))


COOKIES: tuple[CookieCase, ...] = (
    _c("unset", "unset=1"),
    _c("lax", "lax=1; SameSite=Lax"),
    _c("strict", "strict=1; SameSite=Strict"),
    _c("none", "none=1; SameSite=None; Secure"),
    _c("none_insecure", "none_insecure=1; SameSite=None"),
    _c("samesite_bogus", "samesite_bogus=1; SameSite=Bogus"),
    _c("sec", "sec=1; Secure"),
    _c("http_only", "http_only=1; HttpOnly"),
    _c("sec_http_only", "sec_http_only=1; Secure; HttpOnly; SameSite=Lax"),
    _c("__Host-ok", "__Host-ok=1; Secure; Path=/"),
    _c("__Host-nopath", "__Host-nopath=1; Secure"),
    _c("__Host-domain", "__Host-domain=1; Secure; Path=/; Domain=site-a.test"),
    _c("__Host-insecure", "__Host-insecure=1; Path=/"),
    _c("__Secure-ok", "__Secure-ok=1; Secure"),
    _c("__Secure-missing", "__Secure-missing=1"),
    _c("__host-lower", "__host-lower=1; Path=/"),
    _c("path_echo", "path_echo=1; Path=/echo"),
    _c("path_other", "path_other=1; Path=/other"),
    _c("max_age", "max_age=1; Max-Age=86400"),
    _c("expires", f"expires_c=1; Expires={FUTURE}", name="expires_c"),
    _c("expired", f"expired=1; Expires={PAST}"),
    _c("max_age_wins", f"max_age_wins=1; Max-Age=86400; Expires={PAST}"),
    CookieCase("del_right", "del_right", (("set", "del_right=1; Path=/"), ("set2", "del_right=; Path=/; Max-Age=0"))),
    CookieCase(
        "del_wrong", "del_wrong", (("set", "del_wrong=1; Path=/"), ("set2", "del_wrong=; Path=/echo; Max-Age=0"))
    ),
    _c("domain", "domain_c=1; Domain=site-a.test", name="domain_c"),
    _c("domain_dot", "domain_dot=1; Domain=.site-a.test"),
    _c("domain_other", "domain_other=1; Domain=site-b.test"),
    _c("domain_suffix", "domain_suffix=1; Domain=test"),
    _c("reserved_path", "path=1", name="path"),
    _c("reserved_expires", "expires=1", name="expires"),
    _c("odd_unknown", "odd_unknown=1; Foo=bar"),
    _c("odd_path_flag", "odd_path_flag=1; Path"),
    _c("odd_quoted", 'odd_quoted="abc"'),
    _c("odd_secure_eq", "odd_secure_eq=1; Secure="),
    _c("nameless", "nameless_value", name=""),
    _c("big", "big=" + "x" * 4100),
    CookieCase("secure_over", "secure_over", (("set", "secure_over=1; Secure"), ("http", "secure_over=2"))),
    _c("from_http", "from_http=1", phase="http"),
    _c("http_secure", "http_secure=1; Secure", phase="http"),
)


@dataclass(frozen=True)
class RequestKind:
    name: str
    what: str
    """``get``/``post`` (a top-level form navigation), ``img``, ``fetch``, ``iframe``, ``address`` (typed in
    the address bar: a browser-initiated navigation)."""
    cross_site: bool
    scheme: str = "https"
    slow: bool = False

    @property
    def method(self) -> str:
        return "POST" if self.what == "post" else "GET"

    @property
    def top_level(self) -> bool:
        return self.what in ("get", "post", "address")


KINDS: tuple[RequestKind, ...] = (
    RequestKind("same-site GET", "get", False),
    RequestKind("same-site POST", "post", False),
    RequestKind("same-site image", "img", False),
    RequestKind("same-site fetch", "fetch", False),
    RequestKind("same-site iframe", "iframe", False),
    RequestKind("cross-site GET", "get", True),
    RequestKind("cross-site POST", "post", True),
    RequestKind("cross-site image", "img", True),
    RequestKind("cross-site fetch", "fetch", True),
    RequestKind("cross-site iframe", "iframe", True),
    RequestKind("http GET", "address", False, scheme="http"),
)
#: After chromium's 2-minute Lax+POST window (the cookies are then more than 120 s old).
LATE_POST = RequestKind("cross-site POST after 2 min", "post", True, slow=True)
#: How long the slow case waits after setting the cookies (seconds).
LATE_WAIT = 125

#: The columns of a cell that are not a request: what the jar holds and what a page script sees.
STORED = "stored"
DOCUMENT = "document.cookie"


def headers_for(phase: str) -> list[str]:
    return [h for case in COOKIES for p, h in case.headers if p == phase]


def parse_cookie_header(header: str) -> dict[str, str]:
    """A ``Cookie`` request header, name → value (a pair without ``=`` is a nameless cookie, 6265bis §5.7)."""
    out: dict[str, str] = {}
    for pair in header.split(";"):
        pair = pair.strip()
        if not pair:
            continue
        name, eq, value = pair.partition("=")
        if not eq:
            name, value = "", name
        out.setdefault(name, value)
    return out


def cells(observation: dict) -> dict[str, object]:
    """The cells of one run (the engine's or a browser's): ``"COLUMN: label"`` → a value.

    ``observation`` has ``stored`` (name → ``"session"`` / ``"persistent"``, the first-party jar of
    site-a.test after the three phases), ``document.cookie`` (the string on ``https://site-a.test/``) and
    ``sent`` (request kind → the ``Cookie`` header site-a.test received)."""
    out: dict[str, object] = {}
    doc = parse_cookie_header(observation[DOCUMENT])
    stored = observation[STORED]
    for case in COOKIES:
        out[f"{STORED}: {case.label}"] = stored.get(case.name)
        out[f"{DOCUMENT}: {case.label}"] = doc.get(case.name)
        for kind, header in sorted(observation["sent"].items()):
            out[f"{kind}: {case.label}"] = parse_cookie_header(header).get(case.name)
    return out
