"""Launch a command in a private tmux server and time how long until a text appears on its screen.

The harness owns one tmux server (its own socket, ``-L tutor-bench-<pid>``, no user config), runs each
command in a fresh, uniquely named session of a fixed size, and polls ``tmux capture-pane -p`` until a
marker text appears. The same procedure is used for the app and for its baseline, so the per-launch
costs of tmux and of polling are in both figures.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

POLL_INTERVAL = 0.005  # seconds between two captures


class TmuxError(RuntimeError):
    """The command did not show its marker (it failed, or it took longer than the timeout)."""


@dataclass(frozen=True)
class Frame:
    seconds: float
    """From just before ``tmux new-session`` to the first capture that contains the marker."""
    vm_hwm_kib: int | None
    """Peak resident set size (VmHWM) of the pane's process, read right after the marker appeared."""
    screen: str


class Tmux:
    def __init__(self, width: int = 100, height: int = 30) -> None:
        exe = shutil.which("tmux") or "/usr/bin/tmux"
        if not Path(exe).exists():
            raise TmuxError("tmux is not installed")
        self.exe = exe
        self.socket = f"tutor-bench-{os.getpid()}"
        self.width = width
        self.height = height
        self._count = 0
        self._started = False

    # -- plumbing -------------------------------------------------------------------------------
    def _tmux(self, *args: str, check: bool = True) -> str:
        proc = subprocess.run(
            [self.exe, "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
        )
        if check and proc.returncode != 0:
            raise TmuxError(f"tmux {' '.join(args[:2])}: {proc.stderr.strip()}")
        return proc.stdout

    def _start(self) -> None:
        if self._started:
            return
        # A placeholder session keeps the server (and its options) alive between launches.
        self._tmux("new-session", "-d", "-s", "bench-keepalive", "-x", str(self.width), "-y", str(self.height), "sleep 100000")
        self._tmux("set-option", "-g", "remain-on-exit", "on")
        self._tmux("set-option", "-g", "status", "off")
        self._started = True

    def close(self) -> None:
        if self._started:
            self._tmux("kill-server", check=False)
            self._started = False

    def __enter__(self) -> "Tmux":
        self._start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def capture(self, session: str) -> str:
        return self._tmux("capture-pane", "-p", "-t", session, check=False)

    def pane_pid(self, session: str) -> int | None:
        out = self._tmux("display-message", "-p", "-t", session, "#{pane_pid}", check=False).strip()
        return int(out) if out.isdigit() else None

    def pane_dead(self, session: str) -> bool:
        return self._tmux("display-message", "-p", "-t", session, "#{pane_dead}", check=False).strip() == "1"

    # -- the measurement ------------------------------------------------------------------------
    def first_frame(
        self,
        argv: list[str],
        marker: str,
        *,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
        timeout: float = 30.0,
        stderr_to: str | None = None,
        settle: float = 0.0,
    ) -> Frame:
        """Run ``argv`` in a new session; return the time until ``marker`` is on screen.

        ``settle`` seconds after the marker, VmHWM is read. The session is killed afterwards. Raises :class:`TmuxError` with the last screen when the
        marker does not appear in ``timeout`` seconds or the process exits first.
        """
        self._start()
        self._count += 1
        session = f"run{self._count}"
        env_words = [f"{k}={v}" for k, v in (env or {}).items()]
        command = "exec env " + " ".join(shlex.quote(w) for w in [*env_words, *argv])
        if stderr_to:
            command += " 2>" + shlex.quote(stderr_to)
        args = ["new-session", "-d", "-s", session, "-x", str(self.width), "-y", str(self.height)]
        if cwd:
            args += ["-c", cwd]
        start = time.perf_counter()
        self._tmux(*args, command)
        try:
            deadline = start + timeout
            while True:
                screen = self.capture(session)
                if marker in screen:
                    elapsed = time.perf_counter() - start
                    break
                if time.perf_counter() > deadline:
                    raise TmuxError(f"{marker!r} did not appear within {timeout:.0f}s; screen:\n{screen.rstrip()}")
                if self.pane_dead(session):
                    raise TmuxError(f"the process exited before {marker!r} appeared; screen:\n{self.capture(session).rstrip()}")
                time.sleep(POLL_INTERVAL)
            if settle:
                time.sleep(settle)  # let the first frame's follow-up work finish before reading VmHWM
            pid = self.pane_pid(session)
            return Frame(elapsed, vm_hwm_kib(pid) if pid else None, screen)
        finally:
            self._tmux("kill-session", "-t", session, check=False)


def vm_hwm_kib(pid: int) -> int | None:
    """Peak resident set size of a process, from ``/proc/<pid>/status``."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None
