"""``python -m bench.frame_probe [N]``: where the first frame's time goes, in the same tmux set-up as the bench.

Launches `tutor open session-lifecycle` and the baseline app N times each (alternating) through
:mod:`bench.tmuxrun`, each with :func:`install` active in the launched process (``python -m
bench.frame_probe --child ...``). The child notes, at every frame Textual writes (``App._display``) and
every screen layout (``Screen._refresh_layout``), its CPU time and ``time.perf_counter()`` (the monotonic
clock, the same in every process), and writes the timeline to ``$PROBE_OUT`` two seconds after its first
frame. The parent prints, per side, the medians of:

* **frame CPU**: the process's CPU time when its first frame was handed to the terminal;
* **frame wall**: launch to that moment;
* **detect**: launch to the poll that saw the complete marker (what `python -m bench` reports);
* **lag**: detect minus frame wall: how long the written frame took to be seen on the tmux screen.

With ``PROBE_PROFILE=1`` the child also writes a cProfile of the launch up to its first frame to
``$PROBE_OUT.prof`` (``PROBE_PROFILE=cpu``: timed by the process's CPU clock instead of the wall clock). Nothing here is part of the bench's results: it explains them (bench/FINDINGS.md).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.frame_bench import BASELINE_MARKER, LESSON_MARKER, _env
from bench.tmuxrun import Tmux

ROOT = Path(__file__).resolve().parent.parent


def install(out: str) -> None:
    """Record frames and layouts of this process's app; write them to ``out`` 2 s after the first frame."""
    import gc

    from textual.app import App
    from textual.screen import Screen

    marks: list[tuple[float, float, str]] = []
    collections = [0, 0, 0]

    def mark(name: str) -> None:
        marks.append((time.process_time() * 1000, time.perf_counter(), name))

    def counted(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections[info["generation"]] += 1

    gc.callbacks.append(counted)
    profile = None
    if os.environ.get("PROBE_PROFILE"):
        import cProfile

        # PROBE_PROFILE=cpu: timed by the process's CPU clock, so other processes' load counts less
        profile = cProfile.Profile(time.process_time) if os.environ["PROBE_PROFILE"] == "cpu" else cProfile.Profile()
        profile.enable()
    display, refresh_layout = App._display, Screen._refresh_layout
    first = [True]

    def dump() -> None:
        with open(out, "w", encoding="utf-8") as f:
            f.writelines(f"{cpu:.1f} {wall:.4f} {name}\n" for cpu, wall, name in marks)
            f.write(f"collections {' '.join(map(str, collections))}\n")

    def probed_display(self: App[Any], screen: Screen[Any], renderable: Any) -> None:
        display(self, screen, renderable)
        if renderable is not None and self._running and not self.is_headless:
            mark(f"frame {type(screen).__name__} {type(renderable).__name__}")
            if first[0]:
                first[0] = False
                if profile is not None:
                    profile.disable()
                    profile.dump_stats(out + ".prof")
                self.set_timer(2.0, dump)

    def probed_layout(self: Screen[Any], size: Any = None, scroll: bool = False) -> None:
        mark(f"layout {type(self).__name__}{' scroll' if scroll else ''}")
        refresh_layout(self, size, scroll)

    App._display = probed_display  # type: ignore[method-assign]
    Screen._refresh_layout = probed_layout  # type: ignore[method-assign]


def _child(argv: list[str]) -> int:
    install(os.environ["PROBE_OUT"])
    if argv[:1] == ["--baseline"]:
        sys.path.insert(0, str(ROOT / "bench"))
        from baseline_app import BaselineApp  # type: ignore[import-not-found]

        BaselineApp().run()
        return 0
    from tutor.cli import main

    return main(argv)


def _read(out: Path, timeout: float = 10.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if out.exists() and out.read_text(encoding="utf-8").endswith("\n"):
            return out.read_text(encoding="utf-8").splitlines()
        time.sleep(0.05)
    raise RuntimeError(f"the probed process wrote no timeline to {out}")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        return _child(argv[1:])
    rounds = int(argv[0]) if argv else 8
    sides = {
        "tutor": (["open", "session-lifecycle"], LESSON_MARKER),
        "baseline": (["--baseline"], BASELINE_MARKER),
    }
    rows = probe_rounds({side: (ROOT, args, marker) for side, (args, marker) in sides.items()}, rounds)
    for side, values in rows.items():
        cpu, wall, seen = (statistics.median(v[i] for v in values) for i in range(3))
        lag = statistics.median(v[2] - v[1] for v in values)
        print(
            f"{side:9} frame CPU {cpu:6.1f} ms  frame wall {wall * 1000:6.1f} ms  "
            f"detect {seen * 1000:6.1f} ms  lag {lag * 1000:6.1f} ms"
        )
    return 0


def probe_rounds(
    sides: dict[str, tuple[Path, list[str], str]], rounds: int
) -> dict[str, list[tuple[float, float, float]]]:
    """Each side (its source tree on ``PYTHONPATH``, `tutor` arguments, the marker of its first screen)
    launched once per round in tmux 100x30, alternated, probed by :func:`install`: per side, per round, the
    CPU ms at the first frame written, launch to that frame (s) and launch to the marker's detection (s).
    One round more comes first, to warm the lesson cache and the OS file cache."""
    rows: dict[str, list[tuple[float, float, float]]] = {side: [] for side in sides}
    with tempfile.TemporaryDirectory(prefix="tutor-probe-") as tmp, Tmux(100, 30) as tmux:
        home = tempfile.mkdtemp(prefix="warm-", dir=tmp)
        for n in range(rounds + 1):
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
    return rows


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
