"""Check: `tutor check DIR` on 1,000 generated lessons against PyYAML's C loader only parsing them.

Both sides run as a fresh subprocess of the same Python (so both pay interpreter start-up once), each
over the same 1,000 files in a temporary folder, with a private ``TUTOR_HOME``; the ratio is the median wall time of `tutor check`
over the median wall time of the parse-only script.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.scenarios import builtin_lessons, write_lesson_copies

PARSE_ONLY = """
import sys, yaml
from pathlib import Path
for p in sorted(Path(sys.argv[1]).glob('*.yaml')):
    with open(p, 'rb') as f:
        yaml.load(f, Loader=yaml.CSafeLoader)
"""


@dataclass
class CheckResult:
    files: int
    sources: list[str]
    tutor_s: float
    yaml_s: float
    tutor_runs: list[float]
    yaml_runs: list[float]


def _env(home: str) -> dict[str, str]:
    """The environment with a private ``TUTOR_HOME``: `tutor check` must not touch the user's cache or progress."""
    return {**os.environ, "TUTOR_HOME": home}


def _time(argv: list[str], env_note: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        lines = (proc.stdout + proc.stderr).strip().splitlines()
        raise RuntimeError(f"{env_note} exited {proc.returncode}: " + " | ".join(lines[-3:]))
    return elapsed


def valid_sources(root: Path, env: dict[str, str]) -> list[Path]:
    """The built-in lessons that `tutor check` passes (lessons being written may be broken for a while)."""
    good = []
    for path in builtin_lessons(root):
        proc = subprocess.run(
            [sys.executable, "-m", "tutor", "check", str(path)], capture_output=True, text=True, env=env
        )
        if proc.returncode == 0:
            good.append(path)
    if not good:
        raise RuntimeError("no built-in lesson passes `tutor check`")
    return good


def run(root: Path, files: int = 1000, runs: int = 5) -> CheckResult:
    with tempfile.TemporaryDirectory(prefix="tutor-bench-check-") as tmp:
        dest = Path(tmp, "lessons")
        dest.mkdir()
        home = Path(tmp, "home")
        home.mkdir()
        env = _env(str(home))
        sources = valid_sources(root, env)
        write_lesson_copies(sources, dest, files)
        tutor_cmd = [sys.executable, "-m", "tutor", "check", str(dest)]
        yaml_cmd = [sys.executable, "-c", PARSE_ONLY, str(dest)]
        tutor_runs, yaml_runs = [], []
        for _ in range(runs):  # interleaved, so drift in machine load hits both sides alike
            yaml_runs.append(_time(yaml_cmd, "parse-only", env))
            tutor_runs.append(_time(tutor_cmd, "tutor check", env))
    return CheckResult(
        files,
        [p.stem for p in sources],
        statistics.median(tutor_runs),
        statistics.median(yaml_runs),
        tutor_runs,
        yaml_runs,
    )
