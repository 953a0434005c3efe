"""The session cookie of a capture: which one it is, its life step by step, and the security findings.

Recognised by name (the libraries' defaults): next-auth's ``next-auth.session-token`` and its
``__Secure-`` variant (next-auth v4 ``core/lib/cookie.js``), Auth.js v5's ``authjs.session-token``, each
possibly chunked into ``.0``, ``.1`` … when the value passes 3,933 characters (``CHUNK_SIZE`` = 4096 − 163,
next-auth's ``SessionStore``), iron-session's examples' names, Express's ``connect.sid`` (express-session's
default), the common hand-written ``sessionId``, PHP's ``PHPSESSID``, Java servlets' ``JSESSIONID``; else the
cookie that a login request (below) sets or changes. ``--session-cookie NAME`` names it outright.

What the capture shows of a login and a logout (bodies are never read, so only methods, paths, statuses,
``Location`` and ``Set-Cookie``):

- a **login request** is a POST to a path with log-in / sign-in / authenticate / callback in it, or a GET to
  a callback path (an OAuth provider sends the browser back with a GET: next-auth's
  ``/api/auth/callback/<provider>``; its ``POST /api/auth/signin/<provider>`` only starts OAuth);
- it **succeeded** when it was answered below 400, not by a redirect to a log-in, sign-in or error page
  (next-auth answers a failed credentials sign-in with 302 to ``/api/auth/error``), and either the response
  sets the session cookie, or it redirects on the same host while the request carried the session cookie
  (a server that keeps its session store: the same ID, now signed in). A 200 that sets no session cookie
  is no login (the form shown again, as far as the capture tells); a redirect to another host hands the
  login to an identity provider (it finishes at the callback);
- a **logout** is a response that deletes the session cookie, or a POST or GET to a path with log-out /
  sign-out in it answered below 400 and not sent back to a sign-out page (a GET: only when answered with
  such a redirect). A GET answered 200 may be a confirmation page and is none: next-auth's
  ``GET /api/auth/signout`` renders one, its POST signs out, and a POST without its CSRF token is sent back
  to ``/api/auth/signout?csrf=true`` with the cookie kept (``core/index.js``).

Findings (OWASP Session Management Cheat Sheet, "Cookies" and "Renew the Session ID After Any Privilege
Level Change"): a session cookie without HttpOnly, Secure or an explicit SameSite; an ID not rotated at a
login that succeeded (session fixation; not for next-auth, whose database strategy keeps the session only
when its own user signs in again or links an account, ``core/lib/callback-handler.js``); a session cookie
sent over http; a session that outlives logout (the same ID still sent after a logout). Notes, graded
lower: the session cookie sent over http to a loopback host, or set there without Secure (local
development: the traffic stays on the machine, but production needs Secure; next-auth sets it only for an
https ``NEXTAUTH_URL``); a session cookie never set inside the capture (its attributes unknown). A JWT or JWE
value that changes outside a login is a renewal (next-auth re-encrypts the token with a new ``jti`` each
time, ``jwt/index.js`` ``encode``), not an ID rotation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tutor.capture.tokens import read_token, token_header
from tutor.engine import chunks
from tutor.engine.cookies import Cookie
from tutor.engine.setcookie import is_loopback

if TYPE_CHECKING:
    from tutor.capture.replay import Exchange, Received

_KNOWN = re.compile(
    r"^(?:(?:__Secure-|__Host-)?(?:next-auth|authjs)\.session-token|iron-session|[a-z0-9_-]*iron[a-z0-9_-]*session"
    r"|sessionId|connect\.sid|PHPSESSID|JSESSIONID)$",
    re.IGNORECASE,
)
_NEXTAUTH = re.compile(r"^(?:__Secure-|__Host-)?(?:next-auth|authjs)\.session-token$", re.IGNORECASE)
_CHUNK = re.compile(r"\.\d+$")
LOGIN = re.compile(r"(?:log-?in|sign-?in|callback|authenticate)", re.IGNORECASE)
LOGOUT = re.compile(r"(?:log-?out|sign-?out)", re.IGNORECASE)
_CALLBACK = re.compile(r"callback", re.IGNORECASE)
_LOGIN_PAGE = re.compile(r"(?:log-?in|sign-?in|error)", re.IGNORECASE)


def base_name(name: str) -> str:
    """A chunk's cookie name (``next-auth.session-token.1`` → ``next-auth.session-token``)."""
    return _CHUNK.sub("", name) if _KNOWN.match(_CHUNK.sub("", name)) else name


def is_session_name(name: str) -> bool:
    return _KNOWN.match(base_name(name)) is not None


def is_login_request(ex: Exchange) -> bool:
    """A POST to a log-in / sign-in / authenticate / callback path, or a GET to a callback path (see the
    module docstring)."""
    if LOGOUT.search(ex.path):
        return False
    if ex.method == "POST":
        return LOGIN.search(ex.path) is not None
    return ex.method == "GET" and _CALLBACK.search(ex.path) is not None


@dataclass(frozen=True, slots=True)
class Finding:
    step: int
    title: str
    detail: str
    level: str = "finding"
    """``finding`` (a risk) or ``note`` (graded lower: expected in local development, or not checkable)."""

    @property
    def heading(self) -> str:
        """``step N: title`` (``step N (note): title`` for a note)."""
        return f"step {self.step}{' (note)' if self.level == 'note' else ''}: {self.title}"

    def line(self) -> str:
        return f"{self.heading} — {self.detail}"


def _refused(ex: Exchange) -> str | None:
    """Why the answer to a login request shows no login whatever cookie it sets, in words (the part of the
    module docstring's rule that needs no session cookie: naming one by a login asks it too), or None."""
    where = urlsplit(ex.location) if ex.location else None
    redirect = 300 <= ex.status < 400
    if ex.status >= 400:
        return f"answered {ex.status}: the login failed"
    if redirect and where is not None and where.hostname and where.hostname.lower() != ex.host.lower():
        return f"handed to {where.hostname}: the login finishes at its callback"
    if redirect and where is not None and _LOGIN_PAGE.search(where.path):
        return f"redirected to {where.path}: the login failed or is not finished"
    return None


class SessionWatch:
    """Follows the session cookie through the replay (:func:`tutor.capture.replay.replay` calls
    :meth:`step` for every request; :meth:`findings_upto` gives the findings of the steps so far)."""

    def __init__(self, name: str | None, *, show_values: bool) -> None:
        self.name = name
        self.fixed = name is not None
        self.show_values = show_values
        self.findings: list[Finding] = []
        self._flagged: set[str] = set()
        self._logout_value: tuple[int, str] | None = None
        self._checked_at: int | None = None  # the step its attributes were first seen (set inside the capture)
        self._first_sent: int | None = None

    def _find(self, ex: Exchange, before: Mapping[str, Cookie], after: Mapping[str, Cookie]) -> None:
        if self.name is not None:
            return
        names = [r.name for r in ex.received] + [n for n, _ in ex.sent]
        for name in names:
            if is_session_name(name):
                self.name = base_name(name)
                return
        if is_login_request(ex) and _refused(ex) is None:
            for r in ex.received:
                old = before.get(r.name)
                if r.outcome in ("stored", "replaced") and (old is None or old.value != after[r.name].value):
                    self.name = r.name
                    return

    def _value(self, cookies: Mapping[str, Cookie]) -> str | None:
        name = self.name
        if name is None:
            return None
        # next-auth's chunks joined in the order of their number (tutor/engine/chunks.py), `.10` after `.9`
        parts = chunks.parts(cookies, name)
        return "".join(cookies[n].value for n in parts) if parts else None

    def _login(self, ex: Exchange, sent: str | None, mine: list[Received]) -> tuple[bool, str]:
        """Whether this login request succeeded (the module docstring's rule), and why not in words."""
        refused = _refused(ex)
        if refused is not None:
            return False, refused
        redirect = 300 <= ex.status < 400
        if any(r.outcome in ("stored", "replaced") for r in mine):
            return True, ""
        if redirect and sent is not None and not _NEXTAUTH.match(self.name or ""):
            return True, ""
        return False, f"answered {ex.status} without a session cookie: nothing here shows a login (the form again?)"

    def step(
        self, ex: Exchange, before: Mapping[str, Cookie], after: Mapping[str, Cookie], *, headers: list[str]
    ) -> None:
        self._find(ex, before, after)
        name = self.name
        if name is None:
            return
        old, new = self._value(before), self._value(after)
        sent = "".join(v for n, v in ex.sent if n == name or base_name(n) == name and n != name) or None
        mine = [
            r for r in ex.received if r.name == name or (r.name.startswith(name + ".") and base_name(r.name) == name)
        ]
        notes = ex.session
        if sent is not None:
            notes.append(f"{name} sent")
            self._first_sent = ex.number if self._first_sent is None else self._first_sent
            if ex.scheme == "http" and is_loopback(ex.host):
                self._flag(
                    ex,
                    "session cookie sent over local http",
                    f"{name} went over http to {ex.host}, a loopback host: the traffic stays on this machine; "
                    "served like this in production, anyone on the network could read it",
                    level="note",
                )
            elif ex.scheme == "http":
                self._flag(
                    ex,
                    "session cookie sent over http",
                    f"{name} went over an unencrypted connection to {ex.host}: anyone on the network can read it",
                )
            if self._logout_value is not None and sent == self._logout_value[1]:
                self._flag(
                    ex,
                    "session outlives logout",
                    f"the {name} sent at the logout at step {self._logout_value[0]} is still sent: unless the server deleted the session, it still works",
                )
        login = is_login_request(ex)
        logged_in, why = self._login(ex, sent, mine) if login else (False, "")
        if login and not logged_in:
            notes.append(f"a login request, but no login: {why}")
        for r in mine:
            if r.outcome == "rejected" or r.outcome == "partitioned":
                notes.append(f"{r.name} {r.outcome}: {r.reason}")
        deleted = old is not None and new is None and bool(mine)
        logout = self._logout(ex, deleted)
        if old is None and new is not None and not mine:  # sent with no Set-Cookie: the replay adopts it
            notes.append(
                f"{name} already held by the browser (set before the capture began, or by a script): "
                "its attributes are unknown"
            )
        elif old is None and new is not None:
            notes.append(f"{name} created" + (" at login" if logged_in else ""))
            self._check_flags(ex, after)
            notes.extend(self._token(new))
        elif old is not None and new is None:
            if mine:
                notes.append(f"{name} deleted by the response" + (" (sign-out)" if LOGOUT.search(ex.path) else ""))
            else:
                notes.append(f"{name} expired: the jar dropped it")
        elif old is not None and new is not None and mine:
            if old != new:
                notes.append(self._changed(name, before, after, logged_in=logged_in))
                self._check_flags(ex, after)
                notes.extend(self._token(new))
            else:
                was = self._expiry(before)
                now = self._expiry(after)
                if now is not None and (was is None or now > was):
                    notes.append(f"{name} renewed: same value, a later expiry")
                else:
                    notes.append(f"{name} set again, unchanged")
                if any(r.outcome in ("stored", "replaced") for r in mine):  # its attributes are in this header
                    self._check_flags(ex, after)
        if logged_in and old is not None and new == old:
            if _NEXTAUTH.match(name):
                notes.append(
                    f"{name} kept at sign-in: next-auth keeps a database session when its own user signs in "
                    "again or links an account (no fixation: the session already was that user's)"
                )
            else:
                notes.append(f"{name} NOT rotated at login: the same ID before and after (a fixation risk)")
                self._flag(
                    ex,
                    "ID not rotated at login",
                    f"{name} kept its value across the login at step {ex.number}: a session fixation risk (renew the ID at login)",
                )
        if logged_in:
            self._logout_value = None
        if logout:
            self._logout_value = (ex.number, sent) if sent is not None else None
            if new is not None and new == sent:
                notes.append(f"logout: {name} not deleted by the response, the browser keeps it")
        elif LOGOUT.search(ex.path) and ex.method == "GET" and sent is not None:
            notes.append("a sign-out page (GET answered without a redirect): no logout by itself")

    def _logout(self, ex: Exchange, deleted: bool) -> bool:
        """A logout at this step (the module docstring's rule)."""
        if deleted:
            return True
        if ex.method not in ("GET", "POST") or not LOGOUT.search(ex.path) or ex.status >= 400:
            return False
        # sent back to a sign-out page: next-auth answers a POST without a verified CSRF token with a redirect
        # to `/api/auth/signout?csrf=true` and keeps the cookie (core/index.js, case "signout")
        back = bool(ex.location) and LOGOUT.search(urlsplit(ex.location).path) is not None
        if ex.method == "POST":
            return not back
        return 300 <= ex.status < 400 and not back

    def _changed(self, name: str, before: Mapping[str, Cookie], after: Mapping[str, Cookie], *, logged_in: bool) -> str:
        """A new value: rotated at a login; a JWT/JWE re-issued (a renewal: the same session, a new token);
        else rotated (an opaque ID replaced outside a login the capture shows)."""
        if logged_in:
            return f"{name} rotated at login: a new value"
        old, new = self._value(before) or "", self._value(after) or ""
        if token_header(old) is not None and token_header(new) is not None:
            was, now = self._expiry(before), self._expiry(after)
            if now is not None and (was is None or now > was):
                return f"{name} renewed: a new token with a later expiry (re-issued, not an ID rotation)"
            return f"{name} re-issued: a new token, the same expiry (not an ID rotation)"
        return f"{name} rotated: a new value"

    def _expiry(self, cookies: Mapping[str, Cookie]) -> int | None:
        cookie = cookies.get(self.name or "") or next(
            (c for n, c in cookies.items() if base_name(n) == self.name), None
        )
        return cookie.expires if cookie is not None else None

    def _token(self, value: str) -> list[str]:
        token = read_token(value)
        if token is None:
            return []
        header = ", ".join(f"{k}: {v}" for k, v in token.header.items() if isinstance(v, str | int))
        if token.claims is None:
            key = " (next-auth derives it from its secret with HKDF)" if _NEXTAUTH.match(self.name or "") else ""
            return [f"a JWE (encrypted): header {{{header}}}; its claims cannot be read without the key{key}"]
        claims: dict[str, Any] = token.claims
        shown = ", ".join(f"{k}: {v}" for k, v in claims.items()) if self.show_values else ", ".join(claims)
        exp = f"; exp {token.exp} (Unix time)" if token.exp is not None else ""
        return [f"a JWT, unverified: header {{{header}}}; claims {{{shown}}}{exp}"]

    def _check_flags(self, ex: Exchange, after: Mapping[str, Cookie]) -> None:
        cookie = after.get(self.name or "") or next((c for n, c in after.items() if base_name(n) == self.name), None)
        if cookie is None:
            return
        if self._checked_at is None:
            self._checked_at = ex.number
        if not cookie.http_only:
            self._flag(ex, "session cookie without HttpOnly", f"{cookie.name}: page scripts (and an XSS) can read it")
        if not cookie.secure and ex.scheme == "http" and is_loopback(ex.host):
            nextauth = (
                " (next-auth sets Secure only when NEXTAUTH_URL is https)" if _NEXTAUTH.match(cookie.name) else ""
            )
            self._flag(
                ex,
                "session cookie without Secure, local http",
                f"{cookie.name}: set over http by {ex.host}, a loopback host: expected while developing{nextauth}; "
                "in production it needs Secure, or the browser sends it over http too",
                level="note",
            )
        elif not cookie.secure:
            self._flag(ex, "session cookie without Secure", f"{cookie.name}: the browser will send it over http too")
        if cookie.same_site is None:
            self._flag(
                ex,
                "session cookie without an explicit SameSite",
                f"{cookie.name}: the browser's default decides (Chromium: Lax, yet a fresh cookie still goes "
                "with a top-level cross-site POST for 2 minutes; Firefox and Safari: None)",
            )

    def _flag(self, ex: Exchange, title: str, detail: str, *, level: str = "finding") -> None:
        if title in self._flagged:
            return
        self._flagged.add(title)
        self.findings.append(Finding(ex.number, title, detail, level))

    def findings_upto(self, end: int) -> list[Finding]:
        """The findings of a replay of the first ``end`` requests, in step order: those of its steps, and a
        note when the session cookie was sent by then but not yet set inside the capture (its attributes
        unknown). Nothing is changed, so :class:`tutor.capture.replay.Replayer` cuts a nearer window from a
        longer replay with the findings a replay to that window's end has."""
        found = [f for f in self.findings if f.step <= end]
        first, checked = self._first_sent, self._checked_at
        if self.name is not None and first is not None and first <= end and (checked is None or checked > end):
            found.append(
                Finding(
                    first,
                    "session cookie's attributes unknown",
                    f"{self.name} was never set inside the capture (it began with the cookie in the jar): a Cookie "
                    "header carries no attributes, so HttpOnly, Secure and SameSite were not checked",
                    "note",
                )
            )
        return sorted(found, key=lambda f: f.step)  # (stable: the note after the step's own findings)


__all__ = [
    "LOGIN",
    "LOGOUT",
    "Finding",
    "SessionWatch",
    "base_name",
    "is_login_request",
    "is_session_name",
]
