"""`tutor serve` under a hostile network (issue 18 §7-9): the page loads nothing from another origin, the
token is printed once and never logged, every number a client sends is bounded, a bad message closes its
own session only. Real servers, real sessions."""

from __future__ import annotations

import asyncio
import re
import time
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

pytest.importorskip(
    "textual_serve", reason="textual-serve is not installed (pip install '.[web]'): tutor serve cannot be tested"
)

from serve_support import WAIT, _get, children, environ, start  # noqa: E402,F401

from tutor.commands import serve  # noqa: E402


def _get_bytes(served, path: str) -> tuple[int, bytes]:
    import aiohttp

    async def go() -> tuple[int, bytes]:
        async with aiohttp.ClientSession() as session, session.get(served.base + path) as response:
            return response.status, await response.read()

    return asyncio.run(go())


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.refs.append(value)


def test_the_page_and_everything_it_loads_come_from_the_tutor(start) -> None:
    served = start()
    status, page = _get(served, f"/?token={served.token}")
    assert status == 200
    parser = _Refs()
    parser.feed(page)
    refs = parser.refs + re.findall(r"url\(\s*[\"']?([^\"')]+)", page)
    refs = [r for r in refs if not r.startswith("http://www.w3.org/")]  # the SVG namespace, not a fetch
    assert refs, "the page references nothing"
    own = urlsplit(served.base).netloc
    for ref in refs:
        url = urljoin(served.base + "/", ref)
        assert urlsplit(url).netloc == own, f"{ref} comes from another origin"
        status, body = _get_bytes(served, urlsplit(url).path)
        assert status == 200, ref
        text = body.decode("utf-8", "replace")
        for inner in re.findall(r"url\(\s*[\"']?([^\"')]+)", text) if ref.endswith(".css") else []:
            if not inner.startswith("data:"):
                assert urlsplit(urljoin(url, inner)).netloc in ("", own), inner
    assert "fonts.googleapis.com" not in page and "fonts/RobotoMono" in page


async def _session(served, query: str = "width=80&height=24"):
    import aiohttp

    client = aiohttp.ClientSession()
    ws = await client.ws_connect(f"{served.base}/ws/{served.token}?{query}", origin=served.base)
    return client, ws


def _wait_children(served, count: int) -> list[int]:
    deadline = time.monotonic() + WAIT
    while len(found := children(served.proc.pid)) != count:
        assert time.monotonic() < deadline, f"{len(found)} session processes, expected {count}"
        time.sleep(0.1)
    return found


def test_sizes_are_clamped_and_a_bad_message_closes_that_session_only(start) -> None:
    served = start()

    async def go() -> None:
        import aiohttp

        huge_client, huge = await _session(served, "width=5000&height=5000")
        await asyncio.wait_for(huge.receive(), WAIT)
        (pid,) = _wait_children(served, 1)
        env = environ(pid)
        assert (env["COLUMNS"], env["ROWS"]) == ("500", "200")
        other_client, other = await _session(served, "width=-3&height=abc")
        await asyncio.wait_for(other.receive(), WAIT)
        pids = _wait_children(served, 2)
        assert {(environ(p)["COLUMNS"], environ(p)["ROWS"]) for p in pids} == {("500", "200"), ("20", "24")}
        await huge.send_str('["resize", {"width": 1e308, "height": true}]')  # bounded, not an error
        await huge.send_str('["nonsense"]')
        while (message := await asyncio.wait_for(huge.receive(), WAIT)).type not in (
            aiohttp.WSMsgType.CLOSE,
            aiohttp.WSMsgType.CLOSED,
        ):
            pass
        _wait_children(served, 1)  # its process ended; the other session still runs
        await other.send_str('["ping", "still-here"]')
        while True:
            message = await asyncio.wait_for(other.receive(), WAIT)
            if message.type == aiohttp.WSMsgType.TEXT and "still-here" in message.data:
                break
        for client, ws in ((huge_client, huge), (other_client, other)):
            await ws.close()
            await client.close()

    asyncio.run(go())
    _wait_children(served, 0)
    log = "".join(served.stderr)
    assert "bad message from the client: unknown message type 'nonsense'" in log
    assert log.count("opened (learner -;") == 2 and log.count("closed (learner -;") == 2  # one line each


def test_the_token_is_printed_once_and_never_logged(start) -> None:
    served = start()
    for path in (
        f"/?token={served.token}",
        f"/?token={served.token}x",
        "/static/js/textual.js",
        f"/ws/{served.token}",
        f"/ws/{served.token}/nope",
    ):
        _get(served, path)

    async def go() -> None:
        client, ws = await _session(served)
        await asyncio.wait_for(ws.receive(), WAIT)
        await ws.send_str("not json")
        await ws.close()
        await client.close()

    asyncio.run(go())
    deadline = time.monotonic() + WAIT
    while "not JSON" not in "".join(served.stderr) or "GET /ws/" not in "".join(served.stderr):
        assert time.monotonic() < deadline, "".join(served.stderr)
        time.sleep(0.1)
    log = "".join(served.stderr)
    assert log.count(served.token) == 1, log  # the URL printed at start, nothing else
    assert "/ws/…" in log


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('["stdin", "abc"]', ("stdin", "abc")),
        ('["resize", {"width": 100000, "height": -1}]', ("resize", (500, 10))),
        ('["resize", {"width": "90", "height": 30.5}]', ("resize", (90, 24))),
        ('["blur"]', ("blur", None)),
    ],
)
def test_check_message(raw: str, expected) -> None:
    assert serve.check_message(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ['{"a": 1}', "[]", "[1]", '["stdin", 5]', '["resize", 3]', '["ping", "' + "x" * 99 + '"]', '["exec", "rm"]', "nan"],
)
def test_check_message_refuses(raw: str) -> None:
    with pytest.raises(serve.BadMessage):
        serve.check_message(raw)


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT", "SIGKILL"])
def test_no_session_outlives_the_server(start, how: str) -> None:
    import os
    import signal

    served = start()

    async def go() -> None:
        for _ in range(2):
            client, ws = await _session(served)
            await asyncio.wait_for(ws.receive(), WAIT)
            served.keep = getattr(served, "keep", []) + [(client, ws)]

    loop = asyncio.new_event_loop()
    loop.run_until_complete(go())
    pids = _wait_children(served, 2)
    os.kill(served.proc.pid, getattr(signal, how))
    deadline = time.monotonic() + WAIT
    while any(
        os.path.exists(f"/proc/{pid}") and open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
        for pid in pids
    ):
        assert time.monotonic() < deadline, f"a session process outlived the server ({how})"
        time.sleep(0.1)
    served.proc.wait(timeout=WAIT)

    async def close() -> None:
        for client, ws in served.keep:
            try:
                await ws.close()
            except Exception:  # the server is gone
                pass
            await client.close()

    loop.run_until_complete(close())
    loop.close()


def test_max_sessions_bounds_running_processes_not_sockets(start) -> None:
    """Three websockets against ``--max-sessions 1``: one `tutor` process runs, the others are refused
    before any process starts; when the socket closes its process ends and the room is free again."""
    served = start("--max-sessions", "1")

    async def go() -> None:
        import aiohttp

        client, ws = await _session(served)
        await asyncio.wait_for(ws.receive(), WAIT)
        (first,) = _wait_children(served, 1)
        for _ in range(2):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await _session(served)
            assert refused.value.status == 503
        assert children(served.proc.pid) == [first]  # still one process, not three
        await ws.close()
        await client.close()
        _wait_children(served, 0)  # the closed socket's process ended
        client, ws = await _session(served)
        await asyncio.wait_for(ws.receive(), WAIT)
        _wait_children(served, 1)
        await ws.close()
        await client.close()

    asyncio.run(go())
    _wait_children(served, 0)


def test_floods_and_slow_clients_do_not_stop_a_learner(start) -> None:
    """Fifty websockets opened at once with a wrong token and a hundred clients that send a request line and
    then dribble headers never finishing: no process starts for any of them, and a learner with the
    printed URL is still answered and gets a session."""
    import socket

    served = start()
    slow = []
    for _ in range(100):
        conn = socket.create_connection(("127.0.0.1", served.port), timeout=WAIT)
        conn.sendall(f"GET /?token={served.token} HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\nX-Slow: a".encode())
        slow.append(conn)

    async def go() -> None:
        import aiohttp

        async def bad(n: int) -> int:
            async with aiohttp.ClientSession() as client:
                try:
                    ws = await client.ws_connect(f"{served.base}/ws/{'x' * 43}{n % 10}", origin=served.base)
                except aiohttp.WSServerHandshakeError as exc:
                    return exc.status
                await ws.close()
                return 101

        statuses = await asyncio.gather(*(bad(n) for n in range(50)))
        assert set(statuses) == {403}
        assert children(served.proc.pid) == []
        for conn in slow:
            conn.sendall(b"b")  # still dribbling
        async with aiohttp.ClientSession() as client, client.get(f"{served.base}/?token={served.token}") as page:
            assert page.status == 200
        client, ws = await _session(served)
        await asyncio.wait_for(ws.receive(), WAIT)
        _wait_children(served, 1)
        await ws.close()
        await client.close()

    try:
        asyncio.run(go())
    finally:
        for conn in slow:
            conn.close()
    _wait_children(served, 0)
