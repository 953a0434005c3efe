"""`tutor progress --send ENDPOINT` against a real Learning Record Store: Ralph (ralph-malph, its LRS with the
file-system backend) started on loopback. The statements are read back with a GET and compared; a second
send stores nothing again; wrong credentials and an unreachable LRS are one error line and exit 1.

Skipped, with the reason, where Ralph is not installed (`pip install '.[test]'` brings it)."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tutor.progress import ProgressStore

ROOT = Path(__file__).resolve().parent.parent
VERSION = {"X-Experience-API-Version": "1.0.3"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def lrs(tmp_path_factory: pytest.TempPathFactory):
    import importlib.util

    missing = [m for m in ("ralph", "uvicorn", "fastapi", "requests") if importlib.util.find_spec(m) is None]
    if missing:  # (ralph.api itself is not imported here: it picks its backend from the environment at import)
        pytest.skip(
            f"Ralph is not installed ({', '.join(missing)}): pip install 'ralph-malph[cli,backend-fs,lrs]' requests"
        )
    folder = tmp_path_factory.mktemp("ralph")
    env = {
        **os.environ,
        "RALPH_APP_DIR": str(folder),
        "RALPH_AUTH_FILE": str(folder / "auth.json"),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "data"),
    }
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "ralph",
            "auth",
            "-u",
            "teacher",
            "-p",
            "s3cret-pass",
            "-s",
            "all",
            "-A",
            "teacher",
            "http://localhost/",
            "-w",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if made.returncode != 0:
        pytest.skip(f"Ralph cannot make its credentials here: {made.stderr.strip().splitlines()[-1:]}")
    port = _free_port()
    # Ralph 5.1's file-system LRS backend writes its one file with CREATE, so every POST after the first
    # answers 500 ("already exists and overwrite is not allowed"); started with APPEND it keeps them all
    serve = (
        "import sys, uvicorn\n"
        "from ralph.backends.data.base import BaseOperationType\n"
        "from ralph.backends.lrs.fs import FSLRSBackend\n"
        "FSLRSBackend.default_operation_type = BaseOperationType.APPEND\n"
        "uvicorn.run('ralph.api:app', host='127.0.0.1', port=int(sys.argv[1]), log_level='warning')\n"
    )
    server = subprocess.Popen(
        [sys.executable, "-c", serve, str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    base = f"http://127.0.0.1:{port}/xAPI/"
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.skip(f"Ralph did not start: {(server.stderr.read() if server.stderr else '')[-300:]}")
            time.sleep(0.2)
    yield base
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()


def _fill(home: Path) -> None:
    clock = iter(range(1_790_000_000, 1_790_000_200))
    with ProgressStore.open(home / "progress.sqlite3", clock=lambda: float(next(clock))) as store:
        store.record_step("session-lifecycle", 999)
        for n in range(60):  # more than one batch (tutor.lrs.BATCH = 50)
            store.record_answer("session-lifecycle", "first-row", "practice", [n % 3], n % 2 == 0, 0)
        store.record_test("session-lifecycle", 8, 10, 80.0)
        store.record_challenge("login-and-rotation", "fixation", solved=True, events=3, par=3, hints_used=1, stars=2)
        store.record_challenge("login-and-rotation", "fixation", solved=False, events=5, par=3, hints_used=0, stars=0)


def _tutor(
    home: Path, *args: str, user: str = "teacher", password: str = "s3cret-pass"
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TUTOR_LESSONS"}
    env.update(TUTOR_HOME=str(home), TUTOR_LRS_USERNAME=user, TUTOR_LRS_PASSWORD=password)
    return subprocess.run(
        [sys.executable, "-m", "tutor", "progress", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _stored(base: str) -> dict[str, dict]:
    token = base64.b64encode(b"teacher:s3cret-pass").decode()
    found: dict[str, dict] = {}
    url = f"{base}statements?limit=500"
    while url:
        request = urllib.request.Request(url, headers={**VERSION, "Authorization": f"Basic {token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            page = json.load(response)
        found.update({s["id"]: s for s in page["statements"]})
        more = page.get("more")
        url = urllib.parse.urljoin(base, more) if more else ""
    return found


def test_every_statement_lands_in_ralph_exactly_once(lrs: str, tmp_path: Path) -> None:
    _fill(tmp_path)
    exported = _tutor(tmp_path, "--format", "xapi", "--actor", "mailto:alice@school.example")
    assert exported.returncode == 0, exported.stderr
    statements = json.loads(exported.stdout)
    verbs = {s["verb"]["display"]["en-US"] for s in statements}
    assert {"answered", "passed", "completed", "attempted"} <= verbs  # challenge runs are statements too

    sent = _tutor(tmp_path, "--send", lrs, "--actor", "mailto:alice@school.example")
    assert sent.returncode == 0, sent.stderr
    assert sent.stdout == "" and f"sent {len(statements)} statements to {lrs} in 2 batches" in sent.stderr, sent.stderr
    stored = _stored(lrs)
    mine = {i: s for i, s in stored.items() if s["actor"].get("mbox") == "mailto:alice@school.example"}
    assert set(mine) == {s["id"] for s in statements}
    for statement in statements:  # what the LRS gives back is what was sent
        back = mine[statement["id"]]
        assert (back["verb"], back["object"]["id"], back.get("result")) == (
            statement["verb"],
            statement["object"]["id"],
            statement.get("result"),
        )

    again = _tutor(tmp_path, "--send", lrs, "--actor", "mailto:alice@school.example")
    assert again.returncode == 0, again.stderr
    assert f"sent {len(statements)} statements" in again.stderr, again.stderr
    assert len([s for s in _stored(lrs).values() if s["actor"].get("mbox") == "mailto:alice@school.example"]) == len(
        statements
    )


def test_wrong_credentials_and_an_unreachable_lrs_are_one_line_and_exit_1(lrs: str, tmp_path: Path) -> None:
    _fill(tmp_path)
    before = (tmp_path / "progress.sqlite3").read_bytes()
    refused = _tutor(tmp_path, "--send", lrs, password="wrong")
    assert refused.returncode == 1
    assert refused.stderr.startswith("tutor progress: error: the LRS refused the credentials"), refused.stderr
    assert "Traceback" not in refused.stderr and "wrong" not in refused.stderr
    gone = _tutor(tmp_path, "--send", f"http://127.0.0.1:{_free_port()}/xAPI/")
    assert gone.returncode == 1 and gone.stderr.startswith("tutor progress: error: cannot reach the LRS"), gone.stderr
    assert (tmp_path / "progress.sqlite3").read_bytes() == before  # nothing lost, nothing changed


@pytest.mark.parametrize(
    "endpoint", ["ftp://lrs.example/xAPI/", "http://u:p@lrs.example/xAPI/", "lrs", "http://lrs.example/x?y=1"]
)
def test_a_bad_endpoint_is_a_usage_error(tmp_path: Path, endpoint: str) -> None:
    done = _tutor(tmp_path, "--send", endpoint)
    assert done.returncode == 2 and "argument --send:" in done.stderr, done.stderr


def test_send_goes_with_xapi_only(tmp_path: Path) -> None:
    done = _tutor(tmp_path, "--send", "http://127.0.0.1:9/xAPI/", "--format", "json")
    assert done.returncode == 2 and "--send" in done.stderr


def test_a_batch_the_lrs_partly_has_is_sent_again_one_statement_at_a_time() -> None:
    """An LRS that answers 409 to a batch holding an id it has (xAPI §2.1.3): each statement is PUT with its
    id; 204 and 409 are both success. Other answers are one-line errors."""
    import io
    import urllib.error

    from tutor import lrs

    calls: list[tuple[str, str]] = []

    class Answer(io.BytesIO):
        def __init__(self, status: int) -> None:
            super().__init__(b"")
            self.status = status

    def opener(request: urllib.request.Request, timeout: float):
        calls.append((request.get_method(), request.full_url))
        if request.get_method() == "POST":
            raise urllib.error.HTTPError(request.full_url, 409, "Conflict", {}, None)
        if "id-1" in request.full_url:
            raise urllib.error.HTTPError(request.full_url, 409, "Conflict", {}, None)
        return Answer(204)

    sent = lrs.send("https://lrs.example/xAPI", [{"id": "id-1"}, {"id": "id-2"}], ("u", "p"), opener=opener)
    assert (sent.statements, sent.batches, sent.one_by_one) == (2, 1, 2)
    assert calls == [
        ("POST", "https://lrs.example/xAPI/statements"),
        ("PUT", "https://lrs.example/xAPI/statements?statementId=id-1"),
        ("PUT", "https://lrs.example/xAPI/statements?statementId=id-2"),
    ]

    def broken(request: urllib.request.Request, timeout: float):
        raise urllib.error.HTTPError(request.full_url, 500, "Internal Server Error", {}, None)

    with pytest.raises(lrs.SendError, match="^the LRS answered 500 Internal Server Error to POST"):
        lrs.send("https://lrs.example/xAPI/", [{"id": "a"}], None, opener=broken)
