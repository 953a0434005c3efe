"""The session cookie as the modelled server writes and reads it (:class:`SessionCookie`).

The one home of the server's ``Set-Cookie`` headers for its session: the attributes from ``cookie:``
(``headers.build_set_cookie``), Max-Age ``cookie.max_age`` or, with "remember me",
``cookie.remember_max_age``; ``Expires`` = the session's expiry when ``cookie.expires: sliding``
(next-auth 4.24.15 ``core/routes/session.js``, see :mod:`tutor.engine.server`); with
``sign_in: next-auth`` the value is written and read in chunks (:mod:`tutor.engine.chunks`, next-auth v4
``core/lib/cookie.ts`` ``SessionStore``), an app's own ``cookies().set`` / ``cookies().get``
(``sign_in: server-action``) knows only the one name. Clearing deletes every part the browser holds.

Each header written is reported through the server's ``emit`` callback (``set_cookie`` / ``clear_cookie``
steps) and recorded on the :class:`~tutor.engine.exchange.Exchange`.
"""

from __future__ import annotations

from tutor.engine import chunks
from tutor.engine.exchange import Emit, Exchange, Settings
from tutor.engine.headers import build_set_cookie
from tutor.engine.ids import abbreviate


class SessionCookie:
    """One server's session cookie: its options (``cookie:``), whether it is chunked and sliding."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.options = settings.options.cookie
        self.sliding = self.options.expires == "sliding"
        self.chunked = settings.options.sign_in == "next-auth"
        """next-auth writes and reads its session cookie in chunks (chunks.py); an app's own
        ``cookies().set`` / ``cookies().get`` (``sign_in: server-action``) knows only the one name."""

    @property
    def name(self) -> str:
        """The session cookie's name (``cookie.name``; chunks are ``NAME.0``, ``NAME.1`` …)."""
        return self.options.name

    def read(self, cookies: dict[str, str]) -> str | None:
        """The session cookie's value in a request: next-auth joins its chunks (``SessionStore.value``)."""
        name = self.name
        return chunks.read(cookies, name) if self.chunked else cookies.get(name)

    def parts(self, cookies: dict[str, str]) -> tuple[str, ...]:
        """The session cookie's names in a request, as the server knows them (see :meth:`read`)."""
        name = self.name
        if self.chunked:
            return tuple(chunks.parts(cookies, name))
        return (name,) if name in cookies else ()

    def header(self, value: str, max_age: int | None, expires: int | None = None, name: str | None = None) -> str:
        c = self.options
        return build_set_cookie(
            c.name if name is None else name,
            value,
            path=c.path,
            max_age=max_age,
            expires=expires,
            secure=c.secure,
            http_only=c.http_only,
            same_site=None if c.same_site == "unset" else c.same_site,
        )

    def write(
        self,
        ex: Exchange,
        value: str,
        emit: Emit,
        action: str = "Set session cookie",
        result: str | None = None,
        *,
        remember: bool = False,
        expires: int | None = None,
    ) -> None:
        """Set-Cookie with the session cookie; ``remember``: a persistent one (``cookie.remember_max_age``);
        ``expires``: the session's expiry, written as ``Expires`` when ``cookie.expires`` is ``sliding``."""
        if remember:
            max_age: int | None = self.settings.remember_max_age
            if action == "Set session cookie":
                action = "Set persistent session cookie (remember me)"
        else:
            max_age = self.settings.cookie_max_age
        planned = chunks.plan(ex.session_parts, self.name, value, chunked=self.chunked)
        written = [n for n, v in planned if v is not None]
        store = dict(ex.cookie_store)
        for n, v in planned:
            if v is None:
                store.pop(n, None)
            else:
                store[n] = v
        ex.cookie_store = store
        ex.session_parts = tuple(written)
        for n, part in planned:
            if part is None:  # a part the new value no longer needs (next-auth v4 core/lib/cookie.ts `chunk`)
                header = self.header("", 0, name=n)
                ex.set_cookies[n], ex.set_cookie = header, header
                fits = f"{len(written)} cookie{'s' if len(written) != 1 else ''}"
                emit(
                    "clear_cookie",
                    f"Clear stale chunk {n}",
                    f"The value now fits in {fits}: Set-Cookie {n}=; Max-Age=0",
                    ex,
                )
                continue
            header = self.header(part, max_age, expires if self.sliding else None, name=n)
            ex.set_cookies[n], ex.set_cookie = header, header
            cookie_text = f"Set-Cookie {n}={abbreviate(part)}; " + "; ".join(header.split("; ")[1:])
            if len(written) == 1:
                emit("set_cookie", action, cookie_text if result is None else result, ex)
                continue
            i = written.index(n)
            step_result = cookie_text
            if i == 0:  # next-auth v4 core/lib/cookie.ts: at most CHUNK_SIZE = 4096 - 163 characters a cookie
                split_note = f"{len(value):,} characters, over {chunks.CHUNK_SIZE:,}: split into {len(written)} cookies"
                step_result = f"{'' if result is None else result + '; '}{split_note}: {cookie_text}"
            emit("set_cookie", f"{action}: chunk {i + 1} of {len(written)}", step_result, ex)

    def clear(self, ex: Exchange, emit: Emit, why: str) -> None:
        """Delete the session cookie: every part the browser holds (next-auth v4 core/lib/cookie.ts
        ``clean()``), the plain name when it is not known to hold any."""
        held = ex.session_parts or (self.name,)
        ex.cookie_store = {k: v for k, v in ex.cookie_store.items() if k not in held and k != self.name}
        ex.session_parts = ()
        for i, n in enumerate(held):
            header = self.header("", 0, name=n)
            ex.set_cookies[n] = header
            ex.set_cookie = header
            action = "Clear session cookie" if len(held) == 1 else f"Clear session cookie: chunk {i + 1} of {len(held)}"
            emit("clear_cookie", action, f"{why}: Set-Cookie {n}=; Max-Age=0", ex)
        ex.session_id = None
        ex.session = None
        ex.user = None


__all__ = ["SessionCookie"]
