"""What the `tutor serve` tests share: a real server started on a free loopback port, and HTTP / websocket
helpers (aiohttp's client)."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("TUTOR_TEST_CHROMIUM", "/usr/bin/chromium")
WAIT = 60.0  # how long to wait for something to appear (a bound, not a speed check)


@dataclass
class Served:
    proc: subprocess.Popen[str]
    port: int
    token: str
    url: str
    home: Path
    cwd: Path
    exports: Path
    stderr: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def start(tmp_path: Path) -> Iterator:  # noqa: C901
    running: list[Served] = []

    def _start(*extra: str) -> Served:
        home, cwd, exports = tmp_path / "home", tmp_path / "cwd", tmp_path / "exports"
        cwd.mkdir(exist_ok=True)
        port = _free_port()
        env = {**os.environ, "TUTOR_HOME": str(home)}
        proc = subprocess.Popen(
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
                str(exports),
                *extra,
            ],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines: list[str] = []
        threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True).start()  # drains it all along
        deadline = time.monotonic() + WAIT
        found = None
        while found is None and time.monotonic() < deadline and proc.poll() is None:
            found = next((m for m in map(re.compile(r"(http://\S+\?token=(\S+))").search, list(lines)) if m), None)
            time.sleep(0.05)
        if found is None:
            proc.kill()
            raise AssertionError("tutor serve printed no URL with a token:\n" + "".join(lines))
        served = Served(proc, port, found.group(2), found.group(1), home, cwd, exports, lines)
        running.append(served)
        _wait_listening(port)
        return served

    yield _start
    for served in running:
        served.proc.terminate()
        try:
            served.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            served.proc.kill()
            served.proc.wait()


def _wait_listening(port: int) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port}")


def _get(served: Served, path: str, **headers: str) -> tuple[int, str]:
    status, text, _ = _get_with_headers(served, path, **headers)
    return status, text


def _get_with_headers(served: Served, path: str, **headers: str) -> tuple[int, str, dict[str, str]]:
    import aiohttp

    async def go() -> tuple[int, str, dict[str, str]]:
        async with aiohttp.ClientSession() as session:
            async with session.get(served.base + path, headers=headers) as response:
                return response.status, await response.text(), dict(response.headers)

    return asyncio.run(go())


def learner_urls(served: Served) -> dict[str, str]:
    """name -> URL, from the lines `tutor serve --roster` printed."""
    found = {}
    for line in served.stderr:
        m = re.match(r"  ([a-z0-9-]+) +(http://\S+\?token=\S+)$", line.rstrip("\n"))
        if m:
            found[m.group(1)] = m.group(2)
    return found


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def environ(pid: int) -> dict[str, str]:
    with open(f"/proc/{pid}/environ", "rb") as f:
        pairs = [item.split(b"=", 1) for item in f.read().split(b"\0") if b"=" in item]
    return {k.decode(errors="replace"): v.decode(errors="replace") for k, v in pairs}


class WsScreen:
    """A served session driven over its websocket as the page would (``["stdin", …]``), its frames read
    through pyte."""

    def __init__(self, ws, width: int = 100, height: int = 30) -> None:
        import pyte

        self.ws = ws
        self.screen = pyte.Screen(width, height)
        self.stream = pyte.Stream(self.screen)
        self.width, self.height = width, height

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display)

    async def start(self) -> None:
        await self.ws.send_json(["resize", {"width": self.width, "height": self.height}])

    async def pump(self, timeout: float) -> None:
        import aiohttp

        try:
            message = await asyncio.wait_for(self.ws.receive(), timeout)
        except TimeoutError:
            return
        if message.type == aiohttp.WSMsgType.BINARY:
            self.stream.feed(message.data.decode("utf-8", "replace"))
        elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            raise AssertionError(f"the session's websocket closed; the screen shows:\n{self.text}")

    async def wait_for(self, pattern: str) -> re.Match:
        deadline = time.monotonic() + WAIT
        while True:
            found = re.search(pattern, self.text)
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} is not shown; the screen shows:\n{self.text}")
            await self.pump(0.5)

    async def settle(self) -> None:
        """Read frames until none comes for a moment."""
        before = None
        while before != self.text:
            before = self.text
            for _ in range(5):
                await self.pump(0.1)

    async def type(self, data: str) -> None:
        await self.ws.send_json(["stdin", data])
