"""First frame and memory of `tutor open session-lifecycle`, measured in tmux (see bench/tmuxrun.py).

First frame: from launch until the *complete* lesson screen is on the tmux screen (:data:`LESSON_MARKER`:
a mode label, the first table row's text and the footer's key text), against bench/baseline_app.py until
its last cell is on screen. Three kinds of launch alternate (:func:`schedule`): the lesson with a warm
lesson cache (a ``TUTOR_HOME`` that has opened the lesson before), the baseline, the lesson with a cold
cache (a new, empty ``TUTOR_HOME`` for each run: the lesson is parsed and simulated), the baseline again.
Both tutor figures are compared with the median of all baseline runs.

Memory: VmHWM (peak RSS) 0.5 s after the marker, for the lesson (warm and cold cache) and for the picker
(warm cache), against the baseline app.
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

from bench.tmuxrun import Marker, Tmux

BASELINE_MARKER = Marker(("baseline-ready",))
LESSON_MARKER = Marker(
    # "Walkthrough": the mode's label (a tab today, the mode strip in a redesigned screen); the text of the
    # table's first row; "Next": the step key's description in the footer on the bottom line.
    texts=("Walkthrough", "Create anonymous session"),
    footer=("Next",),
)
PICKER_MARKER = Marker(("The session lifecycle",))

WARM, COLD, BASE = "tutor (warm cache)", "tutor (cold cache)", "baseline"
PICKER = "tutor (picker)"
ROUND = (WARM, BASE, COLD, BASE)
"""One round of launches: never two tutor launches in a row, and the baseline as often as both together."""


def schedule(runs: int, round_: tuple[str, ...] = ROUND) -> list[str]:
    """The launch order: ``runs`` rounds of ``round_``, one after the other."""
    return [kind for _ in range(runs) for kind in round_]


def ratio_of_medians(measured: list[float], baseline: list[float]) -> float:
    return statistics.median(measured) / statistics.median(baseline)


@dataclass
class FrameResult:
    runs: dict[str, list[float]]
    screen: str = ""
    """The lesson's screen (warm cache) at the moment the marker was complete."""
    cpu: dict[str, list[float]] = field(default_factory=dict)
    """Per kind: the process's CPU time when the marker was found (see ``Frame.cpu_s``)."""

    def median(self, kind: str) -> float:
        return statistics.median(self.runs[kind])

    def ratio(self, kind: str) -> float:
        return ratio_of_medians(self.runs[kind], self.runs[BASE])

    def cpu_median(self, kind: str) -> float:
        return statistics.median(self.cpu[kind])

    def cpu_ratio(self, kind: str) -> float:
        return ratio_of_medians(self.cpu[kind], self.cpu[BASE])


@dataclass
class MemoryResult:
    kib: dict[str, int] = field(default_factory=dict)
    """Median VmHWM per kind: WARM, COLD, BASE and PICKER."""


def _tutor_argv(root: Path) -> list[str]:
    script = Path(sys.executable).with_name("tutor")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tutor"]


def _baseline_argv(root: Path) -> list[str]:
    return [sys.executable, str(root / "bench" / "baseline_app.py")]


def _env(home: str) -> dict[str, str]:
    # A private progress store and lesson cache, so the benchmark neither reads nor changes the user's.
    # Bytecode caching on for both sides: an installed package has compiled .pyc files (pip compiles
    # them), and Textual's own are already there; with PYTHONDONTWRITEBYTECODE=1 in the environment only
    # our modules would be recompiled on every launch.
    return {"TUTOR_HOME": home, "TERM": "xterm-256color", "COLORTERM": "truecolor", "PYTHONDONTWRITEBYTECODE": ""}


class _Launcher:
    """The three kinds of launch, each with its ``TUTOR_HOME`` (a new one per cold launch)."""

    def __init__(self, root: Path, tmp: str, lesson: str) -> None:
        self.root, self.tmp, self.lesson = root, tmp, lesson
        self.warm_home = tempfile.mkdtemp(prefix="warm-", dir=tmp)

    def argv_env_marker(self, kind: str) -> tuple[list[str], dict[str, str], Marker]:
        if kind == BASE:
            return _baseline_argv(self.root), _env(self.warm_home), BASELINE_MARKER
        if kind == PICKER:
            return _tutor_argv(self.root), _env(self.warm_home), PICKER_MARKER
        home = self.warm_home if kind == WARM else tempfile.mkdtemp(prefix="cold-", dir=self.tmp)
        return [*_tutor_argv(self.root), "open", self.lesson], _env(home), LESSON_MARKER


def first_frame(root: Path, runs: int = 15, lesson: str = "session-lifecycle") -> FrameResult:
    with tempfile.TemporaryDirectory(prefix="tutor-bench-home-") as tmp, Tmux(100, 30) as tmux:
        launcher = _Launcher(root, tmp, lesson)
        # One untimed launch each warms the OS file cache (both sides alike) and the warm lesson cache.
        for kind in (BASE, WARM):
            argv, env, marker = launcher.argv_env_marker(kind)
            tmux.first_frame(argv, marker, env=env, cwd=str(root))
        times: dict[str, list[float]] = {WARM: [], COLD: [], BASE: []}
        cpu: dict[str, list[float]] = {WARM: [], COLD: [], BASE: []}
        screen = ""
        for kind in schedule(runs):
            argv, env, marker = launcher.argv_env_marker(kind)
            f = tmux.first_frame(argv, marker, env=env, cwd=str(root))
            times[kind].append(f.seconds)
            if f.cpu_s is None:
                raise RuntimeError("could not read the CPU time from /proc/<pid>/task/*/schedstat")
            cpu[kind].append(f.cpu_s)
            if kind == WARM:
                screen = f.screen
    return FrameResult(times, screen, cpu)


def memory(root: Path, runs: int = 3, lesson: str = "session-lifecycle") -> MemoryResult:
    with tempfile.TemporaryDirectory(prefix="tutor-bench-home-") as tmp, Tmux(100, 30) as tmux:
        launcher = _Launcher(root, tmp, lesson)
        for kind in (WARM, PICKER):  # fill the warm cache: the lesson, and every lesson the picker counts
            argv, env, marker = launcher.argv_env_marker(kind)
            tmux.first_frame(argv, marker, env=env, cwd=str(root), settle=0.5)
        peaks: dict[str, list[int]] = {BASE: [], WARM: [], COLD: [], PICKER: []}
        for _ in range(runs):
            for kind in (BASE, WARM, COLD, PICKER):
                argv, env, marker = launcher.argv_env_marker(kind)
                f = tmux.first_frame(argv, marker, env=env, cwd=str(root), settle=0.5)
                if f.vm_hwm_kib is None:
                    raise RuntimeError("could not read VmHWM from /proc/<pid>/status")
                peaks[kind].append(f.vm_hwm_kib)
    return MemoryResult({k: int(statistics.median(v)) for k, v in peaks.items()})


_IMPORT_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


def import_offenders(
    root: Path, args: tuple[str, ...] = ("open", "session-lifecycle"), top: int = 12
) -> list[tuple[str, float, float]]:
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
            capture_output=True,
            text=True,
            cwd=str(root),
            env={**os.environ, **_env(home)},
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
    theirs = sorted((e for e in entries if not e[0].startswith(("tutor", "bench"))), key=lambda e: -e[1])[
        : top - len(ours)
    ]
    return ours + theirs
