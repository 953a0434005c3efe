"""Record a HAR with real Firefox ESR (Debian's ``firefox-esr``, headless, driven by ``marionette-driver``).

Firefox writes HAR only from its DevTools network monitor: with ``devtools.netmonitor.har.enableAutoExportToFile``
it exports one HAR per page load into ``devtools.netmonitor.har.defaultLogDir`` — when a toolbox is open, which
the ``-devtools`` command-line flag does for every tab, headless too (measured with Firefox 153.8.0esr). Each
file holds one page and its requests; the file name has the second of the export, so after each load the
recorder waits for the new file (a condition, no fixed sleep), moves it aside, and at the end joins the files in
order into one HAR (``pages`` and ``entries`` concatenated, page ids renumbered ``page_1`` …; every entry as
Firefox wrote it). A ``fetch()`` after the load would land in no export, so the session is read by loading
``/api/auth/session`` as a page.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from . import nextauth_probe

FIREFOX = os.environ.get("TUTOR_TEST_FIREFOX", "/usr/bin/firefox-esr")


def unavailable() -> str | None:
    try:
        import marionette_driver  # noqa: F401
    except ImportError:
        return "marionette-driver is not installed (pip install '.[test]'): no Firefox HAR is recorded"
    if not os.access(FIREFOX, os.X_OK):
        return f"no Firefox at {FIREFOX} (apt-get install firefox-esr): no Firefox HAR is recorded"
    return None


class _Exports:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.taken: list[dict[str, Any]] = []

    def take(self, timeout: float = 60.0) -> dict[str, Any]:
        """The HAR of the page load just finished (waits for Firefox to write it, then moves it aside)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for path in sorted(self.folder.glob("*.har")):
                try:
                    har = json.loads(path.read_text(encoding="utf-8"))
                except ValueError:
                    continue  # still being written
                path.unlink()
                self.taken.append(har)
                return har
            time.sleep(0.1)
        raise RuntimeError("firefox exported no HAR for the page load")

    def joined(self) -> dict[str, Any]:
        first = self.taken[0]["log"]
        pages: list[dict[str, Any]] = []
        entries: list[dict[str, Any]] = []
        for har in self.taken:
            renamed = {}
            for page in har["log"].get("pages", []):
                renamed[page["id"]] = f"page_{len(pages) + 1}"
                pages.append({**page, "id": renamed[page["id"]]})
            for entry in har["log"]["entries"]:
                if "pageref" in entry:
                    entry["pageref"] = renamed.get(entry["pageref"], entry["pageref"])
                entries.append(entry)
        return {"log": {**first, "pages": pages, "entries": entries}}


def recording_client(home: Path, folder: Path, **prefs: object) -> Any:
    """A headless Firefox (Marionette, not started) whose DevTools network monitor auto-exports every
    page's HAR into ``folder``, without bodies; ``prefs`` are added to the export's."""
    from marionette_driver.marionette import Marionette

    return Marionette(
        bin=FIREFOX,
        headless=True,
        workspace=str(home),
        gecko_log=str(home / "gecko.log"),
        app_args=["-devtools"],  # a toolbox for every tab: the network monitor that exports
        prefs={
            "devtools.netmonitor.har.enableAutoExportToFile": True,
            "devtools.netmonitor.har.defaultLogDir": str(folder),
            "devtools.netmonitor.har.includeResponseBodies": False,
            "devtools.toolbox.selectedTool": "netmonitor",
            "devtools.toolbox.host": "window",
            **prefs,
        },
        startup_timeout=60,
    )


def record_nextauth(out: Path) -> dict[str, Any]:
    """The next-auth sign-in → session reads → sign-out capture in Firefox (as the Chromium one)."""
    from marionette_driver import By

    nextauth_probe.prepare()
    app = nextauth_probe.App("jwt")
    home = Path(tempfile.mkdtemp(prefix="har-firefox-"))
    exports = _Exports(home / "har")
    exports.folder.mkdir()
    base = f"http://127.0.0.1:{app.port}"
    secrets: set[str] = {nextauth_probe.PASSWORDS["alice"]}
    try:
        client = recording_client(home, exports.folder)
        try:
            client.start_session()
            version = client.session_capabilities.get("browserVersion", "?")
            client.navigate(f"{base}/dashboard")
            exports.take()
            client.navigate(f"{base}/api/auth/signin?callbackUrl={quote(base + '/dashboard', safe='')}")
            exports.take()
            client.find_element(By.CSS_SELECTOR, "input[name=username]").send_keys("alice")
            client.find_element(By.CSS_SELECTOR, "input[name=password]").send_keys(nextauth_probe.PASSWORDS["alice"])
            client.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            exports.take()  # the POST, its 302 and the /dashboard it lands on
            for read in range(3):
                if read:
                    app.clock(30)
                client.navigate(f"{base}/api/auth/session")
                exports.take()
                with client.using_context("chrome"):
                    secrets.update(
                        client.execute_script(
                            "return Services.cookies.cookies.filter(c => c.name.startsWith('next-auth.'))"
                            ".map(c => c.value)"
                        )
                    )
            client.navigate(f"{base}/api/auth/signout")
            exports.take()
            client.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            exports.take()
        finally:
            client.cleanup()
        out.write_text(json.dumps(exports.joined(), indent=1) + "\n", encoding="utf-8")
    finally:
        app.close()
        shutil.rmtree(home, ignore_errors=True)
    return {"secrets": sorted(s for s in secrets if s), "browser": f"Firefox {version}"}
