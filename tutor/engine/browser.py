"""A named browser: its cookie jar, its ``document.cookie`` view, and the requests it sends."""

from __future__ import annotations

from dataclasses import dataclass, field

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

    @property
    def line(self) -> str:
        return f"{self.method} {self.path}"


class Browser:
    """One browser (the learner's, a phone, an attacker's ...) talking to one host."""

    def __init__(self, name: str, host: str) -> None:
        self.name = name
        self.host = host
        self.jar = CookieJar()

    def build_request(
        self, method: str, target: str, *, now: int, scheme: str = "https", cross_site: bool = False, top_level: bool = True
    ) -> Request:
        path = target.split("?", 1)[0] or "/"
        sent = self.jar.cookies_for(
            host=self.host, path=path, scheme=scheme, now=now, method=method, cross_site=cross_site, top_level=top_level
        )
        cookies: dict[str, str] = {}
        for c in sent:
            cookies.setdefault(c.name, c.value)
        return Request(
            method=method,
            path=path,
            scheme=scheme,
            cross_site=cross_site,
            top_level=top_level,
            cookies=cookies,
            cookie_header=build_cookie_header(sent),
        )

    def store_cookies(self, headers: list[str], request: Request, now: int) -> list[StoreOutcome]:
        """Apply a response's ``Set-Cookie`` headers to the jar, in order."""
        return [
            self.jar.set_from_header(h, host=self.host, path=request.path, scheme=request.scheme, now=now)
            for h in headers
        ]

    def document_cookie(self, now: int) -> str:
        """``document.cookie`` on this host's ``/`` page."""
        return self.jar.document_cookie(host=self.host, now=now)

    def has_cookie(self, name: str, now: int) -> bool:
        return self.jar.get(name, now, host=self.host) is not None


__all__ = ["Browser", "Request"]
