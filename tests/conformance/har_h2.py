"""Record a real HTTP/2 HAR capture: Chromium (Playwright's ``record_har_path``) against a small HTTPS app
that speaks only HTTP/2 (``h2-server/server.mjs``: node's built-in ``http2`` module, a self-signed
certificate made at run time by :func:`tests.conformance.browsers.server.make_certificate`).

The walk: ``/`` (an anonymous ``sessionId`` and ``visit``), the sign-in form's ``POST /login`` (302 →
``/account`` with three ``Set-Cookie`` in one response: a new ``sessionId``, rotated at sign-in, ``csrf``
and ``theme``), ``/account`` (its script fetches ``/api/me``, which renews ``sessionId`` with a later
Max-Age), a second ``fetch('/api/me')``, the sign-out form's ``POST /logout`` (303 → ``/``, deleting
``sessionId`` and ``csrf``; ``/`` starts a new anonymous session), then ``/`` again. :func:`record` writes the unredacted capture
(``python -m tests.conformance.har_recorder h2 OUT.har`` redacts it).

:func:`record_firefox` makes the same walk in real Firefox ESR over HTTP/2 (``firefox-h2``): its DevTools
HAR auto-export (:mod:`tests.conformance.har_firefox`), ``network.dns.localDomains`` for the site, the
WebDriver capability ``acceptInsecureCerts`` for the self-signed certificate; the second session read is
``/api/me`` loaded as a page (a ``fetch()`` after a load is in no export).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

from .browsers import matrix
from .browsers.server import make_certificate

SERVER = Path(__file__).resolve().parent / "h2-server" / "server.mjs"
#: the site the capture visits (mapped to 127.0.0.1 by Chromium's --host-resolver-rules)
SITE = matrix.SITE_A


def unavailable() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed (Debian: apt-get install nodejs): the HTTP/2 server cannot run"
    return None


class H2Server:
    """``node server.mjs`` on 127.0.0.1 at a port it picks; closed by closing its stdin."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="har-h2-"))
        cert, key, self.spki = make_certificate(self.folder)
        self.process = subprocess.Popen(
            ["node", str(SERVER), str(cert), str(key)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line: list[str] = []
        stdout = self.process.stdout
        assert stdout is not None  # stdout=PIPE
        reader = threading.Thread(target=lambda: line.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(60)  # a generous deadline for node to start on a loaded machine
        if not line or not line[0].startswith("listening "):
            self.close()
            raise RuntimeError(f"the HTTP/2 server did not start: {line[:1]}")
        self.port = int(line[0].split()[1])

    def url(self, path: str) -> str:
        return f"https://{SITE}:{self.port}{path}"

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def _session(context: Any) -> str | None:
    return next((c["value"] for c in context.cookies() if c["name"] == "sessionId"), None)


def record(out: Path) -> dict[str, Any]:
    """Record the HTTP/2 capture into ``out`` (unredacted); returns the values the browser held."""
    from playwright.sync_api import sync_playwright

    from .har_recorder import DEADLINE, _launch

    server = H2Server()
    home = Path(tempfile.mkdtemp(prefix="har-recorder-"))
    secrets: set[str] = set()
    try:
        with sync_playwright() as p:
            browser = _launch(
                p,
                home,
                [f"--host-resolver-rules=MAP {SITE} 127.0.0.1", f"--ignore-certificate-errors-spki-list={server.spki}"],
            )
            try:
                version = browser.version
                context = browser.new_context(record_har_path=str(out), record_har_content="omit")
                context.set_default_timeout(DEADLINE * 1000)  # every goto and wait: generous on a loaded machine
                page = context.new_page()
                page.goto(server.url("/"))
                anonymous = _session(context)
                with page.expect_navigation(url=server.url("/account")):
                    page.click("button")  # POST /login → 302 → /account
                page.wait_for_function("document.title === 'me alice'")  # its fetch('/api/me') came back
                user = page.evaluate("fetch('/api/me').then(r => r.json()).then(j => j.user)")
                if user != "alice":
                    raise RuntimeError(f"the second session read returned {user!r}")
                signed_in = _session(context)
                if signed_in in (None, anonymous):
                    raise RuntimeError("the session ID was not rotated at sign-in")
                secrets.update(c["value"] for c in context.cookies() if c["name"] in ("sessionId", "csrf"))
                with page.expect_navigation(url=server.url("/")):
                    page.click("button")  # POST /logout → 303 → /
                page.goto(server.url("/"))
                if _session(context) in (None, signed_in, anonymous):
                    raise RuntimeError("the signed-in session outlived the sign-out")
                secrets.update(c["value"] for c in context.cookies() if c["name"] == "sessionId")
                context.close()  # writes the HAR
            finally:
                browser.close()
    finally:
        server.close()
        shutil.rmtree(home, ignore_errors=True)
    return {"secrets": sorted(secrets), "browser": f"Chromium {version}"}


def record_firefox(out: Path) -> dict[str, Any]:
    """The same walk in Firefox ESR over HTTP/2, written unredacted into ``out``."""
    from marionette_driver import By

    from .har_firefox import _Exports, recording_client

    server = H2Server()
    home = Path(tempfile.mkdtemp(prefix="har-firefox-h2-"))
    exports = _Exports(home / "har")
    exports.folder.mkdir()
    secrets: set[str] = set()
    try:
        # network.dns.localDomains: the site resolved to the loopback address
        client = recording_client(home, exports.folder, **{"network.dns.localDomains": SITE})
        try:
            client.start_session({"acceptInsecureCerts": True})
            version = client.session_capabilities.get("browserVersion", "?")
            client.navigate(server.url("/"))
            exports.take()
            client.find_element(By.CSS_SELECTOR, "button").click()  # POST /login → 302 → /account (+ its fetch)
            exports.take()
            client.navigate(server.url("/api/me"))  # the second session read, as a page
            exports.take()
            with client.using_context("chrome"):
                secrets.update(
                    client.execute_script(
                        "return Services.cookies.cookies.filter(c => ['sessionId', 'csrf'].includes(c.name))"
                        ".map(c => c.value)"
                    )
                )
            client.navigate(server.url("/account"))
            exports.take()
            client.find_element(By.CSS_SELECTOR, "button").click()  # POST /logout → 303 → /
            exports.take()
        finally:
            client.cleanup()
        out.write_text(json.dumps(exports.joined(), indent=1) + "\n", encoding="utf-8")
    finally:
        server.close()
        shutil.rmtree(home, ignore_errors=True)
    return {"secrets": sorted(s for s in secrets if s), "browser": f"Firefox {version}"}


__all__ = ["H2Server", "SERVER", "record", "record_firefox", "unavailable"]
