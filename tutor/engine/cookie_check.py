"""What one hand-written ``Set-Cookie`` header does in each kind of browser: ``tutor cookie``'s answer.

Nothing here is a rule of its own. The header is read by :func:`tutor.engine.setcookie.parse_url` (RFC
6265bis: stored or refused, and every attribute ignored, in the words of the rule), stored by a
:class:`~tutor.engine.cookies.CookieJar` of that kind and third-party policy, and each request below asks
that jar (:meth:`~tutor.engine.cookies.CookieJar.send_rule`) whether it carries the cookie and which rule
decided. The requests go to the URL the header came from, in the same second it was set (so chromium's
2-minute Lax+POST exception applies to a cookie without SameSite: the rule says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from tutor.engine.cookies import KINDS, Cookie, CookieJar, StoreOutcome
from tutor.engine.setcookie import parse_url


@dataclass(frozen=True, slots=True)
class RequestKind:
    """A kind of request to the cookie's own URL."""

    label: str
    method: str
    cross_site: bool
    top_level: bool


#: The requests ``tutor cookie`` asks about, in the order it shows them.
REQUESTS: tuple[RequestKind, ...] = (
    RequestKind("same-site GET", "GET", cross_site=False, top_level=True),
    RequestKind("cross-site GET (a link)", "GET", cross_site=True, top_level=True),
    RequestKind("cross-site POST (a form)", "POST", cross_site=True, top_level=True),
    RequestKind("cross-site image/fetch", "GET", cross_site=True, top_level=False),
)
#: Where a header comes from when no URL is given.
DEFAULT_URL = "https://app.example/"


@dataclass(frozen=True, slots=True)
class Carry:
    request: RequestKind
    sent: bool
    rule: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """One browser kind's answer for one header."""

    kind: str
    third_party: str
    stored: StoreOutcome
    """``stored``, ``deleted`` (an expiry in the past) or ``rejected`` with the reason and the notes."""
    cookie: Cookie | None
    """The cookie as the jar holds it (``None`` when it is not stored)."""
    carries: tuple[Carry, ...]
    """Each of :data:`REQUESTS` (empty when the cookie is not stored)."""


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be the address a response came from (``None`` when it can)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        return f"{url} is not a URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return f"{url} is not an http or https URL"
    if not host:
        return f"{url} has no host"
    if any(ch in url for ch in "\r\n\t\x00 "):
        return f"{url} contains white space or a control character"
    return None


def check_header(
    header: str, url: str = DEFAULT_URL, *, kinds: tuple[str, ...] = KINDS, third_party: str | None = None
) -> tuple[Verdict, ...]:
    """Each kind's verdict on ``Set-Cookie: header`` in a response from ``url`` (a valid
    :func:`url_problem`-free URL; ``header`` free of :func:`tutor.engine.headers.header_problem`)."""
    parts = urlsplit(url)
    host, path, scheme = parts.hostname or "", parts.path or "/", parts.scheme
    now = 0
    verdicts = []
    for kind in kinds:
        jar = CookieJar(kind, third_party)
        outcome = jar.receive(parse_url(header, url, now=now, kind=kind), scheme=scheme, now=now)
        stored = [c for c in jar.all(now)]
        cookie = stored[0] if stored else None
        carries: tuple[Carry, ...] = ()
        if cookie is not None:
            carries = tuple(
                Carry(
                    r,
                    *jar.send_rule(
                        cookie,
                        host=host,
                        path=path,
                        scheme=scheme,
                        now=now,
                        method=r.method,
                        cross_site=r.cross_site,
                        top_level=r.top_level,
                    ),
                )
                for r in REQUESTS
            )
        verdicts.append(Verdict(kind, jar.third_party, outcome, cookie, carries))
    return tuple(verdicts)


__all__ = ["DEFAULT_URL", "REQUESTS", "Carry", "RequestKind", "Verdict", "check_header", "url_problem"]
