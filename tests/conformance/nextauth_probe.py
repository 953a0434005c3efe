"""Record what a real next-auth 4.24 + Next.js 15.5 app (``nextauth-app/``) answers, Set-Cookie by Set-Cookie.

``record()`` installs nothing: it needs ``nextauth-app/node_modules`` (``npm ci``, which ``.ci/run`` runs),
builds the app once (``next build``: about 20 s, and ``next start`` is ready in under a second, where
``next dev`` compiles each route on its first request), starts it on ``127.0.0.1`` with a free port per
session strategy, and plays :data:`SCRIPT`. The app's ``Date`` is moved forward through
``/api/probe-clock`` (``clock.cjs``), so maxAge, updateAge and the 15 s clock tolerance are crossed without
waiting.

The probe keeps every cookie it is given (deleting one only on ``Max-Age=0`` or an empty value) and sends it
back even past its ``Expires``, as a copied cookie would: that is how it sees the server's own expiry checks.
Each observation keeps a cookie's name, attributes and lifetime (``Expires`` minus the app's clock, in
seconds), and what its value is (a JWE's protected header, a UUID, its length), never the value itself.
"""

from __future__ import annotations

import base64
import email.utils
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.parse
from pathlib import Path
from typing import Any

APP = Path(__file__).resolve().parent / "nextauth-app"
MAX_AGE = 60
UPDATE_AGE = 20

#: (name, what) per strategy; ``advance N`` moves the app's clock N seconds first.
SCRIPT: dict[str, list[tuple[str, str]]] = {
    "jwt": [
        ("csrf", "GET /api/auth/csrf"),
        ("sign-in", "signin alice"),
        ("session", "GET /api/auth/session"),
        ("session-later", "advance 30; GET /api/auth/session"),
        ("dashboard", "GET /dashboard"),
        ("within-tolerance", "advance 70; GET /api/auth/session"),
        ("past-tolerance", "advance 76; GET /api/auth/session"),
        ("dashboard-signed-out", "GET /dashboard"),
        ("sign-in-again", "signin alice"),
        ("sign-out", "signout"),
        ("sign-in-large", "signin big"),
        ("session-large", "GET /api/auth/session"),
        ("sign-out-large", "signout"),
    ],
    "database": [
        ("csrf", "GET /api/auth/csrf"),
        ("sign-in", "signin alice"),
        ("session-before-update-age", "advance 10; GET /api/auth/session"),
        ("session-after-update-age", "advance 15; GET /api/auth/session"),
        ("dashboard", "advance 10; GET /dashboard"),
        ("row-expired", "advance 55; GET /api/auth/session"),
        ("dashboard-signed-out", "GET /dashboard"),
        ("sign-in-again", "signin alice"),
        ("sign-out", "signout"),
    ],
}
PASSWORDS = {"alice": "wonderland", "big": "builder"}


class ProbeUnavailable(Exception):
    """The real app cannot run here; the message says why (the test is skipped with it)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(cmd: list[str], env: dict[str, str], timeout: int) -> None:
    done = subprocess.run(cmd, cwd=APP, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
        raise ProbeUnavailable(f"`{' '.join(cmd)}` failed in {APP.name}: " + " | ".join(tail))


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "NODE_OPTIONS"}
    env["NEXT_TELEMETRY_DISABLED"] = "1"
    return env


def prepare() -> None:
    """Check node and the installed packages, and build the app once (``.next/BUILD_ID``, again when a source is newer)."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            raise ProbeUnavailable(f"{tool} is not installed (Debian: apt-get install nodejs npm)")
    if not (APP / "node_modules" / "next-auth" / "package.json").exists():
        raise ProbeUnavailable(f"run `npm ci` in {APP} first (.ci/run does)")
    build = APP / ".next" / "BUILD_ID"
    sources = [
        p for p in APP.rglob("*") if p.is_file() and not {"node_modules", ".next"} & set(p.relative_to(APP).parts)
    ]
    if not build.exists() or build.stat().st_mtime < max(p.stat().st_mtime for p in sources):
        # a build older than any source of the app (a checkout changed it) is made again
        _run([str(APP / "node_modules" / ".bin" / "next"), "build"], _env(), timeout=600)


class App:
    """One `next start` of the app with a session strategy."""

    def __init__(self, strategy: str) -> None:
        self.strategy = strategy
        self.port = free_port()
        env = _env()
        env.update(
            NODE_OPTIONS="--require ./clock.cjs",
            NEXTAUTH_URL=f"http://127.0.0.1:{self.port}",
            PROBE_STRATEGY=strategy,
            PROBE_MAX_AGE=str(MAX_AGE),
            PROBE_UPDATE_AGE=str(UPDATE_AGE),
        )
        self.proc = subprocess.Popen(
            [str(APP / "node_modules" / ".bin" / "next"), "start", "-H", "127.0.0.1", "-p", str(self.port)],
            cwd=APP,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ProbeUnavailable(f"next start exited: {self.proc.stderr.read().decode(errors='replace')[-300:]}")
            try:
                self.clock()
                return
            except OSError:
                time.sleep(0.2)
        self.close()
        raise ProbeUnavailable("next start did not answer within 60 s")

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)  # the process group this App started (start_new_session)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait()
        if self.proc.stderr is not None:
            self.proc.stderr.close()

    def request(self, method: str, target: str, headers: dict[str, str], body: str | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, target, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, resp.getheader("Location"), resp.msg.get_all("Set-Cookie") or [], data
        finally:
            conn.close()

    def clock(self, advance: int = 0) -> dict[str, Any]:
        status, _, _, data = self.request("POST" if advance else "GET", f"/api/probe-clock?advance={advance}", {})
        if status != 200:
            raise ProbeUnavailable(f"/api/probe-clock answered {status}")
        return json.loads(data)


def describe_value(value: str) -> dict[str, Any]:
    """What a cookie value is, without the value."""
    if value == "":
        return {"kind": "empty"}
    if re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", value):
        return {"kind": "uuid"}
    parts = value.split(".")
    if len(parts) == 5:
        try:
            header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
            return {"kind": "jwe", "header": header, "length_over_3933": len(value) > 3933}
        except ValueError:
            pass
    return {"kind": "other", "length": len(value)}


def parse_header(header: str, now_s: int) -> dict[str, Any]:
    pair, *attrs = [p.strip() for p in header.split(";")]
    name, _, value = pair.partition("=")
    out: dict[str, Any] = {"name": name, "value": describe_value(urllib.parse.unquote(value))}
    attributes: dict[str, Any] = {}
    for attr in attrs:
        key, eq, val = attr.partition("=")
        key = key.lower()
        if key == "expires":
            when = email.utils.parsedate_to_datetime(val)
            attributes["expires_in"] = int(when.timestamp()) - now_s
        elif key == "max-age":
            attributes["max-age"] = int(val)
        else:
            attributes[key] = val if eq else True
    out["attributes"] = attributes
    return out


def play(strategy: str) -> list[dict[str, Any]]:
    app = App(strategy)
    jar: dict[str, str] = {}
    csrf = ""
    steps: list[dict[str, Any]] = []
    try:
        for name, what in SCRIPT[strategy]:
            for part in [p.strip() for p in what.split(";")]:
                if part.startswith("advance "):
                    app.clock(int(part.split()[1]))
                    continue
                if part == "signout" or part.startswith("signin"):
                    csrf = _csrf(app, jar)
                now_s = int(app.clock()["now"] // 1000)
                headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())} if jar else {}
                base = f"http://127.0.0.1:{app.port}"
                if part.startswith("signin"):
                    user = part.split()[1]
                    form = {
                        "csrfToken": csrf,
                        "username": user,
                        "password": PASSWORDS[user],
                        "callbackUrl": f"{base}/dashboard",
                    }
                    method, target = "POST", "/api/auth/callback/credentials"
                elif part == "signout":
                    form = {"csrfToken": csrf, "callbackUrl": f"{base}/"}
                    method, target = "POST", "/api/auth/signout"
                else:
                    form = None
                    method, target = part.split()
                body = urllib.parse.urlencode(form) if form is not None else None
                if body is not None:
                    headers["Content-Type"] = "application/x-www-form-urlencoded"
                status, location, set_cookies, data = app.request(method, target, headers, body)
                for header in set_cookies:
                    _apply(jar, header)
                step: dict[str, Any] = {
                    "step": name,
                    "request": f"{method} {target}",
                    "clock": app.clock()["offset"] // 1000,
                    "status": status,
                    "location": None if location is None else urllib.parse.urlsplit(location).path,
                    "set_cookie": [parse_header(h, now_s) for h in set_cookies],
                    "session_writes": app.clock()["writes"],
                    "session_rows": app.clock()["rows"],
                }
                if target == "/api/auth/session":
                    body_json = json.loads(data or b"{}")
                    step["signed_in"] = bool(body_json.get("user"))
                steps.append(step)
    finally:
        app.close()
    return steps


def _csrf(app: App, jar: dict[str, str]) -> str:
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())} if jar else {}
    status, _, set_cookies, data = app.request("GET", "/api/auth/csrf", headers)
    for header in set_cookies:
        _apply(jar, header)
    return str(json.loads(data)["csrfToken"])


def _apply(jar: dict[str, str], header: str) -> None:
    pair, _, attrs = header.partition(";")
    name, _, value = pair.strip().partition("=")
    if value == "" or re.search(r"(?i)max-age=0(\s*;|$)", attrs):
        jar.pop(name, None)
    else:
        jar[name] = value


def redirects() -> dict[str, int]:
    """The status of Next.js's own redirects: middleware's ``NextResponse.redirect``, ``redirect()`` in a
    Server Component, and ``redirect()`` in a Server Action posted as a plain form (its id read from the
    build's ``server-reference-manifest.json``)."""
    manifest = json.loads((APP / ".next" / "server" / "server-reference-manifest.json").read_text())
    (action_id,) = manifest["node"]
    boundary = "probe-boundary"
    form = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="$ACTION_ID_{action_id}"\r\n\r\n\r\n--{boundary}--\r\n'
    )
    app = App("jwt")
    try:
        return {
            "middleware NextResponse.redirect": app.request("GET", "/middleware-redirect", {})[0],
            "Server Component redirect()": app.request("GET", "/server-redirect", {})[0],
            "Server Action redirect()": app.request(
                "POST", "/action", {"Content-Type": f"multipart/form-data; boundary={boundary}"}, form
            )[0],
        }
    finally:
        app.close()


def record() -> dict[str, Any]:
    """Play the whole script against the real app (raises :class:`ProbeUnavailable`)."""
    prepare()
    versions = {}
    for package in ("next", "next-auth"):
        versions[package] = json.loads((APP / "node_modules" / package / "package.json").read_text())["version"]
    return {
        "versions": versions,
        "max_age": MAX_AGE,
        "update_age": UPDATE_AGE,
        "strategies": {strategy: play(strategy) for strategy in SCRIPT},
        "redirects": redirects(),
    }


if __name__ == "__main__":
    print(json.dumps(record(), indent=2, sort_keys=True))
