"""Header text, written and checked: :func:`build_set_cookie` (a ``Set-Cookie`` value as a server
writes it, RFC 6265bis §4.1.1, the ``cookie`` package's order and encoding), :func:`http_date` (an
``Expires`` date on the virtual clock), :func:`attribute_problem` (what an attribute value must not hold)
and :func:`header_problem` (what one ``Set-Cookie`` header line cannot be, RFC 9110 §5.5). How a browser
*reads* a header is :mod:`tutor.engine.setcookie`; the jar is :mod:`tutor.engine.cookies`.
"""

from __future__ import annotations

import email.utils
from functools import lru_cache
from urllib.parse import quote

from tutor.engine.setcookie import EPOCH


def attribute_problem(value: str) -> str | None:
    """Why ``value`` cannot be an attribute value of a ``Set-Cookie`` header (``None`` when it can): a
    ``;`` would start a new attribute (``/; Domain=evil.example``), a newline a new header, and other
    control characters have no place in a header either."""
    for ch in value:
        if ch == ";":
            return "a ';' (it would start another cookie attribute)"
        if ch in "\r\n":
            return "a line break (it would start another header)"
        code = ord(ch)
        if code < 0x20 or 0x7F <= code < 0xA0:
            return f"the control character U+{code:04X}"
    return None


def header_problem(header: str) -> str | None:
    """Why ``header`` cannot be the value of one ``Set-Cookie`` header line at all (``None`` when it
    can). Whether a browser then *keeps* the cookie is another question, answered by the parser
    (:mod:`tutor.engine.setcookie`): control characters, a missing name, a bad attribute are its to judge.
    A field value is one line without CR, LF or NUL (RFC 9110 §5.5), and the value starts after the
    ``Set-Cookie:`` field name."""
    if not header.strip(" \t"):
        return "an empty header: write at least NAME=VALUE"
    for ch, what in (("\r", "a carriage return"), ("\n", "a line break"), ("\x00", "a NUL character")):
        if ch in header:
            return (
                f"{what}: a header value is one line without CR, LF or NUL (RFC 9110 §5.5); give each header on its own"
            )
    if header.lstrip(" \t")[:11].lower() == "set-cookie:":
        return "it starts with 'Set-Cookie:': give only the header's value (NAME=VALUE; attributes)"
    return None


def build_set_cookie(
    name: str,
    value: str,
    *,
    path: str = "/",
    max_age: int | None = None,
    secure: bool = False,
    http_only: bool = False,
    same_site: str | None = None,
    domain: str | None = None,
    expires: int | None = None,
) -> str:
    """A ``Set-Cookie`` header value as a server writes it (RFC 6265bis §4.1.1): ``name=value``, then the
    attributes in alphabetical order (``Domain``, ``Expires``, ``HttpOnly``, ``Max-Age``, ``Path``,
    ``SameSite``, ``Secure``). ``expires`` is a second of the virtual clock, written as an HTTP date
    (:func:`http_date`). The name must be a token; a value character that is not a cookie-octet is
    percent-encoded, as the ``cookie`` package next-auth uses does (``encodeURIComponent``). Raises
    :class:`ValueError` for a bad name or an attribute value that would inject attributes (see
    :func:`attribute_problem`)."""
    _check_name(name)
    coded = "".join(ch if _cookie_octet(ch) else quote(ch, safe="") for ch in value)
    return f"{name}={coded}" + _attribute_text(path, max_age, secure, http_only, same_site, domain or None, expires)


def http_date(second: int) -> str:
    """A virtual second as an ``Expires`` date (``Fri, 02 Jan 2026 00:00:00 GMT``, as next-auth's
    ``cookie`` serializer writes ``Date.toUTCString()``), on the clock :data:`EPOCH` maps."""
    return email.utils.formatdate(EPOCH + second, usegmt=True)


def _cookie_octet(ch: str) -> bool:
    """RFC 6265bis §4.1.1 cookie-octet: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E."""
    code = ord(ch)
    return 0x21 <= code <= 0x7E and ch not in '",;\\'


#: RFC 9110 §5.6.2 tchar, what a cookie-name is (RFC 6265bis §4.1.1: cookie-name = token).
_TCHAR = frozenset("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


@lru_cache(maxsize=256)
def _check_name(name: str) -> None:
    """Raises :class:`ValueError` for a name that is not an RFC 9110 token."""
    if not name or not set(name) <= _TCHAR:
        raise ValueError(f"cookie name {name!r} is not a token (RFC 6265bis §4.1.1)")


@lru_cache(maxsize=256)
def _attribute_text(
    path: str,
    max_age: int | None,
    secure: bool,
    http_only: bool,
    same_site: str | None,
    domain: str | None,
    expires: int | None = None,
) -> str:
    for what, text in (("path", path), ("domain", domain or "")):
        problem = attribute_problem(text)
        if problem is not None:
            raise ValueError(f"cookie {what} {text!r} contains {problem}")
    parts = []
    if domain:
        parts.append(f"Domain={domain}")
    if expires is not None:
        parts.append(f"Expires={http_date(expires)}")
    if http_only:
        parts.append("HttpOnly")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    parts.append(f"Path={path}")
    if same_site is not None:
        parts.append(f"SameSite={same_site.capitalize()}")
    if secure:
        parts.append("Secure")
    return "".join(f"; {p}" for p in parts)


__all__ = ["attribute_problem", "build_set_cookie", "header_problem", "http_date"]
