"""Which cookies a request carries: the one home of the send rules of :class:`tutor.engine.cookies.CookieJar`.

RFC 6265bis §5.8.3 (retrieval): a cookie goes with a request when its domain matches the host (exactly,
for a host-only cookie; by §5.1.3 domain-matching otherwise), its path path-matches (§5.1.4), it is not
``Secure`` on an http request, and, on a cross-site request, the third-party policy and then SameSite let
it (§5.8.3.x). The cookies go longest path first, then oldest first (§5.8.3 step 2).

- ``SameSite``: on a cross-site request ``Strict`` is never sent; ``Lax`` only on a top-level navigation
  with a safe method (GET, HEAD, OPTIONS, TRACE: :data:`SAFE_METHODS`); ``None`` always. A *missing* attribute depends on the browser's kind: chromium treats it as
  ``Lax``, but still sends a cookie at most :data:`LAX_POST_WINDOW` seconds old on a top-level cross-site
  POST (the "Lax+POST" exception, Chromium's ``kLaxAllowUnsafeMaxAge``); firefox and safari treat it as
  ``None``. :func:`same_site_rule` says which rule decided, in words.
- Third-party contexts come *before* SameSite: a cross-site request that is not a top-level navigation
  (an image, a fetch, an iframe on another site's page) follows the browser's third-party policy
  (``THIRD_PARTY_DEFAULTS`` in :mod:`tutor.engine.cookies`; :func:`third_party_rule`). ``allow`` leaves
  it to SameSite; ``block`` and ``partition`` send none of the site's own (first-party) cookies.
  Sources: Firefox's Total Cookie Protection, on by default for every user since 2022, measured on
  Firefox ESR 153; Safari blocks all third-party cookies since Safari 13.1 (WebKit ITP, 2020); Chrome
  allows them in normal windows, blocks them in incognito windows (Chrome 83+) and when the user turns
  them off; measured headless Chromium 156 (Debian) blocked them.
- A nameless cookie (``Set-Cookie: token``) is sent as its value alone (§5.8.3 step 6).

:class:`Cookie` (the record the jar stores) and :func:`build_cookie_header` live here, with the rules
that read them. The decision is made once, in two forms: :func:`carried` (the list, fast: the jar caches it) and
:func:`send_rule` (one cookie, with the rule that decided in words: ``tutor cookie``, a browser's
cross-site request, the capture replay); ``tests/test_cookie_command.py`` holds the two to the same
answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tutor.engine.clock import format_clock, format_duration
from tutor.engine.setcookie import domain_match, path_match

#: The "safe" methods (RFC 9110 §9.2.1): a Lax cookie goes with a top-level cross-site navigation only with
#: one of them (RFC 6265bis §5.8.3: the request's method is "safe").
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
#: Chromium still sends a SameSite-less cookie this young (seconds) on a top-level cross-site POST.
LAX_POST_WINDOW = 120


@dataclass(frozen=True, slots=True)
class Cookie:
    name: str
    value: str
    domain: str
    path: str = "/"
    host_only: bool = True
    expires: int | None = None
    """Virtual second of expiry; ``None`` for a session cookie."""
    secure: bool = False
    http_only: bool = False
    same_site: str | None = None
    """``"strict"``, ``"lax"``, ``"none"``, or ``None`` when the attribute was absent (the browser's kind
    decides what that means)."""
    created: int = 0

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.name, self.domain, self.path)

    def expired(self, now: int) -> bool:
        """Strictly past its expiry (at the exact second it is still alive)."""
        return self.expires is not None and self.expires < now

    def pair(self) -> str:
        """As the Cookie header carries it (RFC 6265bis §5.8.3 step 6): a nameless cookie is its value."""
        return f"{self.name}={self.value}" if self.name else self.value

    def describe(self) -> str:
        """One line for the jar view: ``sessionId=…; Path=/; Secure; HttpOnly; SameSite=Lax; Session``."""
        parts = [self.pair()]
        if not self.host_only:
            parts.append(f"Domain={self.domain}")
        parts.append(f"Path={self.path}")
        if self.secure:
            parts.append("Secure")
        if self.http_only:
            parts.append("HttpOnly")
        if self.same_site is not None:
            parts.append(f"SameSite={self.same_site.capitalize()}")
        parts.append("Session" if self.expires is None else f"Expires {format_clock(self.expires)}")
        return "; ".join(parts)


def build_cookie_header(cookies: list[Cookie]) -> str:
    """The ``Cookie`` request header for these cookies (``a=1; b=2``)."""
    return "; ".join(c.pair() for c in cookies)


def send_order(c: Cookie) -> tuple[int, int]:
    """The sort key of the Cookie header: longest path first, then oldest first (RFC 6265 §5.4 step 2)."""
    return (-len(c.path), c.created)


def domain_ok(cookie: Cookie, host: str) -> bool:
    """The cookie's domain matches ``host``: exactly when host-only, else by domain-matching (§5.1.3)."""
    return cookie.domain == host.lower() if cookie.host_only else domain_match(host, cookie.domain)


def third_party_rule(kind: str, policy: str, chosen: bool, *, cross_site: bool, top_level: bool) -> str | None:
    """The third-party ``policy``'s verdict on a request, in words, when it keeps every first-party
    cookie off it (a cross-site request that is not a top-level navigation, with ``block`` or
    ``partition``); ``None`` when SameSite decides (``allow``, or a same-site or top-level request).
    ``chosen``: the policy was set, not the ``kind``'s default."""
    if not cross_site or top_level or policy == "allow":
        return None
    source = "setting" if chosen else "default"
    if policy == "partition":
        what = "third-party cookies partitioned"
        if kind == "firefox" and not chosen:
            what += " (firefox Total Cookie Protection)"
        else:
            what += f" ({kind} {source})"
        return f"{what}: no first-party cookie on a cross-site subresource request"
    return f"third-party cookies blocked ({kind} {source}): no cookie on a cross-site subresource request"


def same_site_rule(kind: str, cookie: Cookie, *, method: str, top_level: bool, now: int) -> tuple[bool, str]:
    """Whether ``cookie`` goes with a *cross-site* request, and the rule that decided, in words:
    ``SameSite unset → Lax (chromium default), cookie 40s old: Lax+POST exception, sent``."""
    mode = cookie.same_site
    if mode is None:
        if kind != "chromium":
            return True, f"SameSite unset → None ({kind} default): sent cross-site"
        prefix = "SameSite unset → Lax (chromium default)"
        if top_level and method == "POST":
            age = now - cookie.created
            if age <= LAX_POST_WINDOW:
                return True, f"{prefix}, cookie {format_duration(age)} old: Lax+POST exception, sent"
            return (
                False,
                f"{prefix}, cookie {format_duration(age)} old: too old for the 2-minute Lax+POST exception, not sent",
            )
        mode_text = prefix
        mode = "lax"
    else:
        mode_text = f"SameSite={mode.capitalize()}"
    if mode == "strict":
        return False, f"{mode_text}: never sent cross-site"
    if mode == "none":
        return True, f"{mode_text}: sent cross-site"
    if top_level and method in SAFE_METHODS:
        return True, f"{mode_text}: sent on a top-level {method} navigation"
    what = "a cross-site subresource request" if not top_level else f"a cross-site {method}"
    return False, f"{mode_text}: not sent on {what}"


def carried(
    cookies: Iterable[Cookie],
    kind: str,
    *,
    host: str,
    path: str,
    scheme: str,
    now: int,
    method: str,
    cross_site: bool,
    top_level: bool,
) -> list[Cookie]:
    """The ``cookies`` (none expired: the jar purges first) a request carries, in the Cookie header's
    order, once the third-party policy has let the request carry any (see :func:`send_rule`)."""
    sent = []
    lower_host = host.lower()
    for c in cookies:
        if c.host_only:
            if c.domain != lower_host:
                continue
        elif not domain_match(host, c.domain):
            continue
        if not path_match(path, c.path):
            continue
        if c.secure and scheme != "https":
            continue
        if cross_site and not same_site_rule(kind, c, method=method, top_level=top_level, now=now)[0]:
            continue
        sent.append(c)
    if len(sent) > 1:
        sent.sort(key=send_order)
    return sent


def send_rule(
    cookie: Cookie,
    kind: str,
    third_party: str | None,
    *,
    host: str,
    path: str,
    scheme: str,
    now: int,
    method: str,
    cross_site: bool,
    top_level: bool,
) -> tuple[bool, str]:
    """Whether a request carries ``cookie``, and the rule that decided, in words: the checks of
    :func:`carried`, in its order, and the third-party policy before SameSite. ``third_party``: the
    rule :func:`third_party_rule` gave for this request (``None``: SameSite decides)."""
    if cookie.expired(now):
        return False, "expired: not sent"
    if not domain_ok(cookie, host):
        if cookie.host_only:
            return False, f"host-only cookie of {cookie.domain}: not sent to {host}"
        return False, f"Domain={cookie.domain} does not match {host}: not sent"
    if not path_match(path, cookie.path):
        return False, f"Path={cookie.path} does not match the request path {path}: not sent"
    if cookie.secure and scheme != "https":
        return False, "Secure: sent only over https"
    if not cross_site:
        return True, "same-site: sent (SameSite does not apply)"
    if third_party is not None:
        return False, third_party
    return same_site_rule(kind, cookie, method=method, top_level=top_level, now=now)


__all__ = [
    "LAX_POST_WINDOW",
    "SAFE_METHODS",
    "Cookie",
    "build_cookie_header",
    "carried",
    "domain_ok",
    "same_site_rule",
    "send_order",
    "send_rule",
    "third_party_rule",
]
