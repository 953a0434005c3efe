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
from pathlib import Path

from bench.capture_bench import CAPTURE_MARKER
from bench.frame_bench import LESSON_MARKER
from bench.frame_probe import ROOT, probe_rounds


def main(argv: list[str]) -> int:
    rounds, capture, trees = int(argv[0]), argv[1], [Path(t).resolve() for t in argv[2:]] or [ROOT]
    sides = {"lesson": (ROOT, ["open", "session-lifecycle"], LESSON_MARKER)}
    sides |= {f"capture {tree}": (tree, ["open", capture], CAPTURE_MARKER) for tree in trees}
    rows = probe_rounds(sides, rounds)
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
