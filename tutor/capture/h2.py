"""HTTP/2 (and HTTP/3) requests in a HAR: pseudo-header fields and split ``cookie`` header fields.

What Chromium 156 writes over HTTP/2 (Playwright 1.65's ``record_har_path``, measured by
``tests/conformance/har_h2.py``, fixture ``tests/fixtures/har/recorded/chromium-h2.har``): ``httpVersion``
``HTTP/2.0``, header names in lower case (RFC 9113 §8.2.1), the request's pseudo-header fields
``:authority``, ``:method``, ``:path``, ``:scheme`` first among its headers (RFC 9113 §8.3.1), none in the
response (its status is only ``status``), and one ``cookie`` field per request. Other clients may split
the Cookie header into one field per cookie-pair ("crumbs"), which the server must join with ``"; "``
(RFC 9113 §8.2.3); :func:`cookie_header` joins them.

A pseudo-header is no header to show and no cookie (nothing here reads one as either). The request's URL
is the HAR's ``url``; a HAR whose ``url`` has no host (a relative URL, as some proxies write) gets its scheme, host and
path from ``:scheme``, ``:authority`` (else ``host``) and ``:path`` (RFC 9113 §8.3.1): :func:`request_url`.
"""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit

from tutor.capture.har import Entry, NameValue, header_values


def cookie_header(headers: list[NameValue]) -> str | None:
    """The request's Cookie header: several ``cookie`` fields joined with ``"; "`` as RFC 9113 §8.2.3
    says a server does (``None``: no ``cookie`` field at all)."""
    values = header_values(headers, "cookie")
    return "; ".join(v.strip() for v in values) if values else None


def request_url(entry: Entry) -> SplitResult:
    """The request's URL, split; from the pseudo-headers when the HAR's ``url`` has no host."""
    parts = urlsplit(entry.request.url)
    if parts.hostname:
        return parts
    headers = entry.request.headers
    authority = (header_values(headers, ":authority") or header_values(headers, "host") or [""])[0].strip()
    if not authority:
        return parts
    scheme = (header_values(headers, ":scheme") or [parts.scheme or "https"])[0].strip().lower()
    target = (header_values(headers, ":path") or [entry.request.url or "/"])[0].strip()
    rest = urlsplit(target if target.startswith("/") else "/" + target)
    return SplitResult(scheme, authority, rest.path or "/", rest.query, rest.fragment)


__all__ = ["cookie_header", "request_url"]
