"""Observe real Chromium (Debian's, through Playwright with ``executable_path``, as tests/test_serve.py does)."""

from __future__ import annotations

import os

from . import matrix
from .server import CannotStart, TestSites, launcher

CHROMIUM = os.environ.get("TUTOR_TEST_CHROMIUM", "/usr/bin/chromium")


def unavailable() -> str | None:
    """Why this machine cannot run the chromium observation (``None``: it can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install '.[test]'): real Chromium is not observed"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium): real Chromium is not observed"
    return None


def observe(kinds: tuple[matrix.RequestKind, ...] = matrix.KINDS, wait: float = 0) -> dict:
    """Set the matrix in a fresh headless Chromium, make each request kind, and record what it stored,
    showed to ``document.cookie`` and sent. ``wait`` seconds pass between setting and the requests."""
    import time

    from playwright.sync_api import sync_playwright

    sites = TestSites()
    try:
        with sync_playwright() as p:
            try:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM,
                    args=[
                        "--no-sandbox",
                        f"--host-resolver-rules=MAP {matrix.SITE_A} 127.0.0.1, MAP {matrix.SITE_B} 127.0.0.1",
                        f"--ignore-certificate-errors-spki-list={sites.spki}",
                    ],
                )
            except Exception as error:  # whatever stops the launch, the test says it and skips
                raise CannotStart(f"{CHROMIUM} could not start: {str(error).splitlines()[0]}") from error
            try:
                version = browser.version
                context = browser.new_context()
                page = context.new_page()
                for path, scheme in (("/set", "https"), ("/set2", "https"), ("/set-http", "http")):
                    page.goto(sites.url(matrix.SITE_A, path, scheme))
                page.goto(sites.url(matrix.SITE_A, "/"))
                document = page.evaluate("document.cookie")
                stored = {
                    c["name"]: f"{c['value']} ({'session' if c['expires'] == -1 else 'persistent'})"
                    for c in context.cookies()
                    if c["domain"].lstrip(".") == matrix.SITE_A and not c.get("partitionKey")
                }
                if wait:
                    time.sleep(wait)
                sent: dict[str, str] = {}
                for kind in kinds:
                    page.goto(launcher(sites, kind))
                    header = sites.wait_for(kind.name)
                    if header is None:
                        raise RuntimeError(f"chromium made no {kind.name} request")
                    sent[kind.name] = header
            finally:
                browser.close()
    finally:
        sites.close()
    return {
        "browser": f"Chromium {version}",
        "setting": "headless, Playwright defaults",
        # measured: this headless build sends no cookie at all on a cross-site subresource request
        "third_party": "block",
        matrix.STORED: stored,
        matrix.DOCUMENT: document,
        "sent": sent,
    }
