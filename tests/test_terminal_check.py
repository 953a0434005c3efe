"""`tutor` and `tutor open` need an interactive terminal; the palette's Screenshot says where it saved.

Without a terminal (TERM=dumb, or stdin/stdout redirected) the app exits 1 at once with one line instead
of writing escape codes into a file and waiting for keys. `tutor serve` (Textual's web driver) and the
app run headless (Pilot, `run(headless=True)`) are not affected.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from terminal_support import run_on_a_pty
from ui_support import UI_LESSON, make_app, sync

ROOT = Path(__file__).resolve().parent.parent
MESSAGE = "tutor: error: tutor needs an interactive terminal"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TEXTUAL_DRIVER", "TUTOR_LESSONS")}
    env.update({"TUTOR_HOME": str(tmp_path / "home"), "TERM": "xterm-256color", **extra})
    return env


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("argv", [[], ["open", "session-lifecycle"]], ids=["picker", "open"])
def test_term_dumb_is_refused_at_once(tmp_path: Path, argv: list[str]) -> None:
    code, text = run_on_a_pty(argv, _env(tmp_path, TERM="dumb"), ROOT)
    assert code == 1, text
    assert f"{MESSAGE} (TERM=dumb); try `tutor show LESSON`" in text
    assert "\x1b[" not in text  # nothing was drawn


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_stdout_redirected_is_refused_and_the_file_stays_empty(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    code, text = run_on_a_pty(["open", "session-lifecycle"], _env(tmp_path), ROOT, stdout_to=target)
    assert code == 1 and f"{MESSAGE} (stdout is not a terminal)" in text, text
    assert target.read_bytes() == b""


def test_stdin_not_a_terminal_is_refused(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tutor"],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == f"{MESSAGE} (stdin is not a terminal); try `tutor show LESSON`\n"


def test_the_web_driver_needs_no_terminal(monkeypatch) -> None:
    from tutor.ui.terminal import terminal_problem

    monkeypatch.setenv("TERM", "dumb")
    assert terminal_problem() is not None
    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.web_driver:WebDriver")  # what textual-serve sets
    assert terminal_problem() is None


def test_headless_run_is_not_refused(home: Path, monkeypatch) -> None:
    monkeypatch.setenv("TERM", "dumb")
    app = make_app()

    async def quit_at_once(pilot) -> None:
        await pilot.pause()
        pilot.app.exit()

    app.run(headless=True, size=(80, 24), auto_pilot=quit_at_once)
    assert app.return_code == 0


# --- the palette's Screenshot ------------------------------------------------------------------------
@sync
async def test_screenshot_without_downloads_goes_to_the_current_folder_and_says_where(
    tmp_path: Path, monkeypatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))  # no ~/Downloads, no ~/Pictures
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "tutor-home"))
    monkeypatch.chdir(work)
    app = make_app(lesson=UI_LESSON)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        (command,) = [c for c in app.get_system_commands(app.screen) if c.title == "Screenshot"]
        assert str(work) in command.help
        command.callback()
        await pilot.pause(0.3)
        await pilot.pause()
        saved = list(work.glob("*.svg"))
        assert len(saved) == 1 and saved[0].read_text(encoding="utf-8").startswith("<svg")
        messages = [n.message for n in app._notifications]
        assert f"Saved {saved[0]}" in messages, messages


@sync
async def test_screenshot_prefers_an_existing_downloads_folder(tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "tutor-home"))
    monkeypatch.chdir(tmp_path)
    app = make_app(lesson=UI_LESSON)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        path = app.save_screenshot_in_folder()
        assert path is not None and path.parent == home / "Downloads"


@sync
async def test_a_screenshot_never_writes_through_a_planted_link(tmp_path: Path, monkeypatch) -> None:
    """Issue 18, the "files the app creates" class: a dangling symlink with the screenshot's name is left
    alone (the file it points to is not created) and the screenshot takes the next free name."""
    home = tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "tutor-home"))
    target = tmp_path / "outside.svg"
    (home / "Downloads" / "session-tutor-1.svg").symlink_to(target)
    app = make_app(lesson=UI_LESSON)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        path = app.save_screenshot_in_folder()
    assert path == home / "Downloads" / "session-tutor-2.svg"
    assert path.read_text(encoding="utf-8").startswith("<svg")
    assert not target.exists()
