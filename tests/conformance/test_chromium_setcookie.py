"""The Chromium measurements docs/CONFORMANCE.md cites for the listed http-state / WPT differences, remade
in real Chromium (Debian's, through Playwright, as tests/test_serve.py drives it): a loopback server writes
the raw ``Set-Cookie`` bytes, the browser navigates to it under the suites' host names (mapped to
127.0.0.1), and what it stored is compared with what the model stores for the same header.

Skipped, with the reason, when Playwright or Chromium is missing.
"""

from __future__ import annotations

import json
import os
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tutor.engine.cookies import CookieJar

pytestmark = pytest.mark.conformance

CHROMIUM = os.environ.get("TUTOR_TEST_CHROMIUM", "/usr/bin/chromium")

#: (host, path, headers, what Chromium 156.0.8078.129 stored: (name, value, domain, path), the model too?)
CASES = [
    # RFC 6265bis §5.7 step 7: the last Domain, empty, makes the cookie host-only (WPT domain 42 and
    # http-state OPTIONAL_DOMAIN0042 expect it refused): the model agrees with Chromium
    (
        "www.web-platform.test",
        "/cookies/resources/cookie.py",
        ["test=42; domain=www1.web-platform.test; domain=; path=/"],
        [("test", "42", "www.web-platform.test", "/")],
        True,
    ),
    ("home.example.org", "/cookie-parser", ["foo"], [("", "foo", "home.example.org", "/")], True),  # nameless
    ("home.example.org", "/cookie-parser", ["foo", "bar"], [("", "bar", "home.example.org", "/")], True),
    ("home.example.org", "/cookie-parser", ["a=1; Domain=.org"], [], True),  # a public suffix
    ("home.example.org", "/cookie-parser", ["a=1; Domain=..home.example.org"], [], True),  # one dot stripped
    # the lesson cookie-attributes' hand-written header: "example" is in no list, but an unknown TLD is
    # a public suffix (the PSL's default rule "*"), so Domain=example from app.example is refused
    ("app.example", "/", ["site=1; Domain=example"], [], True),
    ("app.example", "/", ["theme=dark; Expires=Wed, 31 Dec 2026"], [("theme", "dark", "app.example", "/")], True),
    (
        "home.example.org",
        "/cookie-parser",
        ["httponly=1", "@a=bar", 'b="x y"'],
        [
            ("httponly", "1", "home.example.org", "/"),
            ("@a", "bar", "home.example.org", "/"),
            ("b", '"x y"', "home.example.org", "/"),
        ],
        True,
    ),
    ("home.example.org", "/cookie-parser", ["AAA=BB\x01ZYX"], [], True),  # a CTL: §5.6 step 1
    # a bare CR or LF on the wire ends the header line in Chromium's HTTP parser: the cookie parser sees
    # "AAA=BB". The model receives header values, and refuses the value with the CR/LF (listed differences)
    ("home.example.org", "/cookie-parser", ["AAA=BB\rZYX"], [("AAA", "BB", "home.example.org", "/")], False),
    ("home.example.org", "/cookie-parser", ["AAA=BB\nZYX"], [("AAA", "BB", "home.example.org", "/")], False),
    (
        "home.example.org",
        "/a/b",
        ["rel=1; Path=rel", "rel2=1; Path=/x; Path=rel"],
        [("rel", "1", "home.example.org", "/a"), ("rel2", "1", "home.example.org", "/a")],
        True,
    ),
]


def _skip_reason() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install '.[test]'): Chromium's Set-Cookie reading is not remeasured"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium): its Set-Cookie reading is not remeasured"
    return None


class _RawSetCookie(BaseHTTPRequestHandler):
    """Answers with the ``Set-Cookie`` headers the query's ``set`` (JSON) lists, byte for byte."""

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        out = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\nConnection: close\r\n"
        for header in json.loads(query["set"][0]):
            out += b"Set-Cookie: " + header.encode("latin-1") + b"\r\n"
        self.wfile.write(out + b"\r\nok")
        self.close_connection = True


def _model(host: str, path: str, headers: list[str]) -> list[tuple[str, str, str, str]]:
    jar = CookieJar("chromium")
    for header in headers:
        jar.set_from_header(header, host=host, path=path, scheme="http", now=0)
    return sorted((c.name, c.value, c.domain, c.path) for c in jar.all(0))


def test_the_model_stores_what_chromium_stores(tmp_path) -> None:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), _RawSetCookie)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    home = tmp_path / "browser-home"
    home.mkdir()
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }
    seen = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--host-resolver-rules=MAP * 127.0.0.1"], env=env
            )
            try:
                for host, path, headers, _, _ in CASES:
                    context = browser.new_context()
                    page = context.new_page()
                    page.goto(f"http://{host}:{port}{path}?set=" + urllib.parse.quote(json.dumps(headers)))
                    seen.append(sorted((c["name"], c["value"], c["domain"], c["path"]) for c in context.cookies()))
                    context.close()
            finally:
                browser.close()
    finally:
        server.shutdown()
    for (host, path, headers, chromium, model_agrees), stored in zip(CASES, seen, strict=True):
        assert stored == sorted(chromium), f"Chromium stored {stored} for {headers!r}"
        assert (_model(host, path, headers) == stored) is model_agrees, (
            f"{headers!r}: model {_model(host, path, headers)}"
        )
