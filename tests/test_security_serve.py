"""`tutor serve` beside floods and slow clients (issue 18, round three as a whole): many websockets at once
(with a bad and with a good token) and clients that dribble their headers leave the server answering a
normal client; unauthenticated sockets start no process; `--max-sessions` bounds the processes that run;
a stop ends every session quickly. Real servers, real sessions; every wait is a condition with a deadline."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import time

import pytest

pytest.importorskip(
    "textual_serve", reason="textual-serve is not installed (pip install '.[web]'): tutor serve cannot be tested"
)

from serve_support import WAIT, _get, children, start  # noqa: E402,F401

from tutor.commands import serve  # noqa: E402


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _until(condition, what: str):
    deadline = time.monotonic() + WAIT
    while not (found := condition()):
        assert time.monotonic() < deadline, what
        time.sleep(0.1)
    return found


async def _try_ws(served, token: str):
    """(status, websocket, client): 101 and an open websocket, or the refusal's status."""
    import aiohttp

    client = aiohttp.ClientSession()
    try:
        ws = await client.ws_connect(f"{served.base}/ws/{token}?width=80&height=24", origin=served.base)
    except aiohttp.WSServerHandshakeError as exc:
        await client.close()
        return exc.status, None, None
    return 101, ws, client


def test_a_flood_of_websockets_starts_no_more_processes_than_the_limit(start) -> None:
    served = start("--max-sessions", "2")

    async def go() -> None:
        import aiohttp

        bad = await asyncio.gather(*(_try_ws(served, "x" * len(served.token)) for _ in range(50)))
        assert {status for status, _, _ in bad} == {403}
        assert children(served.proc.pid) == []  # an unauthenticated socket starts nothing
        good = await asyncio.gather(*(_try_ws(served, served.token) for _ in range(4)))  # N + 2 at once
        opened = [(ws, client) for status, ws, client in good if status == 101]
        assert sorted(status for status, _, _ in good) == [101, 101, 503, 503]
        for ws, _ in opened:
            await asyncio.wait_for(ws.receive(), WAIT)  # each one's `tutor` drew its screen
        running = children(served.proc.pid)
        assert len(running) == 2, running  # processes, not sockets, are bounded
        flood = await asyncio.gather(*(_try_ws(served, served.token) for _ in range(50)))
        assert {status for status, _, _ in flood} == {503}
        assert len(children(served.proc.pid)) == 2
        async with aiohttp.ClientSession() as normal, normal.get(f"{served.base}/static/js/textual.js") as answer:
            assert answer.status == 200  # a normal client is still answered
        for ws, client in opened:
            await ws.close()
            await client.close()
        _until(lambda: not any(map(_alive, running)), "a session's process outlived its socket")

    asyncio.run(go())
    # A process that has died is a zombie until the server reaps it (asyncio's child watcher), and the
    # server logs "closed" only after it has waited for the process: so the log's two "closed" lines (read
    # by the fixture's thread, at its own pace) are the condition, and then no child may be left, dead or
    # alive. Counting what the log holds once both lines are in: exactly two opened, two closed.
    _until(lambda: "".join(served.stderr).count(" closed (learner -;") >= 2, "the server never logged both closes")
    assert children(served.proc.pid) == []
    log = "".join(served.stderr)
    assert log.count(" opened (learner -;") == 2 and log.count(" closed (learner -;") == 2


def test_clients_that_dribble_their_headers_are_timed_out_and_block_no_one(start) -> None:
    served = start()
    slow = []
    for n in range(30):
        s = socket.create_connection(("127.0.0.1", served.port), timeout=WAIT)
        s.sendall(b"GET /?token=" + served.token.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        if n % 2:
            s.sendall(b"X-Slow: a")  # a header begun and never finished
        slow.append(s)
    started = time.monotonic()
    assert _get(served, f"/?token={served.token}")[0] == 200  # answered beside them
    for s in slow:
        s.sendall(b"b")  # dribbling: the deadline runs from the connection's start, not from the last byte
    for s in slow:  # the server closes each (recv returns b"" or the connection is reset)
        try:
            assert s.recv(1024) == b""
        except ConnectionResetError:
            pass
        s.close()
    assert time.monotonic() - started >= serve.HEADER_TIMEOUT / 2  # closed by the deadline, not at once
    assert _get(served, f"/?token={served.token}")[0] == 200
    assert served.token not in "".join(served.stderr).split("\n", 1)[1]


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT"])
def test_a_stopped_server_ends_its_sessions_itself(start, how: str) -> None:
    """On SIGTERM / Ctrl-C the server closes each session's socket and ends its process before it exits (not
    only through the children's parent-death signal), and says so in one line per session."""
    served = start()

    async def go() -> list:
        opened = []
        for _ in range(2):
            status, ws, client = await _try_ws(served, served.token)
            assert status == 101
            await asyncio.wait_for(ws.receive(), WAIT)
            opened.append((ws, client))
        return opened

    loop = asyncio.new_event_loop()
    opened = loop.run_until_complete(go())
    pids = _until(lambda: found if len(found := children(served.proc.pid)) == 2 else None, "two sessions")
    os.kill(served.proc.pid, getattr(signal, how))
    served.proc.wait(timeout=WAIT)
    assert not any(map(_alive, pids))
    log = "".join(served.stderr)
    assert log.count(" closed (learner -;") == 2, log  # each session ended before the server exited

    async def close() -> None:
        for ws, client in opened:
            await ws.close()
            await client.close()

    loop.run_until_complete(close())
    loop.close()


HOSTILE = [
    ("x" * (serve.MAX_FRAME + 1), "exceeds limit"),  # oversize
    ("[" * 60000, "not JSON"),  # nested deeper than the parser goes
    (b"\x00binary", "a binary frame"),
    ('["resize", {"width": ' + "9" * 5000 + "}]", "not JSON"),  # a number too long to read
    ('["stdin", ["\\u001b[M"]]', "stdin without text"),  # a mouse report of the wrong type
]


def test_a_hostile_frame_closes_its_own_session_only_with_a_reason(start) -> None:
    served = start("--max-sessions", str(len(HOSTILE) + 1))

    async def closed(ws) -> None:
        import aiohttp

        while (await asyncio.wait_for(ws.receive(), WAIT)).type not in (
            aiohttp.WSMsgType.CLOSE,
            aiohttp.WSMsgType.CLOSED,
            aiohttp.WSMsgType.ERROR,
        ):
            pass

    async def go() -> None:
        import aiohttp

        opened = await asyncio.gather(*(_try_ws(served, served.token) for _ in range(len(HOSTILE) + 1)))
        assert [status for status, _, _ in opened] == [101] * len(opened)
        for _, ws, _ in opened:
            await asyncio.wait_for(ws.receive(), WAIT)
        (_, good, _), bad = opened[0], opened[1:]
        for n, ((frame, _), (_, ws, _)) in enumerate(zip(HOSTILE, bad, strict=True)):
            await (ws.send_bytes(frame) if isinstance(frame, bytes) else ws.send_str(frame))
            await closed(ws)
            _until(lambda n=n: "".join(served.stderr).count("bad message from the client") == n + 1, "no reason")
        await good.send_str('["stdin", "\\u001b[200~pasted\\u001b[201~"]')  # a paste, as the page sends it
        await good.send_str('["ping", "still-here"]')
        while True:
            message = await asyncio.wait_for(good.receive(), WAIT)
            if message.type == aiohttp.WSMsgType.TEXT and "still-here" in message.data:
                break
        for _, ws, client in opened:
            await ws.close()
            await client.close()

    asyncio.run(go())
    _until(lambda: " 0 running)" in "".join(served.stderr), "a session was not closed")
    log = "".join(served.stderr)
    lines = [line for line in log.splitlines() if "bad message from the client" in line]
    assert len(lines) == len(HOSTILE), log
    for line, (_, reason) in zip(lines, HOSTILE, strict=True):
        assert reason in line and served.token not in line
    assert "Traceback" not in log and "Error" not in log
