"""Launch a command in a private tmux server and time how long until a text appears on its screen.

The harness owns one tmux server (its own socket, ``-L bench-<pid>``, no user config), runs each
command in a fresh, uniquely named session (``bench-run<n>``) of a fixed size, and polls ``tmux
capture-pane -p`` every 20 ms until a :class:`Marker` is satisfied: every one of its texts on the screen
and its footer texts on the bottom line. The same procedure is used for the app and for its baseline, so
the per-launch costs of tmux and of polling are in both figures. (Polling faster than 20 ms on a 2-core
machine takes CPU from the app being measured, and more from the light baseline than from the app.)
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

POLL_INTERVAL = 0.02  # seconds between two captures


@dataclass(frozen=True)
class Marker:
    """What a complete screen shows: every text in ``texts`` anywhere on it, and every text in ``footer``
    on its bottom line (where a footer is docked; ``capture-pane -p`` prints every row, blank or not).

    A single text is not enough for a screen that is painted in parts: the lesson screen's table
    heading appears before the mode labels and the footer do.
    """

    texts: tuple[str, ...]
    footer: tuple[str, ...] = ()

    def missing(self, screen: str) -> list[str]:
        """The parts of the marker not (yet) on ``screen``, in the order they are declared."""
        lines = screen.splitlines()
        bottom = lines[-1] if lines else ""
        gone = [t for t in self.texts if t not in screen]
        gone += [f"{t} (on the bottom line)" for t in self.footer if t not in bottom]
        return gone

    def found(self, screen: str) -> bool:
        return not self.missing(screen)

    def __str__(self) -> str:
        parts = [repr(t) for t in self.texts] + [f"{t!r} on the bottom line" for t in self.footer]
        return " and ".join(parts)


def as_marker(marker: Marker | str) -> Marker:
    return marker if isinstance(marker, Marker) else Marker((marker,))


class TmuxError(RuntimeError):
    """The command did not show its marker (it failed, or it took longer than the timeout)."""


@dataclass(frozen=True)
class Frame:
    seconds: float
    """From just before ``tmux new-session`` to the first capture that contains the marker."""
    vm_hwm_kib: int | None
    """Peak resident set size (VmHWM) of the pane's process, read right after the marker appeared."""
    screen: str
    cpu_s: float | None = None
    """CPU time the pane's process (every thread) had used when the marker was found: less disturbed by other
    processes on a shared machine than the wall time, and including the work done between the paint and
    the capture that saw it (at most one polling interval)."""
    rss_anon_kib: int | None = None
    """The process's anonymous resident memory (RssAnon: its heap, not the file pages it maps), read with
    VmHWM."""


class Tmux:
    def __init__(self, width: int = 100, height: int = 30) -> None:
        exe = shutil.which("tmux") or "/usr/bin/tmux"
        if not Path(exe).exists():
            raise TmuxError("tmux is not installed")
        self.exe = exe
        self.socket = f"bench-{os.getpid()}"
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
        self._tmux(
            "new-session", "-d", "-s", "bench-keepalive", "-x", str(self.width), "-y", str(self.height), "sleep 100000"
        )
        self._tmux("set-option", "-g", "remain-on-exit", "on")
        self._tmux("set-option", "-g", "status", "off")
        self._started = True

    def close(self) -> None:
        if self._started:
            socket = self._tmux("display-message", "-p", "#{socket_path}", check=False).strip()
            self._tmux("kill-server", check=False)
            self._started = False
            if socket:  # tmux 3.3 leaves the socket file of a killed server behind
                Path(socket).unlink(missing_ok=True)

    def __enter__(self) -> Tmux:
        self._start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def capture(self, session: str) -> str:
        return self._tmux("capture-pane", "-p", "-t", session, check=False)

    def pane_pid(self, session: str) -> int | None:
        out = self._tmux("display-message", "-p", "-t", session, "#{pane_pid}", check=False).strip()
        return int(out) if out.isdigit() else None

    def send_keys(self, session: str, *keys: str) -> None:
        self._tmux("send-keys", "-t", session, *keys)

    def pane_dead(self, session: str) -> bool:
        return self._tmux("display-message", "-p", "-t", session, "#{pane_dead}", check=False).strip() == "1"

    # -- the measurement ------------------------------------------------------------------------
    def launch(
        self,
        argv: list[str],
        *,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
        stderr_to: str | None = None,
    ) -> tuple[str, float]:
        """Start ``argv`` in a new session; return the session name and the ``perf_counter`` just before."""
        self._start()
        self._count += 1
        session = f"bench-run{self._count}"
        env_words = [f"{k}={v}" for k, v in (env or {}).items()]
        command = "exec env " + " ".join(shlex.quote(w) for w in [*env_words, *argv])
        if stderr_to:
            command += " 2>" + shlex.quote(stderr_to)
        args = ["new-session", "-d", "-s", session, "-x", str(self.width), "-y", str(self.height)]
        if cwd:
            args += ["-c", cwd]
        start = time.perf_counter()
        self._tmux(*args, command)
        return session, start

    def wait_for(self, session: str, marker: Marker | str, start: float, timeout: float = 30.0) -> tuple[float, str]:
        """Poll until ``marker`` is complete on the session's screen; return (seconds since ``start``, screen).

        Raises :class:`TmuxError` with the missing parts and the last screen when the marker is not complete
        within ``timeout`` seconds or the process exits first.
        """
        marker = as_marker(marker)
        deadline = start + timeout
        while True:
            screen = self.capture(session)
            if marker.found(screen):
                return time.perf_counter() - start, screen
            if time.perf_counter() > deadline:
                raise TmuxError(
                    f"the screen did not show {marker} within {timeout:.0f}s; missing: "
                    f"{', '.join(marker.missing(screen))}; screen:\n{screen.rstrip()}"
                )
            if self.pane_dead(session):
                raise TmuxError(
                    f"the process exited before the screen showed {marker}; screen:\n{self.capture(session).rstrip()}"
                )
            time.sleep(POLL_INTERVAL)

    def kill(self, session: str) -> None:
        self._tmux("kill-session", "-t", session, check=False)

    def first_frame(
        self,
        argv: list[str],
        marker: Marker | str,
        *,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
        timeout: float = 30.0,
        stderr_to: str | None = None,
        settle: float = 0.0,
    ) -> Frame:
        """Run ``argv`` in a new session; return the time until ``marker`` is complete on screen.

        ``settle`` seconds after the marker, VmHWM is read. The session is killed afterwards.
        """
        session, start = self.launch(argv, env=env, cwd=cwd, stderr_to=stderr_to)
        try:
            elapsed, screen = self.wait_for(session, marker, start, timeout)
            pid = self.pane_pid(session)
            cpu = cpu_ns(pid) if pid else None
            if settle:
                time.sleep(settle)  # let the first frame's follow-up work finish before reading VmHWM
            return Frame(
                elapsed,
                vm_hwm_kib(pid) if pid else None,
                screen,
                cpu / 1e9 if cpu is not None else None,
                status_kib(pid, "RssAnon") if pid else None,
            )
        finally:
            self.kill(session)


def cpu_ns(pid: int) -> int | None:
    """CPU time used so far by every thread of a process, in nanoseconds (``/proc/<pid>/task/*/schedstat``).

    Nanosecond resolution, unlike ``/proc/<pid>/stat`` (clock ticks of 10 ms), which is too coarse for
    one key press. Threads that end between two readings drop out of the sum; Textual's threads (input,
    output) live as long as the app.
    """
    total = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return None
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat", encoding="ascii") as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return total


def vm_hwm_kib(pid: int) -> int | None:
    """Peak resident set size of a process, from ``/proc/<pid>/status``."""
    return status_kib(pid, "VmHWM")


def status_kib(pid: int, name: str) -> int | None:
    """One ``kB`` figure of ``/proc/<pid>/status`` (``VmHWM``, ``RssAnon`` …)."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as f:
            for line in f:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None
