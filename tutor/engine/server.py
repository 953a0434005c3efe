"""The modelled server: its routes and the two ways it keeps sessions.

Routes (method, path → what it does):

- ``GET /`` — public; starts an *anonymous* session when the browser brings none (``anonymous_sessions``).
- ``GET /login`` — public sign-in page; does not touch the session.
- ``POST /login`` — checks the credentials (``engine.users``); success → an authenticated session
  (database: the ID is rotated unless ``rotate_on_login`` is off) and a redirect to /dashboard;
  failure → 401 and nothing changes.
  With "remember me" ticked the cookie gets Max-Age ``cookie.remember_max_age`` (and keeps it when it
  is renewed: the row / token remembers the choice); unticked it follows ``cookie.max_age``.
- ``POST /logout`` — database: deletes the row; jwt: only clears the cookie. Both clear the cookie and
  redirect to /.
- ``GET /dashboard`` — protected: 307 to ``/login`` when nobody is signed in.
- ``GET /api/session`` — next-auth's ``/api/auth/session``: ``{}`` when signed out, else
  ``{"user": {"name": ...}, "expires": ...}``.
- ``POST /transfer`` — a protected state-changing action: 401 when not signed in (CSRF vs SameSite).
- anything else: 404 (405 for a known path with the wrong method).

Redirects have the status of what they stand for (:data:`REDIRECT_STATUS`): a protected page's redirect
is Next.js's own, 307; the sign-in and sign-out redirects are next-auth's routes' 302, or 303 when
``sign_in: server-action`` (a Server Action's ``redirect()``).

The session cookie's lifetime: ``cookie.max_age`` gives it a Max-Age; ``cookie.expires: sliding`` gives
it ``Expires`` = now + ``idle_timeout`` (capped by ``absolute_timeout``) on every response that signs in
or reads a valid session, as next-auth does with ``session.maxAge`` in both strategies
[next-auth 4.24.15 ``core/routes/session.js``: ``fromDate(sessionMaxAge)`` pushed with the session
cookie on every read, the database row written only once ``updateAge`` has passed; measured in
``tests/conformance/nextauth_suite.py``].

Sessions are valid while ``now < expires``: at the exact second of expiry they are expired. An expired,
unknown or tampered session is rejected, its row deleted (database) and the cookie cleared; nobody is
signed back in silently.

The session cookie's ``Set-Cookie`` headers (attributes, Max-Age / ``Expires``, next-auth's chunks, clearing)
are written and read by :class:`~tutor.engine.session_cookie.SessionCookie`.

Each phase of the handling is reported through an ``emit(phase, action, result, exchange)`` callback,
which the simulation turns into trace steps.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import TYPE_CHECKING, Any

from tutor.engine.browser import Request
from tutor.engine.clock import format_clock, format_duration
from tutor.engine.exchange import REDIRECT_STATUS, ROUTE_METHODS, ROUTES, Current, Emit, Exchange, Settings, route_path
from tutor.engine.ids import IdGenerator, abbreviate
from tutor.engine.revocation import initial_versions, version_problem
from tutor.engine.session_cookie import SessionCookie
from tutor.engine.store import SessionRow, SessionStore

if TYPE_CHECKING:  # tokens imports pyjwt: loaded only for the jwt strategy
    from tutor.engine.tokens import TokenSigner

_BODY_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"))


def _filler(seed: int, size: int) -> str:
    """``size`` characters of hex standing for data an app keeps in its token (``engine.token_extra``):
    the same for the same seed, and drawn from no generator, so every ID stays what it was."""
    blocks = -(-size // 64)  # a SHA-256 hex digest is 64 characters
    out = [hashlib.sha256(f"token_extra:{seed}:{i}".encode()).hexdigest() for i in range(blocks)]
    return "".join(out)[:size]


def _expiry_text(expires: int | None) -> str:
    return "never" if expires is None else format_clock(expires)


class Server:
    def __init__(
        self, settings: Settings, ids: IdGenerator, store: SessionStore | None, signer: TokenSigner | None
    ) -> None:
        self.settings = settings
        self.options = settings.options
        self.ids = ids
        self.store = store
        self.signer = signer
        self.token_versions: dict[str, int] | None = initial_versions(settings.options)
        """jwt with `engine.token_version` (an app pattern): each user's version (tutor/engine/revocation.py)."""
        self.cookie = settings.options.cookie
        self.jwt = settings.strategy == "jwt"
        self.session_cookie = SessionCookie(settings)
        """Writes and reads the session cookie's headers (tutor/engine/session_cookie.py)."""
        self.sliding = self.session_cookie.sliding
        self.chunked = self.session_cookie.chunked
        """next-auth's session cookie is in chunks (chunks.py); an app's own (``sign_in: server-action``) is not."""
        self._handlers = {route: getattr(self, "_" + name) for route, name in ROUTES.items()}

    @property
    def _db(self) -> SessionStore:
        """The session table; only the database strategy reaches the code that uses it."""
        assert self.store is not None, "database strategy without a store"
        return self.store

    @property
    def _signer(self) -> TokenSigner:
        """The token signer; only the jwt strategy reaches the code that uses it."""
        assert self.signer is not None, "jwt strategy without a signer"
        return self.signer

    # -- the entry point ---------------------------------------------------------------------
    def handle(
        self,
        request: Request,
        now: int,
        emit: Emit,
        credentials: tuple[str, str] | None = None,
        remember: bool = False,
    ) -> Exchange:
        """Handle one request; ``credentials`` and ``remember`` (the "remember me" box) are for POST /login."""
        ex = Exchange(request=request, cookie_store=dict(request.cookies), line=request.line)
        ex.session_id = self.read_session_cookie(request.cookies)
        ex.session_parts = self.session_cookie.parts(request.cookies)
        handler = self._handlers.get((request.method, request.path))
        if handler is None:
            emit("receive", f"Receive {request.line}", "No such route", ex)
            if request.path in ROUTE_METHODS:
                allowed = ", ".join(ROUTE_METHODS[request.path])
                self._respond(ex, emit, 405, f"405 Method Not Allowed (use {allowed})")
            else:
                self._respond(ex, emit, 404, "404 Not Found")
            return ex
        ex.remember = remember
        handler(ex, now, emit, credentials)
        return ex

    # -- routes --------------------------------------------------------------------------------
    def _home(self, ex: Exchange, now: int, emit: Emit, credentials: Any) -> None:
        emit("receive", f"Receive {ex.request.line}", "Check for session cookie", ex)
        on_missing = "Create new session ID" if self.options.anonymous_sessions else "No session: continue as a guest"
        cur = self._resolve(ex, now, emit, on_missing)
        if cur is not None:
            self._load_user(ex, cur, emit)
            self._refresh(ex, cur, now, emit)
        elif self.options.anonymous_sessions:
            self._create(ex, now, emit, None)
        self._respond(ex, emit, 200, "200 OK: home page")

    def _login_page(self, ex: Exchange, now: int, emit: Emit, credentials: Any) -> None:
        emit("receive", f"Receive {ex.request.line}", "Public page: no session needed", ex)
        self._respond(ex, emit, 200, "200 OK: sign-in form")

    def _dashboard(self, ex: Exchange, now: int, emit: Emit, credentials: Any) -> None:
        self._protected(ex, now, emit, "dashboard")

    def _transfer(self, ex: Exchange, now: int, emit: Emit, credentials: Any) -> None:
        self._protected(ex, now, emit, "transfer")

    def _protected(self, ex: Exchange, now: int, emit: Emit, what: str) -> None:
        emit("receive", f"Receive {ex.request.line}", "Protected: check for session cookie", ex)
        cur = self._resolve(ex, now, emit, "No session: not signed in")
        if cur is not None:
            self._load_user(ex, cur, emit)
            self._refresh(ex, cur, now, emit)
        user = cur.user if cur is not None else None
        signed_in = user is not None
        if what == "dashboard":
            if signed_in:
                self._respond(ex, emit, 200, f"200 OK: dashboard for {user}")
            else:
                status = REDIRECT_STATUS["protected-page"]
                self._respond(ex, emit, status, f"{status} → /login (not signed in)", location="/login")
        else:
            if signed_in:
                self._respond(ex, emit, 200, f"200 OK: transfer done as {user}")
            else:
                self._respond(ex, emit, 401, "401 Unauthorized: not signed in, nothing transferred")

    def _api_session(self, ex: Exchange, now: int, emit: Emit, credentials: Any) -> None:
        emit("receive", f"Receive {ex.request.line}", "Check for session cookie", ex)
        cur = self._resolve(ex, now, emit, "No session: signed out")
        if cur is not None:
            self._load_user(ex, cur, emit)
            self._refresh(ex, cur, now, emit)
        if cur is not None and cur.user is not None:
            expires = ex.session.get("expires") if ex.session else None
            body = {"user": {"name": cur.user}, "expires": expires}
        else:
            body = {}
        ex.body = _BODY_JSON.encode(body)
        self._respond(ex, emit, 200, f"200 {ex.body}")

    def _login(self, ex: Exchange, now: int, emit: Emit, credentials: tuple[str, str] | None) -> None:
        emit("receive", f"Receive {ex.request.line}", "Check credentials", ex)
        if credentials is None:
            emit("check_credentials", "Read credentials", "No credentials sent", ex)
            self._respond(ex, emit, 401, "401 Unauthorized: sign-in failed, nothing changed")
            return
        user, password = credentials
        expected = self.options.users.get(user)
        if expected is None:
            # still compare, so an unknown user takes as long as a wrong password
            hmac.compare_digest(password.encode(), password.encode())
            emit("check_credentials", f"Check password for {user}", f"Unknown user {user}", ex)
            self._respond(ex, emit, 401, "401 Unauthorized: sign-in failed, nothing changed")
            return
        if not hmac.compare_digest(password.encode(), expected.encode()):
            emit("check_credentials", f"Check password for {user}", "Wrong password", ex)
            self._respond(ex, emit, 401, "401 Unauthorized: sign-in failed, nothing changed")
            return
        emit("check_credentials", f"Check password for {user}", "Password correct", ex)
        cur = self._resolve(ex, now, emit, "No session yet: create one for the user")
        remember = ex.remember
        if self.jwt:
            self._create(ex, now, emit, user, remember)
        elif cur is None:
            self._create(ex, now, emit, user, remember)
        elif self.options.rotate_on_login:
            self._rotate(ex, cur, now, emit, user, remember)
        else:
            row = cur.row
            assert row is not None
            row = SessionRow(row.id, user, row.created, now, self.settings.expiry(row.created, now), remember)
            self._db.put(row)
            ex.session, ex.user = row.to_json(), user
            emit(
                "rotate_session",
                f"Keep session ID {abbreviate(row.id)} (rotation off)",
                f"Same ID now signed in as {user}: session fixation",
                ex,
            )
            if remember or self.sliding:
                self.session_cookie.write(ex, row.id, emit, remember=remember, expires=row.expires)
        status = REDIRECT_STATUS[self.options.sign_in]
        self._respond(ex, emit, status, f"{status} → /dashboard (signed in as {user})", location="/dashboard")

    def _logout(self, ex: Exchange, now: int, emit: Emit, credentials: Any) -> None:
        emit("receive", f"Receive {ex.request.line}", "Check for session cookie", ex)
        cur = self._resolve(ex, now, emit, "No session: nothing to sign out")
        if cur is not None:
            if self.jwt:
                self.session_cookie.clear(
                    ex, emit, f"Token not revoked: a copy stays valid until {_expiry_text(cur.expires)}"
                )
            else:
                self._db.delete(cur.id)
                ex.session, ex.user = None, None
                emit("destroy_session", "Delete session row", f"Row {abbreviate(cur.id)} deleted: the ID is dead", ex)
                self.session_cookie.clear(ex, emit, "Signed out")
        status = REDIRECT_STATUS[self.options.sign_in]
        self._respond(ex, emit, status, f"{status} → / (signed out)", location="/")

    # -- the session machinery ------------------------------------------------------------------
    def _resolve(self, ex: Exchange, now: int, emit: Emit, on_missing: str) -> Current | None:
        """read_cookie + validate: the valid session the request brings, or None (after cleaning up)."""
        presented = self.read_session_cookie(ex.request.cookies)
        if presented is None:
            emit("read_cookie", "Session cookie missing", on_missing, ex)
            return None
        what = "Token" if self.jwt else "Session ID"
        emit("read_cookie", "Read session cookie", f"{what} {abbreviate(presented)}", ex)
        return (
            self._validate_token(ex, presented, now, emit) if self.jwt else self._validate_row(ex, presented, now, emit)
        )

    def _validate_row(self, ex: Exchange, sid: str, now: int, emit: Emit) -> Current | None:
        action = f"Look up session {abbreviate(sid)}"
        row = self._db.get(sid)
        if row is None:
            emit("validate", action, "Unknown ID (never issued or destroyed): rejected", ex)
            self.session_cookie.clear(ex, emit, "Rejected ID")
            return None
        if not row.valid_at(now):
            ex.session, ex.user = row.to_json(), None
            emit("validate", action, f"Expired at {_expiry_text(row.expires)}: rejected", ex)
            self._db.delete(sid)
            ex.session = None
            emit("destroy_session", "Delete expired session", f"Row {abbreviate(sid)} deleted", ex)
            self.session_cookie.clear(ex, emit, "Expired session")
            return None
        upd = self.settings.update_age
        written = upd is None or now - row.last_seen >= upd
        if written:
            row = SessionRow(row.id, row.user, row.created, now, self.settings.expiry(row.created, now), row.remember)
            self._db.put(row)
            note = f"Valid; expiry now {_expiry_text(row.expires)}"
        else:
            note = f"Valid until {_expiry_text(row.expires)} (not re-written: updateAge {format_duration(upd)})"
        ex.session, ex.user = row.to_json(), row.user
        emit("validate", action, note, ex)
        renews = self.settings.cookie_max_age is not None or row.remember
        # next-auth re-issues its cookie on every read, written back or not (see the module docstring)
        refresh = self.sliding or (written and renews)
        return Current(sid, row.user, row.expires, row=row, refresh=refresh, remember=row.remember)

    def _validate_token(self, ex: Exchange, token: str, now: int, emit: Emit) -> Current | None:
        from tutor.engine.tokens import peek

        action = "Verify token signature and expiry"
        verified = self._signer.verify(token, now)
        if not verified.ok:
            ex.token = peek(token)
            if verified.reason == "expired" and verified.payload is not None:  # an expired token has its payload
                result = f"Expired at {_expiry_text(verified.payload.get('exp'))}: rejected"
            elif verified.reason == "tampered":
                result = "Signature does not match: rejected"
            else:
                result = "Not a valid token: rejected"
            emit("validate", action, result, ex)
            ex.token = None
            why = {"expired": "Expired token", "tampered": "Tampered token"}.get(verified.reason, "Invalid token")
            self.session_cookie.clear(ex, emit, why)
            return None
        payload = verified.payload
        assert payload is not None  # a valid token has its payload
        revoked = version_problem(payload, self.token_versions)
        if revoked is not None:
            ex.token = payload
            emit("validate", action, f"Signature OK; {revoked}", ex)
            ex.token = None
            self.session_cookie.clear(ex, emit, "Revoked token")
            return None
        exp = payload.get("exp")
        user = payload.get("sub")
        ex.token = payload
        ex.session = self._token_session(payload)
        ex.user = user
        emit("validate", action, f"Signature OK; valid until {_expiry_text(exp)}", ex)
        remember = payload.get("remember") is True
        return Current(payload["sid"], user, exp, token=token, payload=payload, refresh=True, remember=remember)

    @staticmethod
    def _token_session(payload: dict[str, Any]) -> dict[str, Any]:
        exp = payload.get("exp")
        return {
            "id": payload.get("sid"),
            "user": payload.get("sub"),
            "created": format_clock(payload.get("auth_time", payload.get("iat", 0))),
            "expires": None if exp is None else format_clock(exp),
        }

    def _load_user(self, ex: Exchange, cur: Current, emit: Emit) -> None:
        result = f"User {cur.user}" if cur.user is not None else "Anonymous session: nobody signed in"
        emit("load_user", "Load user from session", result, ex)

    def _refresh(self, ex: Exchange, cur: Current, now: int, emit: Emit) -> None:
        """jwt: re-issue the token with a later expiry (sliding); database: renew a Max-Age cookie."""
        if self.jwt:
            assert cur.payload is not None  # a jwt session always has its payload
            payload = dict(cur.payload)
            payload["iat"] = now
            exp = self._token_exp(payload.get("auth_time", now), now)
            if exp is None:
                payload.pop("exp", None)
            else:
                payload["exp"] = exp
            token = self._signer.issue(payload)
            ex.token, ex.session_id = payload, token
            ex.session = self._token_session(payload)
            self.session_cookie.write(
                ex,
                token,
                emit,
                "Re-issue token (sliding expiry)",
                f"New exp {_expiry_text(exp)}",
                remember=cur.remember,
                expires=exp,
            )
        elif cur.refresh:
            row = cur.row
            assert row is not None
            if self.sliding:
                expires = self._token_exp(row.created, now)
                result = f"Expires {_expiry_text(expires)}; row expires {_expiry_text(cur.expires)}"
            else:
                expires, result = None, f"Max-Age restarts; row expires {_expiry_text(cur.expires)}"
            self.session_cookie.write(
                ex, cur.id, emit, "Renew session cookie", result, remember=cur.remember, expires=expires
            )

    def _token_exp(self, auth_time: int, now: int) -> int | None:
        s = self.settings
        limits = []
        if s.idle is not None:
            limits.append(now + s.idle)
        if s.absolute is not None:
            limits.append(auth_time + s.absolute)
        return min(limits) if limits else None

    def _create(self, ex: Exchange, now: int, emit: Emit, user: str | None, remember: bool = False) -> None:
        new_id = self.ids.new_id()
        who = "anonymous session" if user is None else f"session for {user}"
        if self.jwt:
            payload: dict[str, Any] = {"sub": user, "sid": new_id, "iat": now, "auth_time": now}
            if self.token_versions is not None and user is not None:  # the app pattern's `ver` claim
                payload["ver"] = self.token_versions.get(user, 0)
            exp = self._token_exp(now, now)
            if exp is not None:
                payload["exp"] = exp
            if remember:
                payload["remember"] = True
            extra = self.options.token_extra.get(user) if user is not None else None
            if extra:
                payload["extra"] = _filler(self.options.seed, extra)
            token = self._signer.issue(payload)
            ex.token, ex.session_id, ex.user = payload, token, user
            ex.session = self._token_session(payload)
            emit(
                "create_session",
                f"Sign a new token ({who})",
                f"Token {abbreviate(token)} expires {_expiry_text(exp)}",
                ex,
            )
            self.session_cookie.write(ex, token, emit, remember=remember, expires=exp)
            return
        row = SessionRow(new_id, user, now, now, self.settings.expiry(now, now), remember)
        self._db.put(row)
        ex.session, ex.session_id, ex.user = row.to_json(), new_id, user
        emit("create_session", f"Create {who}", f"New ID {abbreviate(new_id)}, expires {_expiry_text(row.expires)}", ex)
        self.session_cookie.write(ex, new_id, emit, remember=remember, expires=row.expires)

    def _rotate(self, ex: Exchange, cur: Current, now: int, emit: Emit, user: str, remember: bool = False) -> None:
        new_id = self.ids.new_id()
        self._db.delete(cur.id)
        row = SessionRow(new_id, user, now, now, self.settings.expiry(now, now), remember)
        self._db.put(row)
        ex.session, ex.session_id, ex.user = row.to_json(), new_id, user
        emit(
            "rotate_session",
            f"Rotate session ID {abbreviate(cur.id)}",
            f"Old row deleted; new ID {abbreviate(new_id)} for {user}",
            ex,
        )
        self.session_cookie.write(ex, new_id, emit, remember=remember, expires=row.expires)

    # -- the cookie and the response ------------------------------------------------------------
    def read_session_cookie(self, cookies: dict[str, str]) -> str | None:
        """The session cookie's value in a request (tutor/engine/session_cookie.py): next-auth joins its chunks."""
        return self.session_cookie.read(cookies)

    def _respond(self, ex: Exchange, emit: Emit, status: int, result: str, location: str | None = None) -> None:
        ex.status, ex.location = status, location
        emit("send_response", f"Send {status}", result, ex)


__all__ = ["REDIRECT_STATUS", "ROUTES", "ROUTE_METHODS", "Current", "Exchange", "Server", "Settings", "route_path"]
