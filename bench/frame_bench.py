"""First frame and memory, measured in tmux (see bench/tmuxrun.py).

First frame: `tutor open session-lifecycle` until the execution table's heading is on screen, against
bench/baseline_app.py until its cell text is on screen; runs alternate between the two.
Memory: VmHWM (peak RSS) of `tutor` showing the picker, against the baseline app, read 0.5 s after each
one's marker appeared.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench.tmuxrun import Tmux

BASELINE_MARKER = "baseline-ready"
LESSON_MARKER = "Session Cookie Present?"
PICKER_MARKER = "The session lifecycle"


@dataclass
class FrameResult:
    tutor_s: float
    baseline_s: float
    tutor_runs: list[float] = field(default_factory=list)
    baseline_runs: list[float] = field(default_factory=list)
    screen: str = ""


@dataclass
class MemoryResult:
    tutor_kib: int
    baseline_kib: int


def _tutor_argv(root: Path) -> list[str]:
    script = Path(sys.executable).with_name("tutor")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tutor"]


def _baseline_argv(root: Path) -> list[str]:
    return [sys.executable, str(root / "bench" / "baseline_app.py")]


def _env(home: str) -> dict[str, str]:
    # A private progress store, so the benchmark neither reads nor changes the user's progress.
    # Bytecode caching on for both sides: an installed package has compiled .pyc files (pip compiles
    # them), and Textual's own are already there; with PYTHONDONTWRITEBYTECODE=1 in the environment only
    # our modules would be recompiled on every launch.
    return {"TUTOR_HOME": home, "TERM": "xterm-256color", "COLORTERM": "truecolor", "PYTHONDONTWRITEBYTECODE": ""}


def first_frame(root: Path, runs: int = 7, lesson: str = "session-lifecycle") -> FrameResult:
    with tempfile.TemporaryDirectory(prefix="tutor-bench-home-") as home, Tmux(100, 30) as tmux:
        env = _env(home)
        # One untimed launch each warms the OS file cache (both sides alike).
        tmux.first_frame(_baseline_argv(root), BASELINE_MARKER, env=env, cwd=str(root))
        tmux.first_frame([*_tutor_argv(root), "open", lesson], LESSON_MARKER, env=env, cwd=str(root))
        tutor, base = [], []
        screen = ""
        for _ in range(runs):
            base.append(tmux.first_frame(_baseline_argv(root), BASELINE_MARKER, env=env, cwd=str(root)).seconds)
            f = tmux.first_frame([*_tutor_argv(root), "open", lesson], LESSON_MARKER, env=env, cwd=str(root))
            tutor.append(f.seconds)
            screen = f.screen
    return FrameResult(statistics.median(tutor), statistics.median(base), tutor, base, screen)


def memory(root: Path, runs: int = 3) -> MemoryResult:
    with tempfile.TemporaryDirectory(prefix="tutor-bench-home-") as home, Tmux(100, 30) as tmux:
        env = _env(home)
        tutor, base = [], []
        for _ in range(runs):
            b = tmux.first_frame(_baseline_argv(root), BASELINE_MARKER, env=env, cwd=str(root), settle=0.5)
            t = tmux.first_frame(_tutor_argv(root), PICKER_MARKER, env=env, cwd=str(root), settle=0.5)
            if b.vm_hwm_kib is None or t.vm_hwm_kib is None:
                raise RuntimeError("could not read VmHWM from /proc/<pid>/status")
            base.append(b.vm_hwm_kib)
            tutor.append(t.vm_hwm_kib)
    return MemoryResult(int(statistics.median(tutor)), int(statistics.median(base)))


_IMPORT_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


def import_offenders(root: Path, args: tuple[str, ...] = ("open", "session-lifecycle"), top: int = 12) -> list[tuple[str, float, float]]:
    """The slowest imports of `tutor ARGS` up to the moment it starts the app, as (module, self ms, cumulative ms).

    Runs ``python -X importtime`` on the real command line with ``App.run`` replaced (bench/appdriver.py):
    Textual draws on stderr, where importtime also writes, so the app itself cannot run here. Listed are
    the modules with the largest cumulative time imported at the top level or one level down, which is
    where a lazy import would help.
    """
    with tempfile.TemporaryDirectory(prefix="tutor-bench-home-") as home:
        code = f"from bench.appdriver import app_for; app_for({list(args)!r})"
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code],
            capture_output=True, text=True, cwd=str(root), env={**os.environ, **_env(home)},
        )
        if proc.returncode != 0:
            raise RuntimeError(f"importtime run failed: {proc.stderr.strip().splitlines()[-1:]}")
        text = proc.stderr
    return parse_importtime(text, top)


def parse_importtime(text: str, top: int = 12) -> list[tuple[str, float, float]]:
    """The ``tutor.*`` modules by cumulative import time, then the heaviest other modules by self time."""
    entries = []
    for line in text.splitlines():
        m = _IMPORT_LINE.match(line)
        if m:
            entries.append((m.group(4), int(m.group(1)) / 1000, int(m.group(2)) / 1000))
    ours = sorted((e for e in entries if e[0].startswith("tutor")), key=lambda e: -e[2])[: top // 2]
    theirs = sorted((e for e in entries if not e[0].startswith(("tutor", "bench"))), key=lambda e: -e[1])[: top - len(ours)]
    return ours + theirs
