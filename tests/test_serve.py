"""`tutor serve` is safe by default: a token, Origin/Host checks, a session limit, a warning for a public
host, a folder per session — and it really works in a browser (Chromium driven by Playwright).

Every server here listens on 127.0.0.1 and every request goes there.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip(
    "textual_serve", reason="textual-serve is not installed (pip install '.[web]'): tutor serve cannot be tested"
)

from serve_support import CHROMIUM, WAIT, Served, _get, _get_with_headers, start  # noqa: E402,F401

from tutor.commands import serve  # noqa: E402

# --- the token, the Origin, the Host --------------------------------------------------------------------


def test_the_page_needs_the_printed_token(start) -> None:
    served = start()
    assert served.url == f"http://127.0.0.1:{served.port}/?token={served.token}"
    assert len(served.token) >= 32
    assert _get(served, "/")[0] == 403
    assert _get(served, "/?token=" + "x" * len(served.token))[0] == 403
    status, page, headers = _get_with_headers(served, f"/?token={served.token}")
    assert status == 200
    assert f'data-session-websocket-url="ws://127.0.0.1:{served.port}/ws/{served.token}"' in page
    # the token is in the URL: not sent on to the web font's host, not cached, the page not framed
    assert headers["Referrer-Policy"] == "no-referrer" and headers["Cache-Control"] == "no-store"
    assert headers["X-Frame-Options"] == "DENY"


def test_a_request_for_another_host_name_is_refused(start) -> None:
    """A DNS-rebinding page reaches 127.0.0.1 under its own name: the Host header gives it away."""
    served = start()
    assert _get(served, f"/?token={served.token}", Host=f"evil.example:{served.port}")[0] == 403
    assert _get(served, f"/?token={served.token}", Host=f"localhost:{served.port}")[0] == 200
    assert _get(served, f"/?token={served.token}", Host="127.0.0.1:1")[0] == 403


async def _connect(served: Served, path: str, origin: str | None = None):
    """(status, first bytes from the app or None) of a websocket handshake."""
    import aiohttp

    session = aiohttp.ClientSession()
    try:
        ws = await session.ws_connect(served.base + path + "?width=80&height=24", origin=origin)
    except aiohttp.WSServerHandshakeError as exc:
        await session.close()
        return exc.status, None, None
    return 101, ws, session


def _handshake(served: Served, path: str, origin: str | None = None) -> tuple[int, bytes | None]:
    async def go() -> tuple[int, bytes | None]:
        status, ws, session = await _connect(served, path, origin)
        if ws is None:
            return status, None
        try:
            message = await asyncio.wait_for(ws.receive(), WAIT)
            return status, message.data if isinstance(message.data, bytes) else None
        finally:
            await ws.close()
            await session.close()

    return asyncio.run(go())


def test_a_websocket_needs_the_token_and_this_origin(start) -> None:
    served = start()
    own = f"http://127.0.0.1:{served.port}"
    assert _handshake(served, "/ws", own)[0] == 403  # textual-serve's own route carries no token
    assert _handshake(served, "/ws/" + "x" * len(served.token), own)[0] == 403
    assert _handshake(served, f"/ws/{served.token}", "http://evil.example")[0] == 403
    assert _handshake(served, f"/ws/{served.token}", f"http://127.0.0.1:{served.port + 1}")[0] == 403
    assert _handshake(served, f"/ws/{served.token}", "null")[0] == 403
    status, first = _handshake(served, f"/ws/{served.token}", own)
    assert status == 101 and first  # the app started and drew something


def test_no_more_sessions_than_the_limit(start) -> None:
    served = start("--max-sessions", "2")
    own = f"http://127.0.0.1:{served.port}"
    path = f"/ws/{served.token}"

    async def go() -> None:
        opened = []
        for _ in range(2):
            status, ws, session = await _connect(served, path, own)
            assert status == 101
            await asyncio.wait_for(ws.receive(), WAIT)  # its `tutor` runs
            opened.append((ws, session))
        assert len([p for p in served.exports.iterdir() if p.name.startswith("session-")]) == 2
        status, ws, session = await _connect(served, path, own)
        assert status == 503 and ws is None
        import aiohttp

        async with aiohttp.ClientSession() as client:
            async with client.get(f"{served.base}/?token={served.token}") as page:
                assert page.status == 503
                assert "all 2 sessions" in await page.text()
        ws, session = opened.pop()
        await ws.close()
        await session.close()
        deadline = time.monotonic() + WAIT
        while True:  # the closed session's process ends, then there is room again
            status, ws, session = await _connect(served, path, own)
            if status == 101:
                opened.append((ws, session))
                break
            assert status == 503 and time.monotonic() < deadline
            await asyncio.sleep(0.2)
        for ws, session in opened:
            await ws.close()
            await session.close()

    asyncio.run(go())


def test_each_session_gets_its_own_private_folder_removed_when_left_empty(start) -> None:
    served = start()

    async def go() -> Path:
        status, ws, session = await _connect(served, f"/ws/{served.token}", f"http://127.0.0.1:{served.port}")
        assert status == 101
        await asyncio.wait_for(ws.receive(), WAIT)
        (folder,) = served.exports.iterdir()
        assert folder.name.startswith("session-") and folder.stat().st_mode & 0o777 == 0o700
        await ws.close()
        await session.close()
        return folder

    folder = asyncio.run(go())
    deadline = time.monotonic() + WAIT
    while folder.exists():  # nothing was exported: the empty folder goes when the session ends
        assert time.monotonic() < deadline, "the empty session folder was kept"
        time.sleep(0.1)


def test_the_session_command_runs_tutor_in_the_session_folder(tmp_path: Path) -> None:
    command = serve.session_command("/usr/bin/python3", [str(tmp_path / "my lessons")])
    assert command == (
        f"cd -- \"${serve.SESSION_DIR_ENV}\" && exec /usr/bin/python3 -m tutor --lessons '{tmp_path / 'my lessons'}'"
    )
    folder = tmp_path / "session with 'quotes' and $x"
    folder.mkdir()
    probe = serve.session_command(sys.executable, []).replace(" -m tutor", " -c 'import os; print(os.getcwd())'")
    out = subprocess.run(
        probe, shell=True, text=True, capture_output=True, env={**os.environ, serve.SESSION_DIR_ENV: str(folder)}
    )
    assert out.stdout.strip() == str(folder)


# --- a public host is loud --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("example.com", False),
        ("localhost.evil.com", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert serve.is_loopback(host) is loopback


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5"])
def test_a_non_loopback_host_warns_loudly(host: str, monkeypatch: pytest.MonkeyPatch, capsys, tmp_path: Path) -> None:
    made: list[dict] = []

    class FakeServer:  # records instead of listening
        def __init__(self, command: str, **kwargs) -> None:
            made.append(kwargs)

        def serve(self) -> None:
            pass

    monkeypatch.setattr(serve, "_make_server_class", lambda: FakeServer)
    args = argparse.Namespace(host=host, port=8000, lessons=[], max_sessions=3, exports=str(tmp_path))
    assert serve.run(args) == 0
    err = capsys.readouterr().err
    assert f"WARNING: --host {host} is not a loopback address" in err
    assert "runs Session Tutor as YOU" in err
    args.host = "localhost"
    assert serve.run(args) == 0
    assert "WARNING" not in capsys.readouterr().err
    assert made[0]["max_sessions"] == 3


def test_a_port_in_use_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "tutor",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--exports",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=WAIT,
            stdin=subprocess.DEVNULL,
        )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"tutor serve: error: cannot listen on 127.0.0.1:{port}:" in done.stderr
    assert "hint: choose another --port" in done.stderr


def test_an_exports_folder_that_cannot_be_made_fails_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setattr(serve, "_make_server_class", lambda: pytest.fail("the server started"))
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    args = argparse.Namespace(host="localhost", port=8000, lessons=[], max_sessions=3, exports=str(blocker / "served"))
    assert serve.run(args) == 1
    assert capsys.readouterr().err.startswith(
        f"tutor serve: error: --exports {blocker / 'served'}: cannot create the folder"
    )


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--max-sessions", "0", "expected a number, 1 or more, not 0"),
        ("--port", "-5", "expected a port 1-65535, not -5"),
        ("--port", "70000", "expected a port 1-65535, not 70000"),
    ],
)
def test_out_of_range_numbers_are_usage_errors(capsys, option: str, value: str, expected: str) -> None:
    from tutor.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["serve", option, value])
    assert exited.value.code == 2
    assert f"tutor serve: error: argument {option}: {expected}" in capsys.readouterr().err


# --- a real browser ---------------------------------------------------------------------------------------


def _browser_skip_reason() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
        import pyte  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed (pip install '.[test]'): the served page is not driven in a browser"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium): the served page is not driven in a browser"
    return None


class Screen:
    """What the page's terminal shows: the app's frames from the page's own websocket, through pyte."""

    def __init__(self, page) -> None:
        self.page = page
        self.screen = None
        self.stream = None
        self.pending: list[bytes] = []
        page.on("websocket", self._attach)

    def _attach(self, ws) -> None:
        ws.on("framereceived", self._received)
        ws.on("framesent", self._sent)

    def _received(self, payload) -> None:
        if isinstance(payload, bytes):
            if self.stream is None:
                self.pending.append(payload)
            else:
                self.stream.feed(payload.decode("utf-8", "replace"))

    def _sent(self, payload) -> None:
        import pyte

        if isinstance(payload, str) and payload.startswith('["resize"'):
            size = json.loads(payload)[1]
            if self.screen is None:
                self.screen = pyte.Screen(size["width"], size["height"])
                self.stream = pyte.Stream(self.screen)
                for data in self.pending:
                    self.stream.feed(data.decode("utf-8", "replace"))
            else:
                self.screen.resize(size["height"], size["width"])

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display) if self.screen is not None else ""

    def press(self, key: str) -> None:
        """Press a key and wait until the screen changes (keys typed faster than a mode switch get lost)."""
        before = self.text
        self.page.keyboard.press(key)
        deadline = time.monotonic() + WAIT
        while self.text == before:
            if time.monotonic() > deadline:
                raise AssertionError(f"{key!r} changed nothing; the page shows:\n{self.text}")
            self.page.wait_for_timeout(50)
        self.page.wait_for_timeout(300)  # the rest of the frame

    def wait_for(self, pattern: str) -> re.Match:
        deadline = time.monotonic() + WAIT
        while True:
            found = re.search(pattern, self.text)
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} is not shown; the page shows:\n{self.text}")
            self.page.wait_for_timeout(100)


def test_a_served_session_in_a_real_browser(start, tmp_path: Path) -> None:
    reason = _browser_skip_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    from tutor.progress import ProgressStore

    served = start()
    with sync_playwright() as p:
        # Chromium writes its profile, crash reports and dconf under $HOME: a HOME of this test's own
        browser_home = tmp_path / "browser-home"
        browser_home.mkdir()
        env = {
            **os.environ,
            "HOME": str(browser_home),
            "XDG_CONFIG_HOME": str(browser_home / ".config"),
            "XDG_CACHE_HOME": str(browser_home / ".cache"),
        }
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], env=env)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            screen = Screen(page)
            page.goto(served.url)
            screen.wait_for("Pick a lesson")
            screen.wait_for("The session lifecycle")
            page.locator("#terminal").click()
            page.keyboard.type("lifecycle")
            page.keyboard.press("Enter")
            screen.wait_for(r"Step 1 of 7")
            page.keyboard.press("ArrowRight")
            screen.wait_for(r"Step 2 of 7")
            page.screenshot(path=str(tmp_path / "walkthrough.png"))

            screen.press("]")  # key moments
            screen.press("]")  # visual quiz
            screen.wait_for(r"Visual quiz · question 1 of \d+")
            right = screen.wait_for(r"\( \) ([a-f])\) [0-9a-f]{32}\b").group(1)  # the session ID is the answer
            page.keyboard.press(right)
            page.keyboard.press("Enter")
            screen.wait_for(r"✓")
            assert "Not quite" not in screen.text
            page.screenshot(path=str(tmp_path / "answered.png"))
            with ProgressStore.open(served.home / "progress.sqlite3", readonly=True) as store:
                answers = store.answers("session-lifecycle")
            assert [(a.mode, a.correct) for a in answers] == [("visual", True)]

            for _ in range(5):  # practice, test, snapshot, transcript, play
                screen.press("]")
            screen.wait_for(r"clock \+0s")
            page.keyboard.press("g")
            screen.wait_for(r"1 events?, \d+ steps")
            page.keyboard.press("e")
            screen.wait_for("exported playground-1.yaml")
        finally:
            browser.close()
    (session,) = served.exports.iterdir()
    assert (session / "playground-1.yaml").read_text(encoding="utf-8").count("request: GET /") == 1
    assert list(served.cwd.iterdir()) == []  # nothing in the server's working folder
    assert any(browser_home.iterdir())  # the browser's files went to its own HOME (not the real one)
