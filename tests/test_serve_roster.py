"""`tutor serve --roster`: one URL per learner, each token its learner's own progress, review deck and exports;
two learners at once keep two histories (real server, real sessions driven over their websockets)."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

pytest.importorskip(
    "textual_serve", reason="textual-serve is not installed (pip install '.[web]'): tutor serve cannot be tested"
)
pytest.importorskip(
    "pyte", reason="pyte is not installed (pip install '.[test]'): the sessions' screens cannot be read"
)

from serve_support import WAIT, WsScreen, _get, children, environ, learner_urls, start  # noqa: E402,F401

from tutor.progress import ProgressStore  # noqa: E402


def _roster(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "class.txt"
    path.write_text(text, encoding="utf-8")
    return path


async def _open(served, token: str):
    import aiohttp

    session = aiohttp.ClientSession()
    ws = await session.ws_connect(f"{served.base}/ws/{token}?width=100&height=30", origin=served.base)
    return session, ws


def test_each_learner_has_a_url_and_their_own_progress(start, tmp_path: Path) -> None:
    learners = tmp_path / "learners"
    served = start("--roster", str(_roster(tmp_path, "# class 5b\nalice\n\n  bob\n")), "--learners", str(learners))
    urls = learner_urls(served)
    assert list(urls) == ["alice", "bob"]
    tokens = {name: url.split("?token=", 1)[1] for name, url in urls.items()}
    assert len(set(tokens.values())) == 2 and all(len(t) >= 32 for t in tokens.values())
    for name, token in tokens.items():
        status, page = _get(served, f"/?token={token}")
        assert status == 200
        assert f"/ws/{token}" in page  # the page opens that learner's session, no other
        assert tokens["bob" if name == "alice" else "alice"] not in page

    async def go() -> None:
        opened = {name: await _open(served, token) for name, token in tokens.items()}
        try:
            screens = {name: WsScreen(ws) for name, (_, ws) in opened.items()}
            for s in screens.values():
                await s.start()
            # both sessions run at once, each in its learner's folder
            # (a child read between fork and exec still shows the server's own environment: wait for both)
            expected = [str(learners / "alice"), str(learners / "bob")]
            deadline = time.monotonic() + WAIT
            while (
                homes := sorted(environ(pid).get("TUTOR_HOME", "") for pid in children(served.proc.pid))
            ) != expected:
                assert time.monotonic() < deadline, f"two sessions did not start in their folders: {homes}"
                await asyncio.sleep(0.1)
            for s in screens.values():
                await s.wait_for("The session lifecycle")
                await s.type("lifecycle")
                await s.settle()
                await s.type("\r")
            for s in screens.values():
                await s.wait_for(r"(?i)step 1(/| of )7\b")
            # alice goes two steps on, bob one, interleaved
            for name, steps in (("alice", 1), ("bob", 1), ("alice", 2)):
                await screens[name].type("\x1b[C")
                await screens[name].wait_for(rf"(?i)step {steps + 1}(/| of )7\b")
        finally:
            for session, ws in opened.values():
                await ws.close()
                await session.close()

    asyncio.run(go())
    reached = {}
    for name in ("alice", "bob"):
        path = learners / name / "progress.sqlite3"
        deadline = time.monotonic() + WAIT
        while True:
            with ProgressStore.open(path, readonly=True) as store:
                got = store.summaries().get("session-lifecycle")
            if got is not None and got.steps_reached >= (3 if name == "alice" else 2):
                break
            assert time.monotonic() < deadline, f"{name}'s progress: {got}"
            time.sleep(0.2)
        reached[name] = got.steps_reached
        assert (learners / name).stat().st_mode & 0o777 == 0o700
    assert reached == {"alice": 3, "bob": 2}
    # the teacher's view shows both
    import subprocess
    import sys

    roster = tmp_path / "class.txt"
    table = subprocess.run(
        [sys.executable, "-m", "tutor", "progress", "--roster", str(roster), "--learners", str(learners)],
        capture_output=True,
        text=True,
        timeout=WAIT,
        env={**os.environ, "TUTOR_HOME": str(served.home)},
    )
    assert table.returncode == 0, table.stderr
    rows = {
        line.split()[0]: line.split()[2] for line in table.stdout.splitlines()[2:] if line.startswith(("alice", "bob"))
    }
    assert rows == {"alice": "3/7", "bob": "2/7"}
    assert not (served.home / "progress.sqlite3").exists()  # the server's own progress file is not touched


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("alice\nAlice\n", ":2:1: error: learner name 'Alice': expected lower-case letters, digits and dashes"),
        ("alice\n  bob smith\n", ":2:3: error: learner name 'bob smith': expected"),
        ("alice\nalice\n", ":2:1: error: learner 'alice' is already on line 1"),
        ("# nobody\n\n", ":1:1: error: roster: no learner names"),
        ("../etc\n", ":1:1: error: learner name '../etc'"),
    ],
)
def test_a_bad_roster_line_is_one_positioned_error(tmp_path: Path, capsys, text: str, expected: str) -> None:
    from tutor.cli import main

    path = _roster(tmp_path, text)
    assert main(["serve", "--roster", str(path), "--port", "1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{path}{expected}"), err
    assert "Traceback" not in err


def test_a_name_with_a_trailing_line_break_or_control_is_refused(tmp_path: Path) -> None:
    from tutor.roster import RosterError, check_name, read_roster

    assert check_name("alice") is None
    for bad in ("alice\n", "alice\x1b", "", "a" * 65, "-alice", "al ice", "alicé"):
        assert check_name(bad) is not None, bad
    with pytest.raises(RosterError) as raised:
        read_roster(_roster(tmp_path, "ok\nbad\x1b]0;x\x07\n"))
    assert [(p.line, p.col) for p in raised.value.problems] == [(2, 1)]
    fifo = tmp_path / "fifo"
    import os

    os.mkfifo(fifo)
    with pytest.raises(RosterError) as raised:
        read_roster(fifo)
    assert "is a FIFO" in str(raised.value)


def test_learners_without_roster_is_a_usage_error(capsys) -> None:
    from tutor.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["serve", "--learners", "x"])
    assert exited.value.code == 2
