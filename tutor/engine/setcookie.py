"""How a browser reads one ``Set-Cookie`` header: RFC 6265bis §5.6 (parsing) and §5.7 (storage model),
written from draft-ietf-httpbis-rfc6265bis (httpwg/http-extensions, draft-ietf-httpbis-rfc6265bis.md).

The API (small on purpose; the jar, ``tutor cookie`` and the conformance suites all go through it)::

    parse(header, *, host, path="/", secure, now, kind="chromium") -> Outcome
    parse_url(header, url, *, now, kind="chromium") -> Outcome      # host, path, secure read from the URL

    Outcome.name     -> str               # the cookie-name as §5.6 reads it ("" when nameless)
    Outcome.cookie   -> Received | None   # None: the browser refuses (ignores) the whole header
    Outcome.reasons  -> tuple[str, ...]   # why, in the words of the rule: every attribute ignored or
                                          # reinterpreted, then (when refused) the refusal last, e.g.
                                          # "Domain=.org is a public suffix: refused"
                                          # (a refusal ends in ": refused" or "rejects it")
    Outcome.refusal  -> str               # that last reason when refused, "" when not
    Received         # name, value, domain, host_only, path, expires, secure, http_only, same_site

``host`` is the request host, ``path`` the request path (for the default-path), ``secure`` whether the
response came over a secure connection (https), ``now`` the virtual second (see
:mod:`tutor.engine.clock`); ``Expires`` dates are put on the virtual clock with :data:`EPOCH`. ``kind`` is
the browser kind (``chromium``, ``firefox``, ``safari``) for the one rule here that differs between them.

What is *not* decided here, because it needs the jar's contents: replacing a cookie with the same key,
deleting one (a :class:`Received` whose ``expires`` is before ``now`` deletes; see
:meth:`Received.deletes`), and §5.7 step 16 (an insecure response may not overlay a Secure cookie); those
are :meth:`tutor.engine.cookies.CookieJar.set_from_header`'s. The reasons quote the header's own text:
pass them through ``tutor.lesson.visible.visible()`` before showing them.

Simplifications (documented in docs/CONFORMANCE.md where a suite case shows them): cookies are not
received from non-HTTP APIs here (§5.7 steps 15, 18.1: the jar's ``CookieJar.set_from_script`` applies them
to a ``document.cookie`` write), the SameSite check on cross-site *responses*
(§5.7 step 18) needs the request's site and so is the jar's (``CookieJar.third_party_refusal``, run by
``set_from_header(..., cross_site=, top_level=)``), and host names are canonicalized with Python's IDNA 2003 codec.
"""

from __future__ import annotations

import calendar
import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

#: Unix time of virtual second 0 (2026-01-01T00:00:00Z), used to put ``Expires`` dates on the virtual clock.
EPOCH = 1767225600
#: §5.5: lifetimes are capped at 400 days (34560000 seconds).
MAX_LIFETIME = 400 * 86400
#: §5.6 step 5 / §5.7 step 4: the most octets of name + value.
MAX_COOKIE_BYTES = 4096
#: §5.6 (attributes) step 6: an attribute value longer than this is ignored.
MAX_ATTRIBUTE_BYTES = 1024
#: §5.6.2 step 7: the expiry of ``Max-Age`` ≤ 0, "the earliest representable date and time".
EARLIEST = -(2**62)

_WSP = " \t"  # RFC 5234 WSP: SP / HTAB
# §5.6 step 1 / §5.7 step 3: CTL characters excluding HTAB
_CTL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Received:
    """The cookie the browser creates (§5.7 steps 5-22), before it meets the jar."""

    name: str
    value: str
    domain: str
    host_only: bool
    path: str
    expires: int | None
    """Virtual second of expiry (``None``: not persistent, a session cookie; :data:`EARLIEST` for
    ``Max-Age`` ≤ 0)."""
    secure: bool
    http_only: bool
    same_site: str | None
    """``"strict"``, ``"lax"``, ``"none"``, or ``None`` for "Default" (absent or unrecognised: the
    browser's kind decides what that means)."""

    def deletes(self, now: int) -> bool:
        """Already expired when it arrives, so it only removes a stored cookie (§5.7: expired cookies are
        evicted; at the exact second of its expiry a cookie is still alive)."""
        return self.expires is not None and self.expires < now


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the browser makes of one ``Set-Cookie`` header."""

    name: str
    """The cookie-name as §5.6 reads it (``""`` for a nameless cookie, or when refused before the name)."""
    cookie: Received | None
    """``None``: the header is ignored entirely."""
    reasons: tuple[str, ...] = ()
    """Every attribute ignored or reinterpreted, in the words of the rule; when refused, the refusal last."""

    @property
    def refused(self) -> bool:
        return self.cookie is None

    @property
    def refusal(self) -> str:
        return self.reasons[-1] if self.cookie is None and self.reasons else ""


def _shown(name: str, value: str | None) -> str:
    return name if value is None else f"{name}={value}"


# -- §5.1.1 dates -----------------------------------------------------------------------------------------
# delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E
_DELIMITER = re.compile(r"[\x09\x20-\x2f\x3b-\x40\x5b-\x60\x7b-\x7e]+")
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[^0-9].*)?", re.DOTALL)  # hms-time [ non-digit *OCTET ]
_DAY = re.compile(r"([0-9]{1,2})(?:[^0-9].*)?", re.DOTALL)  # 1*2DIGIT [ non-digit *OCTET ]
_YEAR = re.compile(r"([0-9]{2,4})(?:[^0-9].*)?", re.DOTALL)  # 2*4DIGIT [ non-digit *OCTET ]
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@lru_cache(maxsize=512)
def parse_cookie_date(text: str) -> int | None:
    """RFC 6265bis §5.1.1: the Unix time a cookie-date denotes, ``None`` when it fails to parse."""
    time = day = month = year = None
    for token in _DELIMITER.split(text):  # step 1: date-tokens
        if not token:
            continue
        # step 2: each production is tried only while its flag is not set, in this order
        if time is None and (m := _TIME.fullmatch(token)):
            time = (int(m[1]), int(m[2]), int(m[3]))
        elif day is None and (m := _DAY.fullmatch(token)):
            day = int(m[1])
        elif month is None and token[:3].lower() in _MONTHS:
            month = _MONTHS.index(token[:3].lower()) + 1
        elif year is None and (m := _YEAR.fullmatch(token)):
            year = int(m[1])
    if time is None or day is None or month is None or year is None:
        return None  # step 5: a flag not set
    if 70 <= year <= 99:  # step 3
        year += 1900
    elif 0 <= year <= 69:  # step 4
        year += 2000
    hour, minute, second = time
    if not 1 <= day <= 31 or year < 1601 or hour > 23 or minute > 59 or second > 59:
        return None  # step 5
    if day > calendar.monthrange(year, month)[1]:
        return None  # step 6: no such date
    return calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))


# -- §5.1.2 / §5.1.3 hosts and domains --------------------------------------------------------------------
def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


_LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost", "ip6-loopback"})


def is_loopback(host: str) -> bool:
    """Is ``host`` (a name or address, IPv6 with or without brackets) this machine only? 127.0.0.0/8, ::1,
    ``localhost`` and ``*.localhost`` (RFC 6761 §6.3; 6265bis lets a user agent treat such an origin as
    trustworthy): traffic to it never leaves the machine."""
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@lru_cache(maxsize=256)
def canonical_host(host: str) -> str | None:
    """§5.1.2: lower case, U-labels as A-labels (IDNA); ``None`` when it cannot be canonicalized."""
    if host.isascii():
        return host.lower()
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None


def domain_match(string: str, domain: str) -> bool:
    """§5.1.3: identical, or ``domain`` a suffix of ``string`` after a ``.``, and ``string`` a host name
    (not an IP address)."""
    string, domain = string.lower(), domain.lower()
    if string == domain:
        return True
    return string.endswith("." + domain) and not _is_ip(string)


@lru_cache(maxsize=1)
def _suffix_list():  # type: ignore[no-untyped-def]
    # The Public Suffix List as the `publicsuffixlist` package ships it (offline; ICANN and private
    # sections, as browsers use it). Imported here: a lesson that never meets a Domain attribute never
    # loads it.
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


@lru_cache(maxsize=256)
def is_public_suffix(domain: str) -> bool:
    """Whether ``domain`` is a public suffix (``org``, ``co.uk``, ``github.io``); IP addresses never are."""
    if not domain or _is_ip(domain):
        return False
    return bool(_suffix_list().is_public(domain))


# -- §5.1.4 paths -----------------------------------------------------------------------------------------
def default_path(request_path: str) -> str:
    """§5.1.4: the directory of the request path."""
    path = request_path.split("?", 1)[0]
    if not path.startswith("/") or path.count("/") == 1:
        return "/"
    return path[: path.rindex("/")]


def path_match(request_path: str, cookie_path: str) -> bool:
    """§5.1.4."""
    path = request_path.split("?", 1)[0] or "/"
    if path == cookie_path:
        return True
    if path.startswith(cookie_path):
        return cookie_path.endswith("/") or path[len(cookie_path)] == "/"
    return False


# -- §5.6 parsing -----------------------------------------------------------------------------------------
@lru_cache(maxsize=512)
def split_attributes(text: str) -> tuple[tuple[str, str | None], ...]:
    """§5.6, parsing the unparsed-attributes (``text`` starts after the name-value pair, at its ``;``):
    each cookie-av as ``(attribute-name, attribute-value)``, both trimmed of WSP; the value is ``None``
    when the cookie-av has no ``=`` (it then counts as empty)."""
    out: list[tuple[str, str | None]] = []
    for av in text.split(";")[1:]:  # steps 2-3: after the first ';', up to each next ';'
        name, eq, value = av.partition("=")  # step 4: at the first '='
        out.append((name.strip(_WSP), value.strip(_WSP) if eq else None))  # step 5
    return tuple(out)


def parse_url(header: str, url: str, *, now: int, kind: str = "chromium") -> Outcome:
    """:func:`parse` for a response from ``url`` (``https://site.example/a/b``): host, path and secure
    (the https scheme) are read from it."""
    parts = urlsplit(url)
    return parse(
        header, host=parts.hostname or "", path=parts.path or "/", secure=parts.scheme == "https", now=now, kind=kind
    )


def parse(header: str, *, host: str, path: str = "/", secure: bool, now: int, kind: str = "chromium") -> Outcome:
    """What the browser makes of ``Set-Cookie: header`` in a response to a request for ``host`` + ``path``
    (over a secure connection when ``secure``) at virtual second ``now``. See the module docstring."""
    plan = _plan(header, host, path, secure, kind)
    if isinstance(plan, Outcome):
        return plan
    name, fields, static_reasons, max_age, max_age_shown, expires_unix, expires_shown = plan
    reasons = list(static_reasons)
    expires: int | None = None
    shown = ""
    if max_age is not None:  # §5.6.2 step 7, §5.7 step 6: Max-Age wins over Expires
        expires, shown = (EARLIEST if max_age <= 0 else now + max_age), max_age_shown
    elif expires_unix is not None:
        expires, shown = expires_unix - EPOCH, expires_shown
        if expires > now + MAX_LIFETIME:  # §5.6.1 step 4, §5.5
            reasons.append(f"{shown} is more than 400 days away: capped at 400 days")
            expires = now + MAX_LIFETIME
    if expires is not None and expires < now:
        reasons.append(f"{shown} is in the past: the cookie expires at once (it deletes a stored one)")
    value, domain, host_only, cookie_path, is_secure, http_only, same_site = fields
    cookie = Received(name, value, domain, host_only, cookie_path, expires, is_secure, http_only, same_site)
    return Outcome(name, cookie, tuple(reasons))


_Fields = tuple[str, str, bool, str, bool, bool, "str | None"]  # value, domain, host_only, path, secure, ...
_Plan = tuple[str, _Fields, tuple[str, ...], "int | None", str, "int | None", str]


@lru_cache(maxsize=512)
def _plan(header: str, host: str, path: str, secure: bool, kind: str) -> Outcome | _Plan:
    """Everything :func:`parse` decides that does not depend on the clock (cached: the same header text
    recurs on every response): a refusal, or the cookie's fields with its lifetime still relative."""
    reasons: list[str] = []
    name = ""

    def refuse(why: str) -> Outcome:
        reasons.append(why)
        return Outcome(name, None, tuple(reasons))

    # §5.6 step 1: a CTL character (not HTAB) anywhere: ignore the header entirely
    if (ctl := _CTL.search(header)) is not None:
        return refuse(f"the header contains the control character U+{ord(ctl[0]):04X}: refused")
    # §5.6 step 2: the name-value pair ends at the first ';'
    pair, semi, rest = header.partition(";")
    # §5.6 step 3: no '=' means a nameless cookie (the name is empty, the pair is the value)
    name, eq, value = pair.partition("=")
    if not eq:
        name, value = "", pair
    # §5.6 step 4
    name, value = name.strip(_WSP), value.strip(_WSP)
    # §5.6 step 5 (and §5.7 step 4)
    size = len(name.encode()) + len(value.encode())
    if size > MAX_COOKIE_BYTES:
        return refuse(f"name + value is {size} bytes, more than {MAX_COOKIE_BYTES}: refused")
    # §5.7 step 2
    if not name and not value:
        return refuse("both the name and the value are empty: refused")

    # §5.6 the attributes, each on its own: an invalid one is ignored, never the whole cookie
    max_age: int | None = None  # seconds, capped (§5.6.2 steps 4-6)
    expires_unix: int | None = None  # the last valid Expires, as Unix time (§5.6.1)
    expires_shown = max_age_shown = ""  # the attributes that set them, for the reasons
    domain_attr: str | None = None
    domain_shown = ""
    path_attr: str | None = None
    explicit_root = False  # the Path attribute that counts is literally "/" (for __Host-)
    is_secure = http_only = False
    same_site: str | None = None
    for attr, raw in split_attributes(semi + rest):
        key = attr.lower()
        val = raw or ""
        shown = _shown(attr, raw)
        if len(val.encode()) > MAX_ATTRIBUTE_BYTES:  # §5.6 attributes step 6
            reasons.append(f"{attr}'s value is longer than {MAX_ATTRIBUTE_BYTES} bytes: attribute ignored")
            continue
        if key == "expires":  # §5.6.1
            at = parse_cookie_date(val)
            if at is None:
                reasons.append(f"{shown} is not a cookie-date: attribute ignored")
                continue
            expires_unix, expires_shown = at, shown  # capped at 400 days from now by parse (step 4)
        elif key == "max-age":  # §5.6.2
            digits = val[1:] if val[:1] == "-" else val
            if not digits or not (digits.isascii() and digits.isdigit()):  # steps 1-3
                reasons.append(f"{shown} is not a number of seconds: attribute ignored")
                continue
            delta = int(val)
            if delta > MAX_LIFETIME:  # steps 5-6
                reasons.append(f"{shown} is more than 400 days: capped at 400 days")
                delta = MAX_LIFETIME
            max_age, max_age_shown = delta, shown  # step 7 (the expiry-time) is parse's
        elif key == "domain":  # §5.6.3 (the last one wins, §5.7 step 7)
            # An empty value counts too: the last Domain wins even when empty, and makes the cookie
            # host-only (§5.7 steps 7 and 10). Measured: Chromium 156.0.8078.129 (Debian) stores
            # `test=42; domain=www1.web-platform.test; domain=` host-only, where WPT and http-state, following
            # RFC 6265 §5.2.3 ("SHOULD ignore" an empty Domain), expect it refused (docs/CONFORMANCE.md).
            cookie_domain = val[1:] if val.startswith(".") else val  # step 2: exactly one leading dot
            domain_attr, domain_shown = cookie_domain.lower(), shown  # step 3
        elif key == "path":  # §5.6.4 (the last one wins, §5.7 step 11)
            if not val.startswith("/"):
                reasons.append(f"{shown} does not start with '/': the default path {default_path(path)} is used")
                path_attr, explicit_root = default_path(path), False
            else:
                path_attr, explicit_root = val, val == "/"
        elif key == "secure":  # §5.6.5 (any value)
            is_secure = True
        elif key == "httponly":  # §5.6.6 (any value)
            http_only = True
        elif key == "samesite":  # §5.6.7
            lowered = val.lower()
            if lowered in ("strict", "lax", "none"):
                same_site = lowered
            else:
                reasons.append(f"{shown} is not Strict, Lax or None: the browser's default applies")
                same_site = None
        elif attr:
            reasons.append(f"{shown} is not a cookie attribute: ignored")

    # §5.7 step 6: Max-Age wins over Expires
    if max_age is not None and expires_unix is not None:
        reasons.append("Max-Age and Expires both given: Max-Age wins")

    # §5.7 steps 7-10: the domain
    request_host = canonical_host(host)
    if request_host is None:
        return refuse(f"the request host {host} cannot be canonicalized: refused")
    domain = domain_attr or ""
    if domain_attr == "" and domain_shown:
        reasons.append(f"{domain_shown} is empty: a host-only cookie")
    if not domain.isascii():  # step 8: not in CHAR
        return refuse(f"{domain_shown} is not ASCII: refused")
    if domain and is_public_suffix(domain):  # step 9
        if domain != request_host:
            return refuse(f"{domain_shown} is a public suffix: refused")
        reasons.append(f"{domain_shown} is a public suffix, but the request host itself: a host-only cookie")
        domain = ""
    if domain:  # step 10
        if not domain_match(request_host, domain):
            return refuse(f"{domain_shown} does not domain-match the request host {request_host}: refused")
        host_only, cookie_domain = False, domain
    else:
        host_only, cookie_domain = True, request_host

    cookie_path = path_attr if path_attr is not None else default_path(path)  # step 11
    if is_secure and not secure:  # step 13
        return refuse("Secure, but the response came over http (not a secure connection): refused")
    # step 19 (Safari 18 still keeps a SameSite=None cookie without Secure; chromium and firefox do not)
    if same_site == "none" and not is_secure and kind != "safari":
        return refuse(f"SameSite=None without Secure: {kind} rejects it")
    lowered_name = name.lower()
    if lowered_name.startswith("__secure-") and not is_secure:  # step 20, case-insensitive (§5.4)
        return refuse(f"{name[:9]} prefix needs Secure: refused")
    # step 21; "Path=/" must be written: an empty or relative Path that falls back to a default path of
    # "/" does not do (layered-cookies draft, "Host-prefix compatible": has-path; WPT
    # cookies/prefix/__host.explicit-path.https.window.js)
    if lowered_name.startswith("__host-") and not (is_secure and host_only and explicit_root):
        return refuse(f"{name[:7]} prefix needs Secure, Path=/ and no Domain: refused")
    lowered_value = value.lower()
    if not name and lowered_value.startswith(("__secure-", "__host-")):  # step 22
        return refuse("a nameless cookie whose value starts with a cookie prefix: refused")

    fields = (value, cookie_domain, host_only, cookie_path, is_secure, http_only, same_site)
    return (name, fields, tuple(reasons), max_age, max_age_shown, expires_unix, expires_shown)


__all__ = [
    "EARLIEST",
    "EPOCH",
    "MAX_ATTRIBUTE_BYTES",
    "MAX_COOKIE_BYTES",
    "MAX_LIFETIME",
    "Outcome",
    "Received",
    "canonical_host",
    "default_path",
    "domain_match",
    "is_loopback",
    "is_public_suffix",
    "parse",
    "parse_cookie_date",
    "parse_url",
    "path_match",
    "split_attributes",
]
