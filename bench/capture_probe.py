"""``python -m bench.capture_probe N CAPTURE TREE...``: `tutor open CAPTURE` from several source trees, and
the lesson `session-lifecycle` (warm cache), alternated N rounds in the bench's tmux set-up, each launch
probed by :func:`bench.frame_probe.install` (``PYTHONPATH=TREE``: e.g. a ``git archive`` of main and this
checkout). Prints per side the medians of the CPU time at the first frame written, launch to that frame,
and launch to the bench's detection of its marker: a same-run before/after of the capture's first frame,
less sensitive to the machine's load than `python -m bench --only capture` (bench/FINDINGS.md).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from bench.capture_bench import CAPTURE_MARKER
from bench.frame_bench import LESSON_MARKER, _env
from bench.frame_probe import ROOT, _read
from bench.tmuxrun import Tmux


def main(argv: list[str]) -> int:
    rounds, capture, trees = int(argv[0]), argv[1], [Path(t).resolve() for t in argv[2:]] or [ROOT]
    sides = {"lesson": (ROOT, ["open", "session-lifecycle"], LESSON_MARKER)}
    sides |= {f"capture {tree}": (tree, ["open", capture], CAPTURE_MARKER) for tree in trees}
    rows: dict[str, list[tuple[float, float, float]]] = {side: [] for side in sides}
    with tempfile.TemporaryDirectory(prefix="tutor-probe-") as tmp, Tmux(100, 30) as tmux:
        home = tempfile.mkdtemp(prefix="warm-", dir=tmp)
        for n in range(rounds + 1):  # the first round warms the lesson cache and the OS file cache
            for i, (side, (tree, args, marker)) in enumerate(sides.items()):
                out = Path(tmp) / f"{i}-{n}.txt"
                env = {**_env(home), "PROBE_OUT": str(out), "PYTHONPATH": str(tree)}
                argv_ = [sys.executable, "-m", "bench.frame_probe", "--child", *args]
                session, start = tmux.launch(argv_, env=env, cwd=str(tree))  # (-m: the tree first)
                try:
                    seen, _screen = tmux.wait_for(session, marker, start)
                    frame = next(line.split() for line in _read(out) if " frame " in line)
                finally:
                    tmux.kill(session)
                if n:
                    rows[side].append((float(frame[0]), float(frame[1]) - start, seen))
    lesson = statistics.median(v[0] for v in rows["lesson"])
    for side, values in rows.items():
        cpu, wall, seen = (statistics.median(v[i] for v in values) for i in range(3))
        print(
            f"{side:40} frame CPU {cpu:6.1f} ms ({cpu / lesson:.2f}x)  frame wall {wall * 1000:6.1f} ms  "
            f"detect {seen * 1000:6.1f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
