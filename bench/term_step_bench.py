"""Terminal step: walkthrough steps of the real app in tmux, measured as CPU time, frames and layouts.

The app runs as ``python -m bench.counted open LESSON`` (`tutor open LESSON` with frame and layout
counters, see bench/counted.py) in a 100×30 tmux session with a private ``TUTOR_HOME``. The lesson is the
step benchmark's (bench/step_bench.py ``wrap``): session-lifecycle extended to more than 30 table rows,
predict questions dropped; after the last row, ``Home`` goes back to step 1 (not measured).

One press: read the app's CPU time (every thread, ``/proc/<pid>/task/*/schedstat``, nanoseconds) and
the counters, ``tmux send-keys``, then wait until the screen has changed (for a step) and the process is
idle again (no CPU used over one polling interval, and at least :data:`MIN_WAIT` after the key); the
differences are the press's CPU, frames and layouts. Presses of ``Right`` (a step) alternate in blocks
with presses of :data:`NOOP_KEY`, a key nothing is bound to (the cost of receiving any key).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.counted import read_counts
from bench.frame_bench import LESSON_MARKER, _env
from bench.tmuxrun import Tmux, TmuxError, cpu_ns

NOOP_KEY = "F12"
BLOCK = 10
MIN_WAIT = 0.06
"""Seconds to wait after a key before the process may be called idle (tmux delivers keys asynchronously)."""
POLL = 0.02
IDLE_NS = 300_000
"""CPU used over one polling interval below which the process counts as idle (its threads' timeouts)."""
TIMEOUT = 10.0


@dataclass
class Press:
    cpu_s: float
    frames: int
    layouts: int
    reflows: int
    wall_s: float


@dataclass
class TermStepResult:
    rows: int
    steps: list[Press] = field(default_factory=list)
    noops: list[Press] = field(default_factory=list)

    @property
    def step_cpu_s(self) -> float:
        return statistics.median(p.cpu_s for p in self.steps)

    @property
    def noop_cpu_s(self) -> float:
        return statistics.median(p.cpu_s for p in self.noops)

    @property
    def frames(self) -> list[int]:
        return [p.frames for p in self.steps]

    @property
    def layouts(self) -> list[int]:
        return [p.layouts for p in self.steps]

    @property
    def reflows(self) -> list[int]:
        return [p.reflows for p in self.steps]


def frames_summary(counts: list[int], what: str) -> str:
    """How many steps had each value of a per-step count: ``"6 steps: 1 frame; 14 steps: 3 frames"``."""
    if not counts:
        return "no steps"
    hist: dict[int, int] = {}
    for c in counts:
        hist[c] = hist.get(c, 0) + 1
    parts = [f"{n} step{'' if n == 1 else 's'}: {c} {what}{'' if c == 1 else 's'}" for c, n in sorted(hist.items())]
    return "; ".join(parts)


def _press(tmux: Tmux, session: str, pid: int, counts_file: Path, key: str, *, expect_change: bool) -> Press:
    before = tmux.capture(session)
    cpu0 = cpu_ns(pid) or 0
    counts0 = read_counts(counts_file)
    start = time.perf_counter()
    tmux.send_keys(session, key)
    time.sleep(MIN_WAIT)
    last = cpu_ns(pid) or 0
    changed = False
    while True:
        time.sleep(POLL)
        now = cpu_ns(pid)
        if now is None:
            raise TmuxError(f"the app exited after {key}; screen:\n{tmux.capture(session).rstrip()}")
        if not changed:
            changed = tmux.capture(session) != before
        idle = now - last < IDLE_NS
        last = now
        if idle and (changed or not expect_change):
            break
        if time.perf_counter() - start > TIMEOUT:
            what = "did not change the screen" if not changed else "kept the app busy"
            raise TmuxError(f"{key} {what} within {TIMEOUT:.0f}s; screen:\n{tmux.capture(session).rstrip()}")
    if changed and not expect_change:
        raise TmuxError(
            f"{key} changed the screen; it is meant to be a key nothing is bound to:\n{tmux.capture(session).rstrip()}"
        )
    frames, layouts, reflows = (b - a for a, b in zip(counts0, read_counts(counts_file), strict=True))
    return Press((last - cpu0) / 1e9, frames, layouts, reflows, time.perf_counter() - start)


def _settle(pid: int) -> None:
    """Wait until the process has been idle for two polling intervals in a row (start-up finished)."""
    deadline = time.perf_counter() + TIMEOUT
    last, quiet = cpu_ns(pid) or 0, 0
    while quiet < 2 and time.perf_counter() < deadline:
        time.sleep(POLL * 2)
        now = cpu_ns(pid) or 0
        quiet = quiet + 1 if now - last < IDLE_NS else 0
        last = now


def run(root: Path, steps: int = 100) -> TermStepResult:
    from bench.step_bench import write_long_lesson
    from tutor.lesson.loader import load_lesson

    with tempfile.TemporaryDirectory(prefix="tutor-bench-term-") as tmp, Tmux(100, 30) as tmux:
        home = Path(tmp, "home")
        home.mkdir()
        lesson = write_long_lesson(root / "lessons" / "session-lifecycle.yaml", Path(tmp), 30)
        rows = len(load_lesson(lesson).steps)
        counts_file = Path(tmp, "counts")
        env = {**_env(str(home)), "BENCH_COUNTS": str(counts_file)}
        session, start = tmux.launch(
            [sys.executable, "-m", "bench.counted", "open", str(lesson)], env=env, cwd=str(root)
        )
        try:
            tmux.wait_for(session, LESSON_MARKER, start)
            pid = tmux.pane_pid(session)
            if pid is None:
                raise TmuxError("could not find the app's process")
            _settle(pid)  # a new TUTOR_HOME: the lesson starts at step 1
            result = TermStepResult(rows)
            position = 1
            while len(result.steps) < steps:
                block = min(BLOCK, steps - len(result.steps))
                for _ in range(block):
                    result.noops.append(_press(tmux, session, pid, counts_file, NOOP_KEY, expect_change=False))
                for _ in range(block):
                    if position >= rows:  # not measured: back to the first step
                        _press(tmux, session, pid, counts_file, "Home", expect_change=True)
                        position = 1
                    result.steps.append(_press(tmux, session, pid, counts_file, "Right", expect_change=True))
                    position += 1
        finally:
            tmux.kill(session)
    return result
