"""An RFC 6265bis cookie jar: the storage and retrieval models browsers follow today.

``Set-Cookie`` headers are read by :mod:`tutor.engine.setcookie` (RFC 6265bis §5.6 parsing and §5.7 steps
2-22, every refusal with its reason); this module keeps what needs the jar's contents. Times are virtual
seconds (see :mod:`tutor.engine.clock`); an ``Expires`` date is mapped onto the virtual clock with
:data:`EPOCH` (virtual ``0`` is 2026-01-01T00:00:00Z).

Rules modelled:

- ``Max-Age`` wins over ``Expires``; ``Max-Age`` ≤ 0 deletes the cookie; with neither the cookie is a
  *session cookie* that lives until the browser's cookies are cleared (or the browser closes).
- Lifetimes are capped at 400 days.
- Expiry boundary: a cookie whose expiry time is *strictly in the past* is removed. At the exact second
  of its expiry (``now == expires``) it is still stored and sent; one second later it is gone.
- Path matching (§5.1.4) and Domain matching (§5.1.3, the Public Suffix List); without ``Domain`` the
  cookie is *host-only*.
- ``Secure`` cookies are sent only over https, and an http response cannot set one.
- ``HttpOnly`` cookies are hidden from ``document.cookie`` (not from the network).
- Sending (RFC 6265bis §5.8.3: domain, path, Secure, then the third-party policy, then SameSite) is
  :mod:`tutor.engine.cookie_send`, the one home of "which cookies does this request carry", with the
  per-kind rules and their sources; :meth:`CookieJar.cookies_for`, :meth:`CookieJar.send_rule` and
  :meth:`CookieJar.send_verdict` ask it. ``SameSite=None`` without ``Secure`` is rejected by chromium and
  firefox, kept by safari (:mod:`tutor.engine.setcookie`).
- A cookie set in a third-party context (the response to a cross-site request that is not a top-level
  navigation) meets the policy too (:meth:`CookieJar.third_party_refusal`): ``block`` stores none;
  ``partition`` puts it in a partition keyed by the top-level site, not into the site's jar (the model
  keeps no partitions: such a cookie is reported ``partitioned`` and dropped).
- A cookie set by the response to such a request in ``allow`` mode is kept only when its SameSite is
  (or, by the kind's default, counts as) ``None`` (RFC 6265bis §5.7, the storage model's same-site-flag
  step; WPT ``cookies/samesite/iframe`` cases).
- Name + value longer than 4096 bytes: the cookie is ignored.
- Prefixes (case-insensitive): ``__Secure-`` needs ``Secure``; ``__Host-`` needs ``Secure``, ``Path=/``
  and no ``Domain``.
- A cookie with the same name, domain and path replaces the old one, so deleting needs the matching
  Path. The new cookie keeps the old one's creation time (RFC 6265 §5.3); chromium keeps it only when
  the value is unchanged, so a rotated session cookie counts as new for the Lax+POST exception.
- A nameless cookie (``Set-Cookie: token``) is sent as its value alone (§5.8.3 step 6).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import cast

from tutor.engine import cookie_send
from tutor.engine.cookie_send import LAX_POST_WINDOW, Cookie, build_cookie_header, domain_ok, send_order
from tutor.engine.scenario import BROWSER_KINDS, THIRD_PARTY_POLICY_NAMES
from tutor.engine.setcookie import (
    EPOCH,
    MAX_COOKIE_BYTES,
    MAX_LIFETIME,
    Outcome,
    default_path,
    domain_match,
    parse,
    path_match,
)

#: Browser kinds, whose cookie rules differ where the standards leave room (see the module docstring).
KINDS: tuple[str, ...] = BROWSER_KINDS  # defined once, with the scenario format's `kind:` type
#: Third-party cookie policies (the scenario's ``browsers: {NAME: {third_party: ...}}``).
THIRD_PARTY_POLICIES: tuple[str, ...] = THIRD_PARTY_POLICY_NAMES
#: Each kind's policy when the scenario does not name one (sources in the module docstring):
#: chromium allows third-party cookies in a normal window (Chrome 156 default), firefox partitions them
#: (Total Cookie Protection, default since 2022), safari blocks them (since Safari 13.1).
THIRD_PARTY_DEFAULTS: Mapping[str, str] = MappingProxyType(
    {"chromium": "allow", "firefox": "partition", "safari": "block"}
)


@dataclass(frozen=True, slots=True)
class StoreOutcome:
    """What the browser did with one ``Set-Cookie`` header."""

    name: str
    outcome: str
    """``stored``, ``replaced``, ``deleted``, ``rejected`` or ``partitioned`` (set in a third-party
    context of a browser that partitions: kept apart from the site's own cookies; the model drops it)."""
    reason: str = ""
    notes: tuple[str, ...] = ()
    """The attributes the browser ignored or reinterpreted, in the words of the rule (see
    :mod:`tutor.engine.setcookie`)."""

    def describe(self) -> str:
        text = f"{self.name or '(nameless)'} {self.outcome}"
        return f"{text} ({self.reason})" if self.reason else text


class CookieJar:
    """One browser's cookies. ``version`` changes whenever the contents change. ``kind`` (one of
    :data:`KINDS`) is whose rules it follows where browsers differ."""

    def __init__(self, kind: str = "chromium", third_party: str | None = None) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown browser kind {kind!r}: expected {', '.join(KINDS)}")
        self._kind = kind
        self._third_party: str | None = None
        self.third_party = third_party
        self._cookies: dict[tuple[str, str, str], Cookie] = {}
        self.version = 0
        self._soonest: int | None = None
        """No cookie expires before this second (a lower bound), so most purges cost nothing."""
        self._answers: dict[tuple[object, ...], object] = {}
        """Answers to queries (:meth:`get`, :meth:`cookies_for`) at ``_answers_version``: every change
        of the contents changes ``version``, which empties this."""
        self._answers_version = 0

    @property
    def kind(self) -> str:
        return self._kind

    @kind.setter
    def kind(self, kind: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown browser kind {kind!r}: expected {', '.join(KINDS)}")
        if kind != self._kind:
            self._kind = kind
            self._answers_version = -1  # cached answers were worked out with the old rules

    @property
    def soonest(self) -> int | None:
        """No cookie in the jar expires before this second (``None``: none expires): a purge before
        then finds nothing to remove."""
        return self._soonest

    @property
    def third_party(self) -> str:
        """The third-party policy in force (``allow``, ``block`` or ``partition``): the one set, else
        the kind's default (:data:`THIRD_PARTY_DEFAULTS`)."""
        return self._third_party or THIRD_PARTY_DEFAULTS[self._kind]

    @third_party.setter
    def third_party(self, policy: str | None) -> None:
        """``None`` goes back to the kind's default."""
        if policy is not None and policy not in THIRD_PARTY_POLICIES:
            raise ValueError(f"unknown third-party policy {policy!r}: expected {', '.join(THIRD_PARTY_POLICIES)}")
        if policy != self._third_party:
            self._third_party = policy
            self._answers_version = -1

    def third_party_rule(self, *, cross_site: bool, top_level: bool) -> str | None:
        """The third-party policy's verdict on a request, in words, when it keeps every first-party
        cookie off it; ``None`` when SameSite decides (:func:`tutor.engine.cookie_send.third_party_rule`)."""
        return cookie_send.third_party_rule(
            self._kind, self.third_party, self._third_party is not None, cross_site=cross_site, top_level=top_level
        )

    def _answers_now(self, now: int) -> dict[tuple[object, ...], object]:
        """Purge, then the answer cache valid for the current contents."""
        soonest = self._soonest
        if soonest is not None and soonest < now:
            self.purge(now)
        if self._answers_version != self.version:
            self._answers = {}
            self._answers_version = self.version
        return self._answers

    # -- reading -------------------------------------------------------------------------------
    def purge(self, now: int) -> bool:
        """Evict cookies strictly past their expiry; True when any went."""
        if self._soonest is None or self._soonest >= now:
            return False
        dead = [k for k, c in self._cookies.items() if c.expired(now)]
        for k in dead:
            del self._cookies[k]
        if dead:
            self.version += 1
        self._soonest = min((c.expires for c in self._cookies.values() if c.expires is not None), default=None)
        return bool(dead)

    def _track(self, cookie: Cookie) -> None:
        if cookie.expires is not None and (self._soonest is None or cookie.expires < self._soonest):
            self._soonest = cookie.expires

    def all(self, now: int) -> list[Cookie]:
        self.purge(now)
        return list(self._cookies.values())

    def get(self, name: str, now: int, *, host: str | None = None) -> Cookie | None:
        """The cookie of this name (the longest path first) whose domain matches ``host`` if given."""
        answers = self._answers_now(now)
        key = ("get", name, host)
        try:
            return answers[key]  # type: ignore[return-value]
        except KeyError:
            pass
        # (_answers_now has purged: the dict holds exactly what all(now) would list)
        found = [c for c in self._cookies.values() if c.name == name and (host is None or domain_ok(c, host))]
        if len(found) > 1:
            found.sort(key=send_order)
        answer = answers[key] = found[0] if found else None
        return answer

    def cookies_for(
        self,
        *,
        host: str,
        path: str,
        scheme: str,
        now: int,
        method: str = "GET",
        cross_site: bool = False,
        top_level: bool = True,
    ) -> list[Cookie]:
        """The cookies a request carries (RFC 6265bis §5.8.3, :func:`tutor.engine.cookie_send.carried`),
        longest path first, then oldest first."""
        answers = self._answers_now(now)
        if cross_site and not top_level and self.third_party != "allow":
            return []  # the third-party policy comes before SameSite (see third_party_rule)
        # a cross-site answer can depend on a cookie's age (chromium's Lax+POST exception): not cached
        key = None if cross_site else ("for", host, path, scheme, method, top_level)
        known = answers.get(key) if key is not None else None
        if known is not None:
            return list(cast("list[Cookie]", known))
        sent = cookie_send.carried(  # purged by _answers_now, as all(now) would
            self._cookies.values(),
            self._kind,
            host=host,
            path=path,
            scheme=scheme,
            now=now,
            method=method,
            cross_site=cross_site,
            top_level=top_level,
        )
        if key is not None:
            answers[key] = tuple(sent)
        return sent

    def send_rule(
        self,
        cookie: Cookie,
        *,
        host: str,
        path: str,
        scheme: str,
        now: int,
        method: str = "GET",
        cross_site: bool = False,
        top_level: bool = True,
    ) -> tuple[bool, str]:
        """Whether a request carries ``cookie``, and the rule that decided, in words
        (:func:`tutor.engine.cookie_send.send_rule`: the checks :meth:`cookies_for` makes, for one cookie)."""
        return cookie_send.send_rule(
            cookie,
            self._kind,
            self.third_party_rule(cross_site=cross_site, top_level=top_level),
            host=host,
            path=path,
            scheme=scheme,
            now=now,
            method=method,
            cross_site=cross_site,
            top_level=top_level,
        )

    def send_verdict(
        self,
        name: str,
        *,
        host: str,
        path: str,
        scheme: str,
        now: int,
        method: str = "GET",
        cross_site: bool = False,
        top_level: bool = True,
    ) -> tuple[Cookie, bool, str] | None:
        """The jar's cookie ``name`` for ``host`` (the one :meth:`cookies_for` would list first: a
        request it carries before one it does not) and whether this request carries it, with the rule
        in words; ``None`` when the jar holds no cookie of that name whose domain matches ``host``
        (the capture replay asks this of a cookie the browser sent and the model did not)."""
        found = sorted((c for c in self.all(now) if c.name == name and domain_ok(c, host)), key=send_order)
        verdicts = [
            (
                c,
                *self.send_rule(
                    c,
                    host=host,
                    path=path,
                    scheme=scheme,
                    now=now,
                    method=method,
                    cross_site=cross_site,
                    top_level=top_level,
                ),
            )
            for c in found
        ]
        verdicts.sort(key=lambda v: not v[1])  # stable: the first carried one, else the first
        return verdicts[0] if verdicts else None

    def same_site_rule(self, cookie: Cookie, *, method: str, top_level: bool, now: int) -> tuple[bool, str]:
        """Whether ``cookie`` goes with a *cross-site* request, and the rule that decided, in words
        (:func:`tutor.engine.cookie_send.same_site_rule` for this jar's kind)."""
        return cookie_send.same_site_rule(self._kind, cookie, method=method, top_level=top_level, now=now)

    def document_cookie(self, *, host: str, now: int, path: str = "/", scheme: str = "https") -> str:
        """What a page script sees in ``document.cookie``: no HttpOnly cookies."""
        self._answers_now(now)  # purge first, as cookies_for would
        for c in self._cookies.values():
            if not c.http_only:
                break
        else:  # every cookie is HttpOnly (or there are none): scripts see nothing
            return ""
        visible = [c for c in self.cookies_for(host=host, path=path, scheme=scheme, now=now) if not c.http_only]
        return build_cookie_header(visible)

    def describe(self, now: int, *, hosts: bool = False) -> list[str]:
        """One line per cookie; ``hosts``: each after its domain (``db.example: sessionId=…``)."""
        return [f"{c.domain}: {c.describe()}" if hosts else c.describe() for c in self.all(now)]

    # -- writing -------------------------------------------------------------------------------
    def set_from_header(
        self,
        header: str,
        *,
        host: str,
        path: str,
        scheme: str,
        now: int,
        cross_site: bool = False,
        top_level: bool = True,
    ) -> StoreOutcome:
        """Apply one ``Set-Cookie`` header from a response to ``scheme://host/path``: the response to a
        request that was ``cross_site`` (and a ``top_level`` navigation or not: a cookie set in a
        third-party context meets :meth:`third_party_refusal` first)."""
        parsed = parse(header, host=host, path=path, secure=scheme == "https", now=now, kind=self._kind)
        if cross_site and not top_level and parsed.cookie is not None:
            refused = self.third_party_refusal(parsed.cookie.name, parsed.cookie.same_site, parsed.reasons)
            if refused is not None:
                return refused
        return self.receive(parsed, scheme=scheme, now=now)

    def set_from_script(
        self, text: str, *, host: str, path: str = "/", scheme: str = "https", now: int
    ) -> StoreOutcome:
        """A page script on ``scheme://host/path`` assigns ``document.cookie = text``: the storage model for
        a cookie "received from a non-HTTP API" (RFC 6265bis §5.7): the text is read as a Set-Cookie value,
        a cookie with HttpOnly is ignored entirely, and so is one that would replace (or delete) a stored
        cookie of the same name, domain and path whose http-only-flag is set; the rest is :meth:`receive`."""
        parsed = parse(text, host=host, path=path, secure=scheme == "https", now=now, kind=self._kind)
        got = parsed.cookie
        if got is not None:
            if got.http_only:
                reason = "HttpOnly: a script cannot set an HttpOnly cookie"
                return StoreOutcome(got.name, "rejected", reason, parsed.reasons)
            old = self._cookies.get((got.name, got.domain, got.path))
            if old is not None and old.http_only and not old.expired(now):
                reason = "a stored HttpOnly cookie has this name, domain and path: a script cannot replace it"
                return StoreOutcome(got.name, "rejected", reason, parsed.reasons)
        return self.receive(parsed, scheme=scheme, now=now)

    def receive(self, parsed: Outcome, *, scheme: str, now: int) -> StoreOutcome:
        """Store what :func:`tutor.engine.setcookie.parse` made of a header (RFC 6265bis §5.7 steps 16,
        23 and 24, and deletion by an expiry in the past)."""
        got = parsed.cookie
        if got is None:
            reason = parsed.refusal.removesuffix(": refused")
            return StoreOutcome(parsed.name, "rejected", reason, parsed.reasons[:-1])
        name, value, domain, cookie_path = got.name, got.value, got.domain, got.path
        secure, notes = got.secure, parsed.reasons
        expires = got.expires
        delete = got.deletes(now)
        key = (name, domain, cookie_path)
        old = self._cookies.get(key)
        if not secure and scheme != "https" and self._overlays_secure(name, domain, cookie_path):
            return StoreOutcome(name, "rejected", "would overwrite a Secure cookie from http", notes)
        if delete:
            if old is None:
                return StoreOutcome(name, "deleted", "was not stored", notes)
            del self._cookies[key]
            self.version += 1
            return StoreOutcome(name, "deleted", "", notes)
        cookie = Cookie(
            name=name,
            value=value,
            domain=domain,
            path=cookie_path,
            host_only=got.host_only,
            expires=expires,
            secure=secure,
            http_only=got.http_only,
            same_site=got.same_site,
            created=old.created if old is not None and (self._kind != "chromium" or old.value == value) else now,
        )
        self._cookies[key] = cookie
        self._track(cookie)
        self.version += 1
        return StoreOutcome(name, "replaced" if old is not None else "stored", "", notes)

    def _overlays_secure(self, name: str, domain: str, path: str) -> bool:
        """RFC 6265bis §5.7 step 16: a Secure cookie of this name whose domain domain-matches the new one's
        (or vice versa) and whose path the new path path-matches."""
        return any(
            c.secure
            and c.name == name
            and (domain_match(c.domain, domain) or domain_match(domain, c.domain))
            and path_match(path, c.path)
            for c in self._cookies.values()
        )

    def third_party_refusal(self, name: str, same_site: str | None, notes: tuple[str, ...] = ()) -> StoreOutcome | None:
        """What happens to cookie ``name`` (with this SameSite attribute, ``None`` when absent) set by
        the response to a cross-site request that is not a top-level navigation: ``None`` when it is
        stored as usual. ``block``: refused; ``partition``: it would go to the top-level site's
        partition, not this jar; ``allow``: refused unless its SameSite is (or counts as) None
        (RFC 6265bis §5.7)."""
        policy = self.third_party
        source = "default" if self._third_party is None else "setting"
        if policy == "block":
            return StoreOutcome(name, "rejected", f"third-party cookies blocked ({self._kind} {source})", notes)
        if policy == "partition":
            return StoreOutcome(
                name,
                "partitioned",
                "set in a third-party context: kept only in the other site's partition, not in this jar",
                notes,
            )
        effective = same_site if same_site is not None else ("lax" if self._kind == "chromium" else "none")
        if effective != "none":
            shown = (
                f"SameSite={effective.capitalize()}"
                if same_site is not None
                else "SameSite unset → Lax (chromium default)"
            )
            return StoreOutcome(name, "rejected", f"{shown}: cannot be set by a cross-site subresource response", notes)
        return None

    def put(self, cookie: Cookie) -> None:
        """Put a cookie in directly (devtools, a stolen cookie): replaces one with the same key."""
        old = self._cookies.get(cookie.key)
        if old is not None:
            cookie = replace(cookie, created=old.created)
        self._cookies[cookie.key] = cookie
        self._track(cookie)
        self.version += 1

    def set_value(self, name: str, value: str, now: int, *, host: str) -> Cookie | None:
        """Change the value of a stored cookie by hand; ``None`` when there is no such cookie."""
        old = self.get(name, now, host=host)
        if old is None:
            return None
        new = replace(old, value=value)
        self._cookies[old.key] = new
        self.version += 1
        return new

    def clear(self) -> int:
        """Delete every cookie; returns how many there were."""
        count = len(self._cookies)
        self._cookies.clear()
        self.version += 1
        return count

    def close_session(self) -> int:
        """The browser closes: session cookies (no expiry) go, persistent ones stay."""
        gone = [k for k, c in self._cookies.items() if c.expires is None]
        for k in gone:
            del self._cookies[k]
        if gone:
            self.version += 1
        return len(gone)

    def __len__(self) -> int:
        return len(self._cookies)


__all__ = [
    "EPOCH",
    "KINDS",
    "LAX_POST_WINDOW",
    "MAX_COOKIE_BYTES",
    "MAX_LIFETIME",
    "THIRD_PARTY_DEFAULTS",
    "THIRD_PARTY_POLICIES",
    "Cookie",
    "CookieJar",
    "StoreOutcome",
    "build_cookie_header",
    "default_path",
    "domain_match",
    "path_match",
]
