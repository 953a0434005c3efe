"""A named browser: its cookie jar, its ``document.cookie`` view, and the requests it sends."""

from __future__ import annotations

from dataclasses import dataclass, field

from tutor.engine import chunks
from tutor.engine.cookies import CookieJar, StoreOutcome, build_cookie_header


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    """The path without the query string."""
    scheme: str = "https"
    cross_site: bool = False
    top_level: bool = True
    cookies: dict[str, str] = field(default_factory=dict)
    """The cookies that came with the request, name → value (the first of a name wins)."""
    cookie_header: str = ""
    same_site_rule: str | None = None
    """A cross-site request: the rule that decided whether the watched cookie (the session cookie) went
    with it, in words — the browser's third-party policy for a subresource request that blocks or
    partitions, else SameSite; ``None`` for a same-site request or when there was no such cookie."""

    @property
    def line(self) -> str:
        return f"{self.method} {self.path}"


class Browser:
    """One browser (the learner's, a phone, an attacker's ...): one jar for every host it talks to.
    ``host`` is the one it talks to unless a call names another (a scenario with several servers)."""

    def __init__(self, name: str, host: str, kind: str = "chromium", third_party: str | None = None) -> None:
        self.name = name
        self.host = host
        self.jar = CookieJar(kind, third_party)

    @property
    def kind(self) -> str:
        """``chromium``, ``firefox`` or ``safari``: whose cookie rules this browser follows."""
        return self.jar.kind

    @kind.setter
    def kind(self, kind: str) -> None:
        self.jar.kind = kind

    @property
    def third_party(self) -> str:
        """``allow``, ``block`` or ``partition``: cookies on cross-site subresource requests (the one
        set, else the kind's default)."""
        return self.jar.third_party

    @third_party.setter
    def third_party(self, policy: str | None) -> None:
        self.jar.third_party = policy

    def build_request(
        self,
        method: str,
        target: str,
        *,
        now: int,
        scheme: str = "https",
        cross_site: bool = False,
        top_level: bool = True,
        watch: str | None = None,
        host: str | None = None,
    ) -> Request:
        """The request this browser sends (to ``host``, default :attr:`host`); ``watch`` names the cookie
        whose SameSite decision a cross-site request explains (:attr:`Request.same_site_rule`)."""
        host = host or self.host
        path = target.split("?", 1)[0] or "/"
        sent = self.jar.cookies_for(
            host=host, path=path, scheme=scheme, now=now, method=method, cross_site=cross_site, top_level=top_level
        )
        cookies: dict[str, str] = {}
        for c in sent:
            cookies.setdefault(c.name, c.value)
        rule = None
        if cross_site and watch is not None:
            # the third-party policy comes first: it decides for every cookie (see CookieJar.cookies_for)
            rule = self.jar.third_party_rule(cross_site=cross_site, top_level=top_level)
        if rule is None and cross_site and watch is not None:
            # the watched cookie as a same-site request would carry it: SameSite alone decides the rest
            candidates = self.jar.cookies_for(host=host, path=path, scheme=scheme, now=now, method=method)
            watched = next((c for c in candidates if c.name == watch), None)
            if watched is None:  # a chunked session cookie (chunks.py): its parts share their attributes
                watched = next((c for c in candidates if chunks.is_part(c.name, watch)), None)
            if watched is not None:
                rule = self.jar.same_site_rule(watched, method=method, top_level=top_level, now=now)[1]
        return Request(
            method=method,
            path=path,
            scheme=scheme,
            cross_site=cross_site,
            top_level=top_level,
            cookies=cookies,
            cookie_header=build_cookie_header(sent),
            same_site_rule=rule,
        )

    def store_cookies(
        self, headers: list[str], request: Request, now: int, host: str | None = None
    ) -> list[StoreOutcome]:
        """Apply a response's ``Set-Cookie`` headers (from ``host``, default :attr:`host`) to the jar, in order."""
        return [
            self.jar.set_from_header(
                h,
                host=host or self.host,
                path=request.path,
                scheme=request.scheme,
                now=now,
                cross_site=request.cross_site,
                top_level=request.top_level,
            )
            for h in headers
        ]

    def write_document_cookie(
        self, values: list[str], now: int, host: str | None = None, scheme: str = "https"
    ) -> list[StoreOutcome]:
        """A script on the ``/`` page of ``host`` (default :attr:`host`) assigns each of ``values`` to
        ``document.cookie``, in order (the jar's non-HTTP API rules: :meth:`CookieJar.set_from_script`)."""
        return [self.jar.set_from_script(v, host=host or self.host, scheme=scheme, now=now) for v in values]

    def document_cookie(self, now: int, host: str | None = None) -> str:
        """``document.cookie`` on the ``/`` page of ``host`` (default :attr:`host`)."""
        return self.jar.document_cookie(host=host or self.host, now=now)

    def has_cookie(self, name: str, now: int, host: str | None = None, *, chunked: bool = True) -> bool:
        """Does the jar hold cookie ``name`` for ``host`` (default :attr:`host`), or (``chunked``) any of
        its next-auth chunks (``name.0`` …; chunks.py)?"""
        host = host or self.host
        if self.jar.get(name, now, host=host) is not None:
            return True
        return chunked and any(
            chunks.is_part(c.name, name) and self.jar.get(c.name, now, host=host) for c in self.jar.all(now)
        )


__all__ = ["Browser", "Request"]
