"""The scenario format: engine options and the events a scenario plays.

These msgspec structs are the *public contract* of the `engine:` / `events:` YAML that authors write,
both in scenario files (`tutor simulate FILE`) and inside lessons (`scenario:`). The lesson loader walks
these types to validate YAML with exact positions, and `tutor schema` derives the JSON Schema from them,
so a field added here is automatically validated and documented.

Durations are strings such as ``90s``, ``31m``, ``2h`` or ``7d`` (see :mod:`tutor.engine.clock`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Literal, get_args

from msgspec import UNSET, Meta, Struct, UnsetType, field, structs

#: A duration such as ``90s``, ``31m``, ``2h``, ``7d`` (also ``1h30m``).
Duration = Annotated[
    str,
    Meta(
        pattern=r"^([0-9]+[smhd])+(?!\n)$",
        description="A duration such as 90s, 31m, 2h, 7d or 1h30m.",
    ),
]
#: A duration, or ``none`` to switch the limit off.
OptionalDuration = Annotated[
    str,
    Meta(
        pattern=r"^(none|([0-9]+[smhd])+)(?!\n)$",
        description="A duration such as 30m, or `none` to switch it off.",
    ),
]
#: What a browser may be called (the one definition: the types, the loader's message and the playground's
#: "new browser" prompt use it).
BROWSER_NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,31}(?!\n)$"
BrowserName = Annotated[
    str,
    Meta(pattern=BROWSER_NAME_PATTERN, description="A browser's name, e.g. browser, phone, attacker."),
]
#: What a server may be called (a scenario's `servers:` keys and an event's `server:`).
SERVER_NAME_PATTERN = r"^[a-z][a-z0-9_-]{0,31}(?!\n)$"
ServerName = Annotated[
    str,
    Meta(
        pattern=SERVER_NAME_PATTERN, description="A server's name (a key of the scenario's `servers:`), e.g. jwt, db."
    ),
]
#: The value of one ``Set-Cookie`` header as written by hand (``sid=1; Secure; Domain=.org``), or a list
#: of them (one response with several headers). What is not a header value at all is a problem of
#: ``check_scenario`` (see ``tutor.engine.headers.header_problem``).
SetCookieHeader = Annotated[str, Meta(description="A Set-Cookie header value, e.g. `sid=1; Secure; SameSite=Lax`.")]
SetCookieHeaders = SetCookieHeader | Annotated[list[SetCookieHeader], Meta(min_length=1, max_length=50)]
#: What a page script assigns to ``document.cookie`` (``theme=dark; Path=/``), or a list of assignments in
#: order: the same text as a ``Set-Cookie`` value, stored by the jar's non-HTTP API rules (RFC 6265bis §5.7).
ScriptCookie = Annotated[
    str, Meta(description="What a script assigns to `document.cookie`, e.g. `theme=dark; Path=/; Max-Age=3600`.")
]
ScriptCookies = ScriptCookie | Annotated[list[ScriptCookie], Meta(min_length=1, max_length=50)]
#: A request line a browser sends: any method token (RFC 9110 §9.1: a token, §5.6.2) and an origin-form
#: target (RFC 9112 §3.2.1: an absolute path, maybe a query). ``GET /dashboard``, ``PUT /api/items/3``.
#: RFC 9110 §9.1: a method is a token (§5.6.2's tchar), the one spelling of it (the capture's export asks it too)
METHOD_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
REQUEST_PATTERN = rf"^{METHOD_TOKEN} /\S*(?!\n)$"
RequestLine = Annotated[
    str, Meta(pattern=REQUEST_PATTERN, description="A method and a path, e.g. `GET /dashboard`, `PUT /api/items/3`.")
]
#: A response's status code (RFC 9110 §15: three digits, 100-599).
StatusCode = Annotated[int, Meta(ge=100, le=599, description="An HTTP status code, 100-599 (RFC 9110 §15).")]
#: A name for an event (``mark: login``), so a lesson can refer to its steps by name instead of by number.
Mark = Annotated[
    str,
    Meta(pattern=r"^[a-z][a-z0-9_-]{0,39}(?!\n)$", description="A name for this event, e.g. login, stolen-copy."),
]

_STRUCT = dict(kw_only=True, forbid_unknown_fields=True, frozen=True)


class CookieOptions(Struct, **_STRUCT):
    """The attributes of the session cookie the server sets."""

    name: Annotated[str, Meta(pattern=r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?!\n)$", description="Cookie name.")] = (
        "sessionId"
    )
    http_only: bool = True
    secure: bool = True
    same_site: Literal["strict", "lax", "none", "unset"] = "lax"
    """`unset` leaves the attribute out; the browser's kind then decides: chromium treats it as Lax (with a
    2-minute exception for top-level cross-site POSTs), firefox and safari as None."""
    max_age: OptionalDuration = "none"
    """`none`: no Max-Age, a session cookie that lives until the browser closes (unless `expires` gives it
    a date)."""
    expires: Literal["none", "sliding"] = "none"
    """`sliding`: as next-auth sets its session cookie (both strategies): every response that signs in or
    reads a valid session (re-)issues the cookie with `Expires` = now + `idle_timeout` (next-auth's
    `session.maxAge`; capped by `absolute_timeout`), whatever `update_age` says, so it survives
    `close_browser`. `none`: no Expires (`cookies().set` without `expires`)."""
    remember_max_age: Duration = "30d"
    """The Max-Age of the cookie a `login` with `remember: true` sets (a persistent "remember me" cookie)."""
    path: Annotated[str, Meta(pattern=r"^/")] = "/"
    """The cookie's Path; no `;`, control characters or newlines (they would inject attributes)."""


class EngineOptions(Struct, **_STRUCT):
    """How the modelled server keeps sessions. Every option has a default."""

    strategy: Literal["database", "jwt"] = "database"
    idle_timeout: OptionalDuration = "30m"
    """database: a row unused this long expires. jwt: the token lifetime, renewed on each use (sliding)."""
    absolute_timeout: OptionalDuration = "8h"
    """The longest a session may live after it was created, however busy it is."""
    update_age: OptionalDuration = "none"
    """database: extend a row's expiry at most this often (next-auth `updateAge`); `none` = every request."""
    rotate_on_login: bool = True
    """Issue a fresh session ID on login (turn off to demonstrate session fixation)."""
    anonymous_sessions: bool = True
    """`GET /` starts an anonymous session when the browser has none."""
    store: Literal["memory", "sqlite"] = "memory"
    cookie: CookieOptions = CookieOptions()
    seed: int = 1
    """Seeds every random value (session IDs), so the same scenario gives the same trace."""
    secret: Annotated[str, Meta(min_length=32)] = "tutor-demo-secret-0123456789abcdef"
    """jwt: the HS256 signing secret (at least 32 characters)."""
    users: dict[str, str] = field(default_factory=lambda: {"alice": "wonderland", "bob": "builder"})
    """Accounts that `login` can sign in to: name → password."""
    host: str = "app.example"
    sign_in: Literal["next-auth", "server-action"] = "next-auth"
    """What `POST /login` and `POST /logout` stand for, and so the status of their redirect: next-auth's
    routes (`POST /api/auth/callback/credentials`, `POST /api/auth/signout`) answer 302; Server Actions
    that end in `redirect()` answer 303. A protected page's redirect to /login is Next.js's own: 307."""
    token_version: bool = False
    """jwt: an app pattern, not a next-auth default: each user has a `tokenVersion` in the database, a
    token carries the version it was signed at (`ver`), and the `jwt` callback rejects a token whose
    `ver` is older, so `sign_out_everywhere` (which bumps it) revokes the user's tokens. Off: a jwt
    server cannot revoke a token before it expires or the secret rotates."""
    token_extra: dict[str, Annotated[int, Meta(ge=1, le=20000)]] = field(default_factory=dict)
    """jwt: user → characters of data the app's `jwt` callback adds to that user's token (next-auth
    `callbacks.jwt`: the user's groups and roles, or an OAuth provider's tokens kept for API calls), carried
    as an `extra` claim of seeded filler. With `sign_in: next-auth` a cookie value over 3,933 characters is
    split, as next-auth v4 does, into `NAME.0`, `NAME.1` … cookies (tutor/engine/chunks.py); an app's own
    `cookies().set` (`sign_in: server-action`) does not split it, and a browser refuses a cookie over
    4,096 bytes."""


#: The browser engines whose cookie rules differ (SameSite default, SameSite=None without Secure).
BrowserKind = Literal["chromium", "firefox", "safari"]
BROWSER_KINDS: tuple[str, ...] = get_args(BrowserKind)
#: What a browser does with cookies on a cross-site request that is not a top-level navigation (an
#: image, a fetch, an iframe): see tutor/engine/cookies.py (``THIRD_PARTY_DEFAULTS``, with sources).
ThirdPartyPolicy = Literal["allow", "block", "partition"]
THIRD_PARTY_POLICY_NAMES: tuple[str, ...] = get_args(ThirdPartyPolicy)


class BrowserOptions(Struct, **_STRUCT):
    """A browser declared under the scenario's top-level `browsers:`."""

    kind: BrowserKind = "chromium"
    """Whose cookie rules it follows: chromium (Chrome, Edge, Opera), firefox or safari. A missing
    SameSite is Lax in chromium (with a 2-minute Lax+POST exception) and None in firefox and safari;
    SameSite=None without Secure is rejected by chromium and firefox, accepted by safari."""
    third_party: ThirdPartyPolicy | None = None
    """Cookies on a cross-site request that is not a top-level navigation (an image, a fetch, an
    iframe), decided before SameSite: `allow` (SameSite decides), `block` (none sent, none stored),
    `partition` (none of the site's own cookies sent; Firefox's Total Cookie Protection). Default from
    the kind: chromium allow (a normal window; incognito and headless Chromium block), firefox
    partition, safari block."""


#: The browser that exists from the start (``as:`` and ``steal.from`` default to it).
DEFAULT_BROWSER = "browser"


class Tamper(Struct, **_STRUCT):
    """Change a cookie in a browser's jar by hand, as an attacker or a curious user would."""

    cookie: str | None = None
    """The cookie's name; defaults to the session cookie (held in next-auth's chunks `NAME.0`, `NAME.1` …:
    their joined value, as the server reads it, written back over the same chunks)."""
    value: str | None = None
    """Replace the whole value."""
    claims: dict[str, str | int | bool | None] | None = None
    """jwt: change these payload claims but keep the old signature."""


class Steal(Struct, **_STRUCT):
    """Copy cookies from one browser's jar into another's (`to` is created if new)."""

    from_: BrowserName = field(name="from", default=DEFAULT_BROWSER)
    to: BrowserName = "attacker"
    cookie: str | None = None
    """Copy only this cookie; default: the session cookie."""


class Xss(Struct, **_STRUCT):
    """A script injected into the page reads `document.cookie` and sends it to `to`."""

    to: BrowserName = "attacker"


class RotateSecret(Struct, **_STRUCT):
    """The server's signing secret is replaced (`AUTH_SECRET` changes and the app restarts)."""

    keep_old: bool = False
    """Keep the old secret for verifying (Auth.js v5: `secret: [new, old]`, or `AUTH_SECRET_1`): old
    tokens still verify and are re-signed with the new secret on their next use. `false`: the secret is
    replaced (next-auth v4's one `secret`), so every token signed with the old one is rejected."""


class Event(Struct, **_STRUCT):
    """One thing that happens. Exactly one of the verb fields is given.

    A bare string event (``- logout``) is the verb with no argument.
    """

    # verbs
    request: RequestLine | UnsetType = UNSET
    """The browser sends this request (`GET /dashboard`; any method, RFC 9110 §9.1) and the engine's server
    answers it by its routes; with `status:` the app's answer is written by hand instead (any path)."""
    login: str | UnsetType = UNSET
    """POST /login as this user (with the right password unless `password` is given)."""
    logout: None | UnsetType = UNSET
    advance: Duration | UnsetType = UNSET
    tamper: Tamper | UnsetType = UNSET
    steal: Steal | UnsetType = UNSET
    xss: Xss | UnsetType = UNSET
    clear_cookies: None | UnsetType = UNSET
    restart_server: None | UnsetType = UNSET
    close_browser: None | UnsetType = UNSET
    """The browser (`as:`) is closed and reopened: its session cookies (no Max-Age/Expires) are gone,
    persistent ones stay."""
    set_cookie: SetCookieHeaders | UnsetType = UNSET
    """The browser (`as:`) sends GET / and the server answers with exactly this `Set-Cookie` header value
    (or these, a list: one response with several headers) instead of its own; the browser applies each as
    it would any, so a hand-written header shows what a browser stores, changes or refuses. `answers:`
    names another request than GET /, `status:` another status than 200."""
    sign_out_everywhere: str | UnsetType = UNSET
    """Revoke every session of this user (a "sign out of all devices" button, or what an app does after
    a password change). database: the app deletes all the user's rows (with the Prisma adapter:
    `prisma.session.deleteMany({ where: { userId } })`; next-auth itself has no such call). jwt: nothing
    to delete; the tokens stay valid unless `engine.token_version` is on (then the user's version is bumped)."""
    document_cookie: ScriptCookies | UnsetType = UNSET
    """A script on the page of the browser (`as:`) writes `document.cookie = "VALUE"` (or each of a list,
    in order): the jar stores it by the rules for a non-HTTP API (RFC 6265bis §5.7): a cookie with
    HttpOnly is ignored, and so is one that would replace (or delete) a stored HttpOnly cookie. The page is
    the server's host at `/` (`scheme: http`: an insecure page, which cannot set a Secure cookie)."""
    rotate_secret: RotateSecret | None | UnsetType = UNSET
    """Replace the server's secret (`- rotate_secret`, or `rotate_secret: {keep_old: true}`): see
    RotateSecret."""
    # modifiers
    server: ServerName | None = None
    """With several `servers:`: the server this event goes to or acts on (a request, login, logout,
    set_cookie, tamper, steal, xss, restart_server, rotate_secret, sign_out_everywhere). Needed when the
    scenario has more than one server; with one, it is that one."""
    as_: BrowserName = field(name="as", default=DEFAULT_BROWSER)
    """The browser that acts; `browser` is the default one, others are created on first use."""
    cross_site: bool = False
    """The request starts from another site (SameSite rules apply)."""
    top_level: bool = True
    """A cross-site request that is a top-level navigation (a link click), not a subresource or fetch."""
    scheme: Literal["https", "http"] = "https"
    password: str | None = None
    """login: the password sent (a wrong one fails)."""
    remember: bool = False
    """login: the "remember me" box is ticked: the cookie gets Max-Age `cookie.remember_max_age` (it
    survives `close_browser`); unticked, it follows `cookie.max_age`."""
    answers: RequestLine | None = None
    """set_cookie: the request the hand-written response answers (`POST /api/auth/callback/credentials`;
    default `GET /`): the browser sends it with the cookies it carries, and the response's Set-Cookie are
    stored for its path (a header without Path= gets the request path's directory, RFC 6265bis §5.1.4)."""
    status: StatusCode | None = None
    """request, set_cookie: the status of a response written by hand (set_cookie: default 200). On a
    `request:` it means the app's answer is given, not the engine's: the browser sends the request with its
    cookies, the engine's routes do not run, and the response has this status and no Set-Cookie; so any
    method and path may be written (a capture's `PUT /api/items/3` answered 204)."""
    note: str | None = None
    """A remark for the reader; shown beside the event's steps."""
    mark: Mark | None = None
    """Names this event, so a lesson can refer to its rows as `NAME` or `NAME.phase` (the engine ignores it)."""

    # -- what the event is: the one home of these rules (the engine, challenges and the playground ask) --
    @property
    def verb(self) -> str:
        """The one verb this (already validated) event carries."""
        return event_verb(self)

    @property
    def acting(self) -> str | None:
        """The browser that acts (`as:`), or None for a verb no browser plays (``advance``,
        ``restart_server``, ``steal``: a steal copies between two jars, it is not played by `as`)."""
        return self.as_ if self.verb in BROWSER_VERBS else None

    def browsers(self) -> tuple[tuple[str, str], ...]:
        """(field, browser name) for every browser this event touches: the acting one, then a steal's
        ``from`` and ``to`` and an xss's ``to`` (the jars it reads or fills)."""
        found: list[tuple[str, str]] = []
        if not any(getattr(self, verb) is not UNSET for verb in VERBS) or self.acting is not None:
            # (an event with no verb is invalid; check_scenario says so, and counts its `as` as named)
            found.append(("as", self.as_))
        if isinstance(self.steal, Steal):
            found += [("steal.from", self.steal.from_), ("steal.to", self.steal.to)]
        if isinstance(self.xss, Xss):
            found.append(("xss.to", self.xss.to))
        return tuple(found)

    def touches(self, name: str) -> bool:
        """Does this event act as ``name`` or read or fill its jar?"""
        return any(browser == name for _, browser in self.browsers())

    def modifiers(self) -> dict[str, object]:
        """The modifiers this event sets to something other than their default (see MODIFIER_DEFAULTS)."""
        return {m: getattr(self, m) for m, default in MODIFIER_DEFAULTS.items() if getattr(self, m) != default}


def named_browsers(events: Iterable[Event]) -> set[str]:
    """Every browser these events name (``Event.browsers``), and the default one, which always exists:
    what a declared browser must be among (``check_scenario``, ``tutor check``'s challenge check)."""
    names = {DEFAULT_BROWSER}
    for event in events:
        names.update(name for _, name in event.browsers())
    return names


#: The verbs of an event, in the order they are documented.
VERBS: tuple[str, ...] = (
    "request",
    "login",
    "logout",
    "advance",
    "tamper",
    "steal",
    "xss",
    "clear_cookies",
    "restart_server",
    "close_browser",
    "set_cookie",
    "sign_out_everywhere",
    "rotate_secret",
    "document_cookie",
)
#: Verbs that take no argument, so they may be written as a bare string (``- logout``).
BARE_VERBS: frozenset[str] = frozenset({"logout", "clear_cookies", "restart_server", "close_browser", "rotate_secret"})
#: A bare-string event as the format's types write it (the scenario's and the lesson's `events:`).
BARE_EVENT_PATTERN = r"^(logout|clear_cookies|restart_server|close_browser|rotate_secret)(?!\n)$"
#: Modifiers that only make sense with some verbs.
VERB_MODIFIERS: dict[str, frozenset[str]] = {
    "cross_site": frozenset({"request", "login", "logout", "set_cookie"}),
    "top_level": frozenset({"request", "login", "logout", "set_cookie"}),
    "scheme": frozenset({"request", "login", "logout", "set_cookie", "document_cookie"}),
    "password": frozenset({"login"}),
    "remember": frozenset({"login"}),
    "answers": frozenset({"set_cookie"}),
    "status": frozenset({"request", "set_cookie"}),
}
#: Verbs a browser plays (its `as:` names it); the others happen to the clock, the server, or between jars.
BROWSER_VERBS: frozenset[str] = frozenset(
    {"request", "login", "logout", "tamper", "xss", "clear_cookies", "close_browser", "set_cookie", "document_cookie"}
)
#: Verbs that go to or act on one server (with several `servers:`, an event names it with `server:`).
SERVER_VERBS: frozenset[str] = frozenset(
    {
        "request",
        "login",
        "logout",
        "set_cookie",
        "document_cookie",
        "tamper",
        "steal",
        "xss",
        "restart_server",
        "rotate_secret",
        "sign_out_everywhere",
    }
)
#: Each modifier's default, read from :class:`Event`'s own fields (so it cannot drift from them).
MODIFIER_DEFAULTS: dict[str, object] = {f.name: f.default for f in structs.fields(Event) if f.name in VERB_MODIFIERS}


class Scenario(Struct, **_STRUCT):
    """A whole scenario: the engine's options and the events it plays, in order."""

    engine: EngineOptions = EngineOptions()
    servers: dict[ServerName, EngineOptions] = {}
    """Several servers side by side, instead of `engine:`: name → the options `engine:` takes
    (`{jwt: {strategy: jwt, host: jwt.example}, db: {host: db.example}}`). Each keeps its own store,
    secret, IDs and users; each needs its own `host` (the browser keeps cookies per host). An event that
    goes to a server names it with `server:`."""
    browsers: dict[BrowserName, BrowserOptions] = {}
    """Browsers with a kind other than the default: `{phone: {kind: safari}}`. Undeclared browsers are chromium."""
    events: list[Annotated[str, Meta(pattern=BARE_EVENT_PATTERN)] | Event] = []


def event_verb(event: Event) -> str:
    """The one verb an (already validated) event carries."""
    for verb in VERBS:
        if getattr(event, verb) is not UNSET:
            return verb
    raise ValueError("event has no verb")


def set_cookie_headers(event: Event) -> list[str]:
    """A ``set_cookie`` event's header values as a list (one string is a list of one)."""
    value = event.set_cookie
    if isinstance(value, str):
        return [value]
    return list(value) if isinstance(value, list) else []


def script_cookie_values(event: Event) -> list[str]:
    """A ``document_cookie`` event's assignments as a list (one string is a list of one)."""
    value = event.document_cookie
    if isinstance(value, str):
        return [value]
    return list(value) if isinstance(value, list) else []


def normalise_event(event: str | Event) -> Event:
    """Turn a bare-string event (``"logout"``) into an :class:`Event`."""
    if isinstance(event, Event):
        return event
    bare: dict[str, Any] = {event: None}  # a bare verb's field (logout, clear_cookies, ...) takes null
    return Event(**bare)


__all__ = [
    "BARE_EVENT_PATTERN",
    "BARE_VERBS",
    "BROWSER_KINDS",
    "BROWSER_NAME_PATTERN",
    "BROWSER_VERBS",
    "BrowserKind",
    "BrowserName",
    "BrowserOptions",
    "CookieOptions",
    "DEFAULT_BROWSER",
    "Duration",
    "EngineOptions",
    "Event",
    "MODIFIER_DEFAULTS",
    "named_browsers",
    "Mark",
    "OptionalDuration",
    "METHOD_TOKEN",
    "REQUEST_PATTERN",
    "RequestLine",
    "RotateSecret",
    "Scenario",
    "SERVER_NAME_PATTERN",
    "SERVER_VERBS",
    "ServerName",
    "SetCookieHeader",
    "SetCookieHeaders",
    "ScriptCookie",
    "ScriptCookies",
    "StatusCode",
    "Steal",
    "THIRD_PARTY_POLICY_NAMES",
    "Tamper",
    "ThirdPartyPolicy",
    "VERBS",
    "VERB_MODIFIERS",
    "Xss",
    "event_verb",
    "normalise_event",
    "script_cookie_values",
    "set_cookie_headers",
]
