"""Record real HAR captures (HTTP Archive 1.2) with Playwright's ``record_har_path`` for the HAR walkthrough's
tests (issue 20), and redact them into the committed fixtures under ``tests/fixtures/har/recorded/``.

``python -m tests.conformance.har_recorder nextauth|cookie-matrix|firefox-nextauth|h2|firefox-h2 OUT.har [--raw RAW.har]``
records one capture with Debian's Chromium (``executable_path``, ``--no-sandbox``, a private HOME), redacts it
(:mod:`tests.conformance.har_redact`) and writes OUT; ``--raw`` also keeps the unredacted capture.

* ``nextauth``: the real next-auth app of ``tests/conformance/nextauth-app`` (started as the conformance
  probe starts it, :class:`tests.conformance.nextauth_probe.App`, JWT strategy, maxAge 60 s): the protected
  ``/dashboard`` redirects to the sign-in URL, next-auth's own sign-in page signs in with Credentials, the
  session is read three times with the app's clock moved 30 s between reads (``clock.cjs``; the moves are made
  outside the browser, so they are not in the capture) so the session cookie's ``Expires`` is renewed, and
  next-auth's sign-out page signs out (the cookie is deleted).
* ``cookie-matrix``: the two-site HTTPS server of the real-browser suite
  (:class:`tests.conformance.browsers.server.TestSites`): the matrix is set on site A (one response with
  many ``Set-Cookie``), then a top-level page on site B loads site A's ``/echo`` as an image, a fetch and an
  iframe (cross-site subresources: headless Chromium blocks their third-party cookies), then a top-level
  page on site A loads the same same-site, and a redirect chain (302 → 302 → page) crosses from B to A.
* ``firefox-nextauth``: the same next-auth walk in real Firefox ESR (:mod:`tests.conformance.har_firefox`:
  Firefox's own DevTools HAR auto-export, one file per page load, joined).
* ``h2``: Chromium over HTTP/2 against a small node ``http2`` app (:mod:`tests.conformance.har_h2`): an
  anonymous session, a sign-in POST that rotates it (three ``Set-Cookie`` in one 302), renewals, sign-out;
  ``firefox-h2``: the same walk in Firefox ESR over HTTP/2.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from . import har_firefox, har_h2, har_redact, nextauth_probe
from .browsers import matrix
from .browsers.server import TestSites

CHROMIUM = os.environ.get("TUTOR_TEST_CHROMIUM", "/usr/bin/chromium")
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "har" / "recorded"
#: the password the capture types (the live test checks it never reaches a redacted file)
PASSWORD = nextauth_probe.PASSWORDS["alice"]
#: seconds the app's clock moves between two session reads (under maxAge, over next-auth's 1 s Expires grain)
ADVANCE = 30


def unavailable(need_node: bool, browser: str = "chromium") -> str | None:
    """Why this machine cannot record (``None``: it can)."""
    if browser == "firefox":
        why = har_firefox.unavailable()
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            return "playwright is not installed (pip install '.[test]'): no HAR is recorded"
        why = (
            None
            if os.access(CHROMIUM, os.X_OK)
            else f"no Chromium at {CHROMIUM} (apt-get install chromium): no HAR is recorded"
        )
    if why or not need_node:
        return why
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (Debian: apt-get install nodejs npm): the next-auth app cannot run"
    if not (nextauth_probe.APP / "node_modules" / "next-auth" / "package.json").exists():
        return f"run `npm ci` in {nextauth_probe.APP} first: the next-auth app cannot run"
    return None


def _launch(p: Any, home: Path, args: list[str]) -> Any:
    # Chromium writes its profile, crash reports and dconf under $HOME: a HOME of its own (tests/test_serve.py)
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }
    return p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", *args], env=env)


def record_nextauth(out: Path) -> dict[str, Any]:
    """Record the next-auth sign-in → session reads → sign-out capture into ``out`` (unredacted).

    Returns what the browser held: ``{"secrets": [...], "browser": version}`` (the session token and CSRF
    token values seen in the jar, and the password), for the test that checks redaction."""
    from playwright.sync_api import sync_playwright

    nextauth_probe.prepare()
    app = nextauth_probe.App("jwt")
    home = Path(tempfile.mkdtemp(prefix="har-recorder-"))
    secrets: set[str] = {PASSWORD}
    base = f"http://127.0.0.1:{app.port}"
    try:
        with sync_playwright() as p:
            browser = _launch(p, home, [])
            try:
                version = browser.version
                context = browser.new_context(record_har_path=str(out), record_har_content="omit")
                page = context.new_page()
                page.goto(f"{base}/dashboard")  # not signed in: 307 to the app's sign-in URL (/login, a 404 here)
                page.goto(f"{base}/api/auth/signin?callbackUrl={quote(base + '/dashboard', safe='')}")
                page.fill("input[name=username]", "alice")
                page.fill("input[name=password]", PASSWORD)
                with page.expect_navigation(url=f"{base}/dashboard"):
                    page.click("button[type=submit]")
                page.wait_for_selector("text=dashboard for alice")
                for read in range(3):
                    if read:
                        app.clock(ADVANCE)
                    user = page.evaluate("fetch('/api/auth/session').then(r => r.json()).then(s => s.user.name)")
                    if user != "alice":
                        raise RuntimeError(f"session read {read} returned {user!r}")
                    secrets.update(c["value"] for c in context.cookies() if c["name"].startswith("next-auth."))
                page.goto(f"{base}/api/auth/signout")
                page.click("button[type=submit]")
                # next-auth redirects to the callback URL (the signed-in /dashboard, which now redirects on)
                page.wait_for_url(lambda url: "/api/auth/signout" not in url)
                if any(c["name"] == "next-auth.session-token" for c in context.cookies()):
                    raise RuntimeError("the session cookie outlived the sign-out")
                context.close()  # writes the HAR
            finally:
                browser.close()
    finally:
        app.close()
        shutil.rmtree(home, ignore_errors=True)
    return {"secrets": sorted(s for s in secrets if s), "browser": f"Chromium {version}"}


def record_cookie_matrix(out: Path) -> dict[str, Any]:
    """Record the two-site cookie-matrix capture into ``out`` (unredacted)."""
    from playwright.sync_api import sync_playwright

    sites = TestSites()
    home = Path(tempfile.mkdtemp(prefix="har-recorder-"))
    a, b = matrix.SITE_A, matrix.SITE_B
    try:
        with sync_playwright() as p:
            browser = _launch(
                p,
                home,
                [
                    f"--host-resolver-rules=MAP {a} 127.0.0.1, MAP {b} 127.0.0.1",
                    f"--ignore-certificate-errors-spki-list={sites.spki}",
                ],
            )
            try:
                version = browser.version
                context = browser.new_context(record_har_path=str(out), record_har_content="omit")
                page = context.new_page()
                for path, scheme in (("/set", "https"), ("/set2", "https"), ("/set-http", "http")):
                    page.goto(sites.url(a, path, scheme))
                for page_site, tag in ((b, "cross"), (a, "same")):
                    for what in ("img", "fetch", "iframe"):
                        target = sites.url(a, f"/echo?k={tag}-{what}&what={what}")
                        page.goto(sites.url(page_site, f"/embed?what={what}&t={quote(target, safe='')}"))
                        if sites.wait_for(f"{tag}-{what}") is None:
                            raise RuntimeError(f"chromium made no {tag}-{what} request")
                final = sites.url(a, "/echo?k=redirected&what=page")
                hop = sites.url(a, f"/redirect?t={quote(final, safe='')}")
                page.goto(sites.url(b, f"/redirect?t={quote(hop, safe='')}"))
                if sites.wait_for("redirected") is None:
                    raise RuntimeError("chromium did not follow the redirects")
                context.close()
            finally:
                browser.close()
    finally:
        sites.close()
        shutil.rmtree(home, ignore_errors=True)
    return {"secrets": [], "browser": f"Chromium {version}"}


RECORDERS = {
    "nextauth": record_nextauth,
    "cookie-matrix": record_cookie_matrix,
    "firefox-nextauth": har_firefox.record_nextauth,
    "h2": har_h2.record,
    "firefox-h2": har_h2.record_firefox,
}


def unavailable_for(kind: str) -> str | None:
    if kind.endswith("h2"):
        browser = "firefox" if kind.startswith("firefox") else "chromium"
        return unavailable(need_node=False, browser=browser) or har_h2.unavailable()
    return unavailable(
        need_node=kind.endswith("nextauth"), browser="firefox" if kind.startswith("firefox") else "chromium"
    )


def record(kind: str, out: Path, raw: Path | None = None) -> dict[str, Any]:
    """Record ``kind``, redact it into ``out``; keep the raw capture at ``raw`` if given."""
    with tempfile.TemporaryDirectory(prefix="har-raw-") as folder:
        raw_path = raw or Path(folder) / "raw.har"
        seen = RECORDERS[kind](raw_path)
        har = json.loads(raw_path.read_text(encoding="utf-8"))
        out.write_text(har_redact.dumps(har_redact.redact(har)), encoding="utf-8")
    return seen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.conformance.har_recorder")
    parser.add_argument("kind", choices=sorted(RECORDERS))
    parser.add_argument("out", type=Path, help="the redacted HAR to write")
    parser.add_argument("--raw", type=Path, help="also keep the unredacted capture here (never commit it)")
    args = parser.parse_args(argv)
    why = unavailable_for(args.kind)
    if why:
        parser.exit(1, f"har_recorder: error: {why}\n")
    try:
        seen = record(args.kind, args.out, args.raw)
    except nextauth_probe.ProbeUnavailable as error:
        parser.exit(1, f"har_recorder: error: {error}\n")
    print(f"wrote {args.out} ({seen['browser']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
