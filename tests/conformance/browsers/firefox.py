"""Observe real Firefox ESR (Debian's ``firefox-esr``, headless, through Marionette with ``marionette-driver``).

The two site names resolve to 127.0.0.1 through ``network.dns.localDomains``; the self-signed certificate is
accepted with the WebDriver capability ``acceptInsecureCerts``. The jar is read in chrome context from
``Services.cookies`` (every cookie, HttpOnly and partitioned ones too).
"""

from __future__ import annotations

import os
import shutil
import tempfile

from . import matrix
from .server import CannotStart, TestSites, launcher

FIREFOX = os.environ.get("TUTOR_TEST_FIREFOX", "/usr/bin/firefox-esr")

_JAR = """
const out = [];
for (const c of Services.cookies.cookies) {
  out.push({name: c.name, value: c.value, host: c.host, path: c.path, session: c.isSession,
            partitionKey: c.originAttributes.partitionKey || ""});
}
return out;
"""


def unavailable() -> str | None:
    try:
        import marionette_driver  # noqa: F401
    except ImportError:
        return "marionette-driver is not installed (pip install '.[test]'): real Firefox is not observed"
    if not os.access(FIREFOX, os.X_OK):
        return f"no Firefox at {FIREFOX} (apt-get install firefox-esr): real Firefox is not observed"
    return None


def observe(kinds: tuple[matrix.RequestKind, ...] = matrix.KINDS, wait: float = 0) -> dict:
    import time

    from marionette_driver.marionette import Marionette

    sites = TestSites()
    profile_home = tempfile.mkdtemp(prefix="browsers-suite-firefox-")
    try:
        client = Marionette(
            bin=FIREFOX,
            headless=True,
            workspace=profile_home,
            gecko_log=os.path.join(profile_home, "gecko.log"),  # not in the working directory
            prefs={"network.dns.localDomains": f"{matrix.SITE_A},{matrix.SITE_B}"},
            startup_timeout=60,
        )
    except Exception as error:  # whatever stops the launch, the test says it and skips
        sites.close()
        shutil.rmtree(profile_home, ignore_errors=True)
        raise CannotStart(f"{FIREFOX} could not start: {error}") from error
    try:
        try:
            client.start_session({"acceptInsecureCerts": True})
        except Exception as error:
            raise CannotStart(f"{FIREFOX} could not start: {error}") from error
        version = client.session_capabilities.get("browserVersion", "?")
        for path, scheme in (("/set", "https"), ("/set2", "https"), ("/set-http", "http")):
            client.navigate(sites.url(matrix.SITE_A, path, scheme))
        client.navigate(sites.url(matrix.SITE_A, "/"))
        document = client.execute_script("return document.cookie")
        with client.using_context("chrome"):
            jar = client.execute_script(_JAR)
        stored = {
            c["name"]: f"{c['value']} ({'session' if c['session'] else 'persistent'})"
            for c in jar
            if c["host"].lstrip(".") == matrix.SITE_A and not c["partitionKey"]
        }
        if wait:
            time.sleep(wait)
        sent: dict[str, str] = {}
        for kind in kinds:
            client.navigate(launcher(sites, kind))
            header = sites.wait_for(kind.name)
            if header is None:
                raise RuntimeError(f"firefox made no {kind.name} request")
            sent[kind.name] = header
    finally:
        try:
            client.cleanup()
        finally:
            sites.close()
            shutil.rmtree(profile_home, ignore_errors=True)
    return {
        "browser": f"Firefox {version}",
        "setting": "headless, default profile (Total Cookie Protection)",
        "third_party": "partition",
        matrix.STORED: stored,
        matrix.DOCUMENT: document,
        "sent": sent,
    }
