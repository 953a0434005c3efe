"""What the modelled server is set up with and what one request carries: its routes (:data:`ROUTES`,
:data:`ROUTE_METHODS`, :func:`route_path`, :data:`REDIRECT_STATUS`), the :class:`Settings` read from a
scenario's ``engine:`` options, the :class:`Exchange` of one request and response (what the trace's
per-request variables show) and the :class:`Current` session being handled. The handling itself is
:mod:`tutor.engine.server` (its docstring lists what each route does).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tutor.engine.browser import Request
from tutor.engine.clock import parse_optional_duration
from tutor.engine.headers import attribute_problem
from tutor.engine.scenario import EngineOptions
from tutor.engine.store import SessionRow

#: (method, path) → handler name.
ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/"): "home",
    ("GET", "/login"): "login_page",
    ("POST", "/login"): "login",
    ("POST", "/logout"): "logout",
    ("GET", "/dashboard"): "dashboard",
    ("GET", "/api/session"): "api_session",
    ("POST", "/transfer"): "transfer",
}
#: The status of a redirect, by what it stands for. Next.js: ``redirect()`` in a Server Component,
#: ``NextResponse.redirect`` and ``getServerSideProps``' ``redirect`` with ``permanent: false`` answer 307,
#: ``redirect()`` in a Server Action 303 [next.js 15.5 ``client/components/redirect-status-code.ts``,
#: docs ``functions/redirect``]. next-auth 4.24's API routes answer 302 [``next-auth/next/index.js``:
#: ``res.status(302)``; measured on ``POST /api/auth/callback/credentials`` and ``/api/auth/signout``].
REDIRECT_STATUS: dict[str, int] = {
    "protected-page": 307,
    "next-auth": 302,
    "server-action": 303,
}
#: path → the methods it answers.
ROUTE_METHODS: dict[str, tuple[str, ...]] = {}
for _method, _path in ROUTES:
    ROUTE_METHODS.setdefault(_path, ())
    ROUTE_METHODS[_path] += (_method,)


def route_path(target: str) -> str:
    return target.split("?", 1)[0] or "/"


@dataclass(frozen=True, slots=True)
class Settings:
    """The engine options with durations parsed to seconds (``None`` = off)."""

    strategy: str
    idle: int | None
    absolute: int | None
    update_age: int | None
    cookie_max_age: int | None
    options: EngineOptions
    remember_max_age: int | None = 30 * 86400

    @classmethod
    def from_options(cls, options: EngineOptions) -> Settings:
        def parse(name: str, text: str) -> int | None:
            try:
                return parse_optional_duration(text)
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None

        for what, text in (("cookie.path", options.cookie.path), ("host", options.host)):
            problem = attribute_problem(text)
            if problem is not None:
                raise ValueError(f"{what}: {text!r} contains {problem}")
        return cls(
            strategy=options.strategy,
            idle=parse("idle_timeout", options.idle_timeout),
            absolute=parse("absolute_timeout", options.absolute_timeout),
            update_age=parse("update_age", options.update_age),
            cookie_max_age=parse("cookie.max_age", options.cookie.max_age),
            options=options,
            remember_max_age=parse("cookie.remember_max_age", options.cookie.remember_max_age),
        )

    def expiry(self, created: int, last_seen: int) -> int | None:
        """``min(last_seen + idle, created + absolute)``, ``None`` when both are off."""
        limits = []
        if self.idle is not None:
            limits.append(last_seen + self.idle)
        if self.absolute is not None:
            limits.append(created + self.absolute)
        return min(limits) if limits else None


@dataclass
class Exchange:
    """One request being handled: what the handler sees and what the response will carry.

    ``cookie_store``, ``session`` and ``token`` are replaced (never mutated) when they change, so a
    recorded step can keep a reference to them.
    """

    request: Request
    cookie_store: dict[str, str]
    line: str = ""
    """``GET /dashboard``."""
    status: int | None = None
    location: str | None = None
    body: str | None = None
    set_cookies: dict[str, str] = field(default_factory=dict)
    """Cookie name → ``Set-Cookie`` header; a later set/delete of the same name replaces an earlier one."""
    set_cookie: str | None = None
    """The last Set-Cookie header written (what the tracker shows)."""
    session: dict[str, Any] | None = None
    token: dict[str, Any] | None = None
    session_id: str | None = None
    user: str | None = None
    remember: bool = False
    """POST /login: the "remember me" box was ticked."""
    session_parts: tuple[str, ...] = ()
    """The session cookie's names the browser holds as far as this response knows: the plain name or
    next-auth's ``NAME.0``, ``NAME.1`` … chunks the request brought, then those of the last write
    (next-auth's ``SessionStore`` record; see tutor/engine/chunks.py)."""


@dataclass
class Current:
    """A session that passed validation."""

    id: str
    user: str | None
    expires: int | None
    row: SessionRow | None = None
    token: str | None = None
    payload: dict[str, Any] | None = None
    refresh: bool = False
    """database: the expiry was written back and the cookie has a Max-Age to renew."""
    remember: bool = False
    """Signed in with "remember me": the cookie is renewed with ``cookie.remember_max_age``."""


Emit = Callable[[str, str, str, Exchange], None]

#: ``json.dumps(body, sort_keys=True, separators=(",", ":"))``, with the encoder made once.


__all__ = ["REDIRECT_STATUS", "ROUTES", "ROUTE_METHODS", "Current", "Emit", "Exchange", "Settings", "route_path"]
