"""Session Tutor in a real JupyterHub: the `tutor` jupyter-server-proxy entry point (tutor/hub.py).

A JupyterHub on 127.0.0.1 (DummyAuthenticator with a password, SimpleLocalProcessSpawner with a home folder
per user under this test's tmp folder, configurable-http-proxy from npm) with two users: each logs in, their
server is spawned, ``/user/NAME/tutor/`` is opened as each in Chromium (the app draws "Pick a lesson" through
the proxied page, websocket and assets), one answers a question, and each user's progress is in their own
home, apart, with their hub account as the xAPI actor. Skipped, saying why, where JupyterHub, server-proxy,
node or configurable-http-proxy cannot be had. Every process the hub started is gone at the end.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.conformance

ROOT = Path(__file__).resolve().parents[1]
#: Where .ci/run (or this test, the first time) installs configurable-http-proxy from npm.
CHP_PREFIX = ROOT / ".cache" / "chp"
PASSWORD = "correct horse battery staple"
USERS = ("alice", "bob")
#: Generous: a loaded CI machine starts the hub, a user's server and the tutor's server in turn.
DEADLINE = 180.0


def _skip_reason() -> str | None:
    for module, package in (("jupyterhub", "jupyterhub"), ("jupyter_server_proxy", "jupyter-server-proxy")):
        try:
            __import__(module)
        except ImportError:
            return f"{package} is not installed (pip install '.[test]'): the JupyterHub entry point is not tested"
    try:
        import playwright.sync_api  # noqa: F401
        import requests  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed (pip install '.[test]'): the JupyterHub entry point is not tested"
    if shutil.which("node") is None:
        return "node is not installed (apt-get install nodejs npm): configurable-http-proxy cannot run"
    from test_serve import _browser_skip_reason

    return _browser_skip_reason()


def _chp() -> Path | None:
    """configurable-http-proxy from npm, installed under .cache/chp when it is not there yet."""
    found = CHP_PREFIX / "node_modules" / ".bin" / "configurable-http-proxy"
    if not found.exists() and shutil.which("npm"):
        subprocess.run(
            ["npm", "install", "--prefix", str(CHP_PREFIX), "--no-audit", "--no-fund", "--loglevel=error"]
            + ["configurable-http-proxy@5"],
            capture_output=True,
            timeout=300,
        )
    return found if found.exists() else None


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def _descendants(pid: int) -> set[int]:
    from serve_support import children

    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children(todo.pop()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class Hub:
    def __init__(self, url: str, homes: Path, process: subprocess.Popen, log: Path) -> None:
        self.url, self.homes, self.process, self.log = url, homes, process, log
        self.seen: set[int] = set()  # every process the hub started, noted while it runs

    def note_children(self) -> None:
        self.seen |= _descendants(self.process.pid)

    def wait_for(self, what: str, ready) -> None:
        deadline = time.monotonic() + DEADLINE
        while not ready():
            if self.process.poll() is not None:
                raise AssertionError(f"the hub exited while waiting for {what}:\n{self.log.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} in {DEADLINE:.0f} s; the hub's log:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.2)
            self.note_children()


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    chp = _chp()
    if chp is None:
        pytest.skip("configurable-http-proxy could not be installed from npm: the JupyterHub test cannot run")
    public, hub_port, api_port = _free_ports(3)
    state, homes = tmp_path / "hub", tmp_path / "homes"
    state.mkdir()
    homes.mkdir()
    singleuser = Path(sys.executable).with_name("jupyterhub-singleuser")
    config = state / "jupyterhub_config.py"
    config.write_text(
        f"""
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {public}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{str(chp)!r}]
c.JupyterHub.db_url = "sqlite:///" + {str(state / "jupyterhub.sqlite")!r}
c.JupyterHub.cookie_secret_file = {str(state / "cookie_secret")!r}
c.JupyterHub.pid_file = {str(state / "jupyterhub.pid")!r}
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {PASSWORD!r}
c.Authenticator.allowed_users = {set(USERS)!r}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(homes)!r} + "/{{username}}"
c.Spawner.cmd = [{str(singleuser)!r}]
c.Spawner.args = {["--allow-root"] if os.geteuid() == 0 else []!r}
c.Spawner.start_timeout = {int(DEADLINE)}
c.Spawner.http_timeout = {int(DEADLINE)}
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
""",
        encoding="utf-8",
    )
    log = state / "hub.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "TUTOR_"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)],
            cwd=state,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Hub(f"http://127.0.0.1:{public}", homes, process, log)
    try:
        import requests

        def up() -> bool:
            try:
                return requests.get(f"{running.url}/hub/api", timeout=5).status_code == 200
            except requests.RequestException:
                return False

        started = time.monotonic()
        running.wait_for("hub answering", up)
        print(f"hub started in {time.monotonic() - started:.1f} s")
        yield running
    finally:
        running.note_children()
        process.send_signal(signal.SIGTERM)  # the hub stops the users' servers and the proxy (cleanup_*)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in running.seen) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = sorted(pid for pid in running.seen if _alive(pid))
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        assert left == [], f"processes outlived the hub: {left}"


def _login_and_spawn(hub: Hub, user: str):
    """A requests session logged in as ``user`` whose server is running."""
    import requests

    session = requests.Session()
    page = session.get(f"{hub.url}/hub/login", timeout=30)
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text)
    form = {"username": user, "password": PASSWORD, **({"_xsrf": xsrf.group(1)} if xsrf else {})}
    answer = session.post(f"{hub.url}/hub/login", data=form, timeout=30)
    assert answer.status_code == 200 and "/hub/login" not in answer.url, answer.text[:500]  # logged in ...
    assert answer.url.endswith((f"/user/{user}/", f"/spawn-pending/{user}", f"/user/{user}/lab", f"/user/{user}/tree"))
    # ... and the server spawning (the hub spawns at login)

    def running() -> bool:  # the tutor's page, once the server is up (the first visit logs in to it by OAuth)
        try:
            page = session.get(f"{hub.url}/user/{user}/tutor/", timeout=DEADLINE)
        except requests.RequestException:
            return False
        return page.status_code == 200 and 'data-session-websocket-url="ws"' in page.text

    hub.wait_for(f"{user}'s server and its tutor", running)
    return session


def _progress_file(hub: Hub, user: str) -> Path:
    return hub.homes / user / ".local" / "share" / "session-tutor" / "progress.sqlite3"


def test_two_hub_users_each_open_the_tutor_and_keep_their_own_progress(hub: Hub, tmp_path: Path) -> None:
    import requests
    from playwright.sync_api import sync_playwright
    from serve_support import CHROMIUM
    from test_serve import Screen

    from tutor.progress import ProgressStore

    sessions = {user: _login_and_spawn(hub, user) for user in USERS}
    for user, session in sessions.items():  # the page, through the hub's proxy and the user's server
        page = session.get(f"{hub.url}/user/{user}/tutor/", timeout=DEADLINE)
        assert page.status_code == 200, page.text[:500]
        assert 'data-session-websocket-url="ws"' in page.text and 'href="static/css/xterm.css"' in page.text
        asset = session.get(f"{hub.url}/user/{user}/tutor/static/js/textual.js", timeout=60)
        assert asset.status_code == 200 and len(asset.content) > 1000
        info = session.get(f"{hub.url}/user/{user}/server-proxy/servers-info", timeout=60).json()
        (tutor,) = [item for item in info["server_processes"] if item["name"] == "tutor"]
        assert tutor["launcher_entry"]["title"] == "Session Tutor"  # the JupyterLab launcher's card
        icon = session.get(hub.url + tutor["launcher_entry"]["icon_url"], timeout=60)
        assert icon.status_code == 200 and b"<svg" in icon.content
    other = sessions["bob"].get(f"{hub.url}/user/alice/tutor/", timeout=60, allow_redirects=False)
    assert other.status_code in (302, 403, 404)  # bob never reaches alice's tutor
    assert requests.get(f"{hub.url}/user/alice/tutor/", timeout=60, allow_redirects=False).status_code == 302
    hub.note_children()

    browser_home = tmp_path / "browser-home"
    browser_home.mkdir()
    env = {**os.environ, "HOME": str(browser_home), "XDG_CONFIG_HOME": str(browser_home / ".config")}
    envs: dict[str, dict[str, str]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], env=env)
        try:
            for user in USERS:
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                page = context.new_page()
                screen = Screen(page)
                page.goto(f"{hub.url}/hub/login")
                page.fill("input[name=username]", user)
                page.fill("input[name=password]", PASSWORD)
                page.click("[type=submit]")
                page.wait_for_url(re.compile(rf".*/user/{user}/.*"), timeout=DEADLINE * 1000)
                page.goto(f"{hub.url}/user/{user}/tutor/")
                screen.wait_for("Pick a lesson")
                hub.note_children()
                envs[user] = _tutor_env(hub, user)
                page.screenshot(path=str(tmp_path / f"{user}-picker.png"))
                if user == "alice":  # alice answers the first visual question of the first lesson
                    screen.wait_for("The session lifecycle")
                    page.locator("#terminal").click()
                    screen.type_into_filter("lifecycle")
                    page.keyboard.press("Enter")
                    screen.wait_for(r"Step 1 of \d+")
                    screen.press("]")  # key moments
                    screen.press("]")  # visual quiz
                    screen.wait_for(r"Visual quiz · question 1 of \d+")
                    page.keyboard.press("a")
                    page.keyboard.press("Enter")
                    screen.wait_for(r"✓|Not quite")
                    answers: list = []

                    def answered(answers: list = answers) -> bool:
                        path = _progress_file(hub, "alice")
                        if path.exists():
                            with ProgressStore.open(path, readonly=True) as store:
                                answers[:] = store.answers("session-lifecycle")
                        return bool(answers)

                    hub.wait_for("alice's answer in her progress file", answered)
                    assert [a.mode for a in answers] == ["visual"]
                context.close()
        finally:
            browser.close()

    alice, bob = _progress_file(hub, "alice"), _progress_file(hub, "bob")
    assert alice.is_file() and alice.is_relative_to(hub.homes / "alice")
    with ProgressStore.open(alice, readonly=True) as store:
        assert store.answers("session-lifecycle")
    if bob.exists():  # bob opened the tutor but answered nothing: nothing of alice's in his
        with ProgressStore.open(bob, readonly=True) as store:
            assert store.answers("session-lifecycle") == []
    for user in USERS:  # each tutor server runs as its user: their HOME, their JUPYTERHUB_USER, no secret passed on
        env = envs[user]
        assert env["JUPYTERHUB_USER"] == user and env["HOME"] == str(hub.homes / user)
    # alice's statements, made as on her server (her tutor's own environment): her hub account is the actor
    done = subprocess.run(
        [sys.executable, "-m", "tutor", "progress", "--format", "xapi"],
        env=envs["alice"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    statements = json.loads(done.stdout)
    assert statements and {s["actor"]["account"]["name"] for s in statements} == {"alice"}
    assert {s["actor"]["account"]["homePage"] for s in statements} == {f"http://{socket.gethostname()}/hub/"}


def _tutor_env(hub: Hub, user: str) -> dict[str, str]:
    """The environment of ``user``'s running tutor server (`python -m tutor.hub`), from /proc."""
    from serve_support import environ

    found: dict[str, str] = {}
    command_line: list[bytes] = []

    def running() -> bool:
        for pid in _descendants(hub.process.pid):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    command = f.read().split(b"\0")
                env = environ(pid)
            except OSError:
                continue
            if b"tutor.hub" in command and env.get("JUPYTERHUB_USER") == user:
                found.update(env)
                command_line[:] = command
                sessions[:] = sorted(_descendants(pid))
                return bool(sessions)
        return False

    sessions: list[int] = []
    hub.wait_for(f"{user}'s tutor server and its session", running)
    import requests

    # its port, straight, as another account on this machine could: refused without the proxy's secret
    (port,) = [int(v) for k, v in zip(command_line, command_line[1:], strict=False) if k == b"--port"]
    direct = requests.get(f"http://127.0.0.1:{port}/", timeout=30)
    assert direct.status_code == 403 and "JupyterHub" in direct.text
    assert requests.get(f"http://127.0.0.1:{port}/static/js/textual.js", timeout=30).status_code == 403
    assert "TUTOR_PROXY_SECRET" in found  # given by jupyter-server-proxy ...
    for pid in sessions:  # ... and popped before the sessions' `tutor` processes start
        assert "TUTOR_PROXY_SECRET" not in environ(pid)
    del found["TUTOR_PROXY_SECRET"]
    return found


def test_the_entry_point_config_is_what_server_proxy_reads() -> None:
    """What ``setup_tutor`` gives jupyter-server-proxy: a command with its ``{port}``, the launcher card and
    its shipped icon, and one secret for the header the proxy adds and the environment the server reads."""
    from importlib.metadata import entry_points

    from tutor import hub

    (entry,) = [e for e in entry_points(group="jupyter_serverproxy_servers") if e.name == "tutor"]
    assert entry.value == "tutor.hub:setup_tutor"
    config = hub.setup_tutor()
    assert config["command"][1:] == ["-m", "tutor.hub", "--port", "{port}"] and config["absolute_url"] is False
    assert config["launcher_entry"]["title"] == "Session Tutor"
    assert Path(config["launcher_entry"]["icon_path"]).read_text(encoding="utf-8").lstrip().startswith("<svg")
    secret = config["environment"][hub.PROXY_TOKEN_ENV]
    assert config["request_headers_override"] == {hub.PROXY_HEADER: secret} and len(secret) >= 32
    assert hub.setup_tutor()["environment"][hub.PROXY_TOKEN_ENV] != secret  # made anew for each server


def test_started_by_hand_it_says_what_it_needs(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from tutor import hub

    monkeypatch.delenv(hub.PROXY_TOKEN_ENV, raising=False)
    assert hub.main(["--port", "0"]) == 1
    err = capsys.readouterr().err
    assert err == "tutor hub: error: TUTOR_PROXY_SECRET is not set: this is started by jupyter-server-proxy\n"
