"""The session cookie of a capture: which one it is, its life step by step, and the security findings.

Recognised by name (the libraries' defaults): next-auth's ``next-auth.session-token`` and its
``__Secure-`` variant (next-auth v4 ``lib/cookie.ts``), Auth.js v5's ``authjs.session-token``, each possibly
chunked into ``.0``, ``.1`` … when the token is over 4 KB (next-auth ``SessionStore`` in
``core/lib/cookie.ts``), iron-session's examples' names, Express's ``connect.sid`` (express-session) and
``sessionId``, PHP's ``PHPSESSID``, Java servlets' ``JSESSIONID``; else the cookie that a POST to a login
URL sets or changes. ``--session-cookie NAME`` names it outright.

Findings (OWASP Session Management Cheat Sheet, "Cookies" and "Renew the Session ID After Any Privilege
Level Change"): a session cookie without HttpOnly, Secure or an explicit SameSite; an ID not rotated at
login (session fixation); a session cookie sent over http; a session that outlives logout (the same ID
still sent after a logout request).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tutor.capture.tokens import read_token
from tutor.engine import chunks
from tutor.engine.cookies import Cookie

if TYPE_CHECKING:
    from tutor.capture.replay import Exchange

_KNOWN = re.compile(
    r"^(?:(?:__Secure-|__Host-)?(?:next-auth|authjs)\.session-token|iron-session|[a-z0-9_-]*iron[a-z0-9_-]*session"
    r"|sessionId|connect\.sid|PHPSESSID|JSESSIONID)$",
    re.IGNORECASE,
)
_CHUNK = re.compile(r"\.\d+$")
LOGIN = re.compile(r"(?:log-?in|sign-?in|callback|authenticate)", re.IGNORECASE)
LOGOUT = re.compile(r"(?:log-?out|sign-?out)", re.IGNORECASE)


def base_name(name: str) -> str:
    """A chunk's cookie name (``next-auth.session-token.1`` → ``next-auth.session-token``)."""
    return _CHUNK.sub("", name) if _KNOWN.match(_CHUNK.sub("", name)) else name


def is_session_name(name: str) -> bool:
    return _KNOWN.match(base_name(name)) is not None


@dataclass(frozen=True, slots=True)
class Finding:
    step: int
    title: str
    detail: str

    def line(self) -> str:
        return f"step {self.step}: {self.title} — {self.detail}"


class SessionWatch:
    """Follows the session cookie through the replay (:func:`tutor.capture.replay.replay` calls
    :meth:`step` for every request and :meth:`finish` at the end)."""

    def __init__(self, name: str | None, *, show_values: bool) -> None:
        self.name = name
        self.fixed = name is not None
        self.show_values = show_values
        self.findings: list[Finding] = []
        self._flagged: set[str] = set()
        self._logout_value: tuple[int, str] | None = None

    def _find(self, ex: Exchange, before: Mapping[str, Cookie], after: Mapping[str, Cookie]) -> None:
        if self.name is not None:
            return
        names = [r.name for r in ex.received] + [n for n, _ in ex.sent]
        for name in names:
            if is_session_name(name):
                self.name = base_name(name)
                return
        if ex.method == "POST" and LOGIN.search(ex.path):
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
            if ex.scheme == "http":
                self._flag(
                    ex,
                    "session cookie sent over http",
                    f"{name} went over an unencrypted connection to {ex.host}: anyone on the network can read it",
                )
            if self._logout_value is not None and sent == self._logout_value[1]:
                self._flag(
                    ex,
                    "session outlives logout",
                    f"the {name} sent before the logout at step {self._logout_value[0]} is still sent: unless the server deleted the session, it still works",
                )
        is_login = ex.method == "POST" and LOGIN.search(ex.path) is not None and not LOGOUT.search(ex.path)
        for r in mine:
            if r.outcome == "rejected" or r.outcome == "partitioned":
                notes.append(f"{r.name} {r.outcome}: {r.reason}")
        if old is None and new is not None:
            notes.append(f"{name} created" + (" at login" if is_login else ""))
            self._check_flags(ex, after)
            notes.extend(self._token(new))
        elif old is not None and new is None:
            if mine:
                notes.append(f"{name} deleted by the response" + (" (sign-out)" if LOGOUT.search(ex.path) else ""))
            else:
                notes.append(f"{name} expired: the jar dropped it")
        elif old is not None and new is not None and mine:
            if old != new:
                notes.append(f"{name} rotated" + (" at login" if is_login else "") + ": a new value")
                self._check_flags(ex, after)
                notes.extend(self._token(new))
            else:
                was = self._expiry(before)
                now = self._expiry(after)
                if now is not None and (was is None or now > was):
                    notes.append(f"{name} renewed: same value, a later expiry")
                else:
                    notes.append(f"{name} set again, unchanged")
        if is_login and old is not None and new == old:
            notes.append(f"{name} NOT rotated at login: the same ID before and after (a fixation risk)")
            self._flag(
                ex,
                "ID not rotated at login",
                f"{name} kept its value across the login at step {ex.number}: a session fixation risk (renew the ID at login)",
            )
        if LOGOUT.search(ex.path) and sent is not None and new is not None and new == sent:
            self._logout_value = (ex.number, sent)
        elif LOGOUT.search(ex.path):
            self._logout_value = None

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
            return [f"a JWE (encrypted): header {{{header}}}; its claims cannot be read without the secret"]
        claims: dict[str, Any] = token.claims
        shown = ", ".join(f"{k}: {v}" for k, v in claims.items()) if self.show_values else ", ".join(claims)
        exp = f"; exp {token.exp} (Unix time)" if token.exp is not None else ""
        return [f"a JWT, unverified: header {{{header}}}; claims {{{shown}}}{exp}"]

    def _check_flags(self, ex: Exchange, after: Mapping[str, Cookie]) -> None:
        cookie = after.get(self.name or "") or next((c for n, c in after.items() if base_name(n) == self.name), None)
        if cookie is None:
            return
        if not cookie.http_only:
            self._flag(ex, "session cookie without HttpOnly", f"{cookie.name}: page scripts (and an XSS) can read it")
        if not cookie.secure:
            self._flag(ex, "session cookie without Secure", f"{cookie.name}: the browser will send it over http too")
        if cookie.same_site is None:
            self._flag(
                ex,
                "session cookie without an explicit SameSite",
                f"{cookie.name}: the browser's default decides (Lax in chromium, None in firefox and safari)",
            )

    def _flag(self, ex: Exchange, title: str, detail: str) -> None:
        if title in self._flagged:
            return
        self._flagged.add(title)
        self.findings.append(Finding(ex.number, title, detail))

    def finish(self, exchanges: list[Exchange]) -> None:
        self.findings.sort(key=lambda f: f.step)


__all__ = ["LOGIN", "LOGOUT", "Finding", "SessionWatch", "base_name", "is_session_name"]
