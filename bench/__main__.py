"""``python -m bench``: run every benchmark, print a table, write bench/RESULTS.md.

    python -m bench            # full run (under 10 minutes on 2 cores)
    python -m bench --quick    # smoke run: fewer repetitions, smaller inputs
    python -m bench --only frame,memory --runs 20

The benchmarks: ``frame`` (first frame in tmux, warm and cold lesson cache, against a bare Textual app),
``step`` (walkthrough steps in tmux: CPU, frames and layouts per step), ``pilot`` (walkthrough steps
driven by Pilot against no-op presses), ``check`` (`tutor check` against PyYAML parsing), ``engine``
(lesson scenarios, playground events, growth from 10k to 100k events) and ``memory`` (peak RSS in tmux
against the bare app). Timings of the app are ratios against a baseline measured in the same run
(medians); the engine's goals are absolute, since a learner feels milliseconds, not ratios. See the
module docstrings of bench/*.py for exactly what is timed. Every run that runs the app or touches
progress or the lesson cache uses a private, temporary ``TUTOR_HOME``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from bench import machine
from bench.tmuxrun import POLL_INTERVAL

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ("frame", "step", "pilot", "check", "engine", "memory", "capture")
FULL_RUNS, QUICK_RUNS = 15, 3
FRAME_GOAL = 1.25
STEP_CPU_GOAL_MS = 16
LESSON_GOAL_MS = 50
PLAY_GOAL_MS = 5
MEMORY_GOAL = 1.3


@dataclass
class Row:
    name: str
    measured: str
    baseline: str
    ratio: float | None
    goal: str
    ok: bool | None
    note: str = ""

    @property
    def status(self) -> str:
        return "n/a" if self.ok is None else ("ok" if self.ok else "MISSED")


def _ms(s: float) -> str:
    if s < 0.01:
        return f"{s * 1000:.2f} ms"
    return f"{s * 1000:.1f} ms" if s < 10 else f"{s:.2f} s"


def _mib(kib: float) -> str:
    return f"{kib / 1024:.1f} MiB"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description="Session Tutor benchmarks.")
    p.add_argument("--quick", action="store_true", help="a fast smoke run: fewer runs, smaller inputs")
    p.add_argument("--only", default=",".join(BENCHMARKS), help=f"comma-separated subset of {','.join(BENCHMARKS)}")
    p.add_argument(
        "--runs",
        type=int,
        default=None,
        help=f"first-frame rounds (the median is reported; default {FULL_RUNS}, quick {QUICK_RUNS}); "
        "check and the 10k-event engine runs use at most 5, memory and the 100k-event runs at most 3",
    )
    p.add_argument("--steps", type=int, default=None, help="pilot: walkthrough steps to press (default 300, quick 100)")
    p.add_argument(
        "--term-steps", type=int, default=None, help="step: walkthrough steps pressed in tmux (default 100, quick 20)"
    )
    p.add_argument(
        "--step-lesson",
        choices=("wrap", "long"),
        default="wrap",
        help="pilot: a lesson of more than 30 rows stepped through and wrapped around with Home (default) or a lesson with more rows than steps",
    )
    p.add_argument(
        "--lessons", type=int, default=None, help="lessons for the check benchmark (default 1000, quick 200)"
    )
    p.add_argument(
        "--events",
        type=int,
        default=None,
        help="events of the small engine growth scenario (default 10000, quick 2000); the large one has 10x",
    )
    p.add_argument(
        "--output",
        default=str(ROOT / "bench" / "RESULTS.md"),
        help="where to write the results (default bench/RESULTS.md; - for none)",
    )
    p.add_argument("--verbose", action="store_true", help="print a traceback when a benchmark cannot run")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    only = [b.strip() for b in args.only.split(",") if b.strip()]
    unknown = [b for b in only if b not in BENCHMARKS]
    if unknown:
        print(
            f"python -m bench: error: unknown benchmark {', '.join(unknown)} (choose from {', '.join(BENCHMARKS)})",
            file=sys.stderr,
        )
        return 2
    for name in ("runs", "steps", "term_steps", "lessons", "events"):
        value = getattr(args, name)
        if value is not None and value < 1:
            print(f"python -m bench: error: --{name.replace('_', '-')} must be at least 1", file=sys.stderr)
            return 2
    runs = args.runs or (QUICK_RUNS if args.quick else FULL_RUNS)
    steps = args.steps or (100 if args.quick else 300)
    term_steps = args.term_steps or (20 if args.quick else 100)
    lessons = args.lessons or (200 if args.quick else 1000)
    events = args.events or (2000 if args.quick else 10_000)

    info = machine.describe()
    rows: list[Row] = []
    details: list[str] = []
    failures: list[str] = []

    def attempt(name: str, fn) -> None:
        started = time.perf_counter()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        try:
            fn()
        except Exception as exc:  # a benchmark that cannot run is reported, the others still run
            message = str(exc).strip() or type(exc).__name__
            first = message.splitlines()[0]
            failures.append(f"{name}: {type(exc).__name__}: {first}")
            rows.append(Row(name, "not run", "", None, "", None, first[:80]))
            details.append(f"### {name}: could not run\n\n```\n{type(exc).__name__}: {message}\n```\n")
            if args.verbose:
                traceback.print_exc()
        print(f"  {name}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)

    if "frame" in only:

        def frame() -> None:
            from bench import frame_bench as fb

            r = fb.first_frame(ROOT, runs=runs)
            base = _ms(r.median(fb.BASE))
            warm, cold = r.ratio(fb.WARM), r.ratio(fb.COLD)
            rows.append(
                Row(
                    "first frame, warm cache (tutor open)",
                    _ms(r.median(fb.WARM)),
                    base,
                    warm,
                    f"<= {FRAME_GOAL}",
                    warm <= FRAME_GOAL,
                )
            )
            rows.append(Row("first frame, cold cache (tutor open)", _ms(r.median(fb.COLD)), base, cold, "(info)", None))
            for kind, label in ((fb.WARM, "warm"), (fb.COLD, "cold")):
                rows.append(
                    Row(
                        f"first frame, {label} cache: CPU until the marker",
                        _ms(r.cpu_median(kind)),
                        _ms(r.cpu_median(fb.BASE)),
                        r.cpu_ratio(kind),
                        "(info)",
                        None,
                    )
                )
            runs_txt = "\n".join(
                f"- {kind} ({len(times)}): {', '.join(_ms(t) for t in times)}" for kind, times in r.runs.items()
            )
            runs_txt += "\n\nCPU time until the marker:\n\n" + "\n".join(
                f"- {kind}: {', '.join(_ms(t) for t in times)}" for kind, times in r.cpu.items()
            )
            details.append(
                "### First frame\n\n"
                f"Launch order: {' → '.join(fb.ROUND)}, {runs} rounds; tmux 100×30, polled every "
                f"{POLL_INTERVAL * 1000:.0f} ms. Marker: {fb.LESSON_MARKER} (baseline: {fb.BASELINE_MARKER}).\n\n"
                f"{runs_txt}\n\n"
                "Screen (warm cache) when the marker was complete:\n\n```\n" + r.screen.rstrip() + "\n```\n"
            )
            if warm > FRAME_GOAL:
                offenders = fb.import_offenders(ROOT)
                lines = ["| module | self ms | cumulative ms |", "| --- | ---: | ---: |"]
                lines += [f"| `{m}` | {s:.1f} | {c:.1f} |" for m, s, c in offenders]
                details.append(
                    "### `-X importtime` top offenders for `tutor open` (first frame over goal)\n\n"
                    + "\n".join(lines)
                    + "\n"
                )

        attempt("frame", frame)

    if "step" in only:

        def term_step() -> None:
            from bench import term_step_bench as tb
            from bench.engine_bench import percentile

            r = tb.run(ROOT, steps=term_steps)
            cpu = r.step_cpu_s
            rows.append(
                Row(
                    f"step in tmux: CPU per step (median of {len(r.steps)})",
                    _ms(cpu),
                    _ms(r.noop_cpu_s),
                    cpu / r.noop_cpu_s if r.noop_cpu_s else None,
                    f"<= {STEP_CPU_GOAL_MS} ms",
                    cpu <= STEP_CPU_GOAL_MS / 1000,
                    f"p90 {_ms(percentile([p.cpu_s for p in r.steps], 90))}; baseline: a key nothing is bound to",
                )
            )
            # Every step, not the median: a step that paints twice or lays the screen out is seen by the learner.
            rows.append(
                Row(
                    "step in tmux: frames painted per step",
                    f"max {max(r.frames)}",
                    "",
                    None,
                    "1 on every step",
                    set(r.frames) == {1},
                    tb.frames_summary(r.frames, "frame"),
                )
            )
            rows.append(
                Row(
                    "step in tmux: screen layouts per step",
                    f"max {max(r.layouts)}",
                    "",
                    None,
                    "0 on every step",
                    set(r.layouts) == {0},
                    f"{tb.frames_summary(r.layouts, 'layout')}; scroll reflows: {tb.frames_summary(r.reflows, 'reflow')}",
                )
            )
            cpus = sorted(p.cpu_s for p in r.steps)
            details.append(
                "### Step in tmux\n\n"
                f"Lesson: session-lifecycle extended to {r.rows} rows, wrapped with Home; {len(r.steps)} steps (Right) and "
                f"{len(r.noops)} no-op presses ({tb.NOOP_KEY}) in alternating blocks of {tb.BLOCK}. "
                f"CPU per step: median {_ms(cpu)}, fastest {_ms(cpus[0])}, slowest {_ms(cpus[-1])}; "
                f"no-op median {_ms(r.noop_cpu_s)}; the no-op presses painted {sum(p.frames for p in r.noops)} frames and did "
                f"{sum(p.layouts for p in r.noops)} layouts in all.\n\n"
                f"Frames per step: {tb.frames_summary(r.frames, 'frame')}.\n\n"
                f"Layouts per step: {tb.frames_summary(r.layouts, 'layout')}; scroll reflows per step: "
                f"{tb.frames_summary(r.reflows, 'reflow')}. Wall time per step (key to idle, polled every "
                f"{tb.POLL * 1000:.0f} ms after at least {tb.MIN_WAIT * 1000:.0f} ms): median "
                f"{_ms(statistics.median(p.wall_s for p in r.steps))}.\n"
            )

        attempt("step", term_step)

    if "pilot" in only:

        def step() -> None:
            from bench import step_bench

            r = step_bench.run(ROOT, steps=steps, lesson=args.step_lesson)
            ratio = r.step_iter_s / r.noop_iter_s
            rows.append(
                Row(
                    f"pilot step x{r.steps} ({r.lesson}, per press)",
                    _ms(r.step_iter_s),
                    _ms(r.noop_iter_s),
                    ratio,
                    "<= 1.5",
                    ratio <= 1.5,
                )
            )
            cpu_ratio = r.step_cpu_s / r.noop_cpu_s if r.noop_cpu_s else None
            rows.append(
                Row(
                    "pilot step: CPU per press",
                    _ms(r.step_cpu_s),
                    _ms(r.noop_cpu_s),
                    cpu_ratio,
                    "(info)",
                    None,
                    f"handler {_ms(r.handler_s or 0)}; handler+pause wall {_ms(r.work_s or 0)}",
                )
            )
            details.append(
                "### Pilot step\n\n"
                f"Lesson: {r.lesson}; most table rows on screen: {r.rows}. Action bound to `right`: `{r.action}`. "
                f"Median per press: step {_ms(r.step_iter_s)}, no-op key {_ms(r.noop_iter_s)}; "
                f"handler {_ms(r.handler_s) if r.handler_s is not None else 'not measured'}; "
                f"handler + pause {_ms(r.work_s) if r.work_s is not None else 'not measured'}; "
                f"CPU per press: step {_ms(r.step_cpu_s)}, no-op {_ms(r.noop_cpu_s)}. "
                f"Slowest step press: {_ms(max(r.step_iters))}.\n"
            )

        attempt("pilot", step)

    if "check" in only:

        def check() -> None:
            from bench import check_bench

            r = check_bench.run(ROOT, files=lessons, runs=max(1, min(runs, 5)))
            ratio = r.tutor_s / r.yaml_s
            rows.append(
                Row(f"tutor check, {r.files} lessons", _ms(r.tutor_s), _ms(r.yaml_s), ratio, "<= 3", ratio <= 3)
            )
            details.append(
                f"### Check\n\nSources: {', '.join(r.sources)}, copied to {r.files} files with unique ids; both sides one subprocess each.\n\n"
                f"tutor check runs: {', '.join(_ms(t) for t in r.tutor_runs)}\n\n"
                f"CSafeLoader parse-only runs: {', '.join(_ms(t) for t in r.yaml_runs)}\n"
            )

        attempt("check", check)

    if "engine" in only:

        def engine() -> None:
            from bench import engine_bench as eb

            lesson_runs = 5 if args.quick else 20
            scenarios = eb.lesson_scenarios(ROOT, runs=lesson_runs)
            worst = max(scenarios, key=lambda s: s.seconds)
            rows.append(
                Row(
                    f"engine: a lesson's scenario (<= {eb.LESSON_EVENTS} events), slowest",
                    _ms(worst.seconds),
                    "",
                    None,
                    f"<= {LESSON_GOAL_MS} ms",
                    worst.seconds <= LESSON_GOAL_MS / 1000,
                    f"{worst.name}, {worst.events} events",
                )
            )
            plays = eb.play_events(200 if args.quick else 400)
            for p in plays:
                rows.append(
                    Row(
                        f"engine: one playground event {p.label} (p95)",
                        _ms(p.p95),
                        "",
                        None,
                        f"<= {PLAY_GOAL_MS} ms",
                        p.p95 <= PLAY_GOAL_MS / 1000,
                        f"median {_ms(p.median)}, slowest {_ms(max(p.times))}",
                    )
                )
            pairs = eb.run(small=events, large=events * 10, runs=max(1, min(runs, 5)), large_runs=max(1, min(runs, 3)))
            for small, large in pairs:
                label = f"{small.strategy}/{small.store}"
                rows.append(
                    Row(
                        f"engine {label} CPU {large.events} ev / {small.events} ev",
                        _ms(large.cpu_seconds),
                        _ms(small.cpu_seconds),
                        large.cpu_seconds / small.cpu_seconds,
                        "(info: 10 = linear)",
                        None,
                        f"wall {_ms(large.seconds)} / {_ms(small.seconds)}; peak {_mib(large.peak_bytes / 1024)} / {_mib(small.peak_bytes / 1024)}",
                    )
                )
            lines = [
                f"Lesson scenarios, median of {lesson_runs} runs each:",
                "",
                "| scenario | events | median |",
                "| --- | ---: | ---: |",
            ]
            lines += [f"| {s.name} | {s.events} | {_ms(s.seconds)} |" for s in scenarios]
            lines += [
                "",
                "Playground events (`Simulation.play`, each timed):",
                "",
                "| strategy / store | events | median | p95 | slowest |",
                "| --- | ---: | ---: | ---: | ---: |",
            ]
            lines += [
                f"| {p.label} | {p.events} | {_ms(p.median)} | {_ms(p.p95)} | {_ms(max(p.times))} |" for p in plays
            ]
            lines += [
                "",
                "Growth:",
                "",
                "| strategy / store | events | steps | median CPU | median wall | wall runs | tracemalloc peak |",
                "| --- | ---: | ---: | ---: | ---: | --- | ---: |",
            ]
            for small, large in pairs:
                for r in (small, large):
                    lines.append(
                        f"| {r.strategy}/{r.store} | {r.events} | {r.steps} | {_ms(r.cpu_seconds)} | {_ms(r.seconds)} | "
                        f"{', '.join(_ms(t) for t in r.runs)} | {_mib(r.peak_bytes / 1024)} |"
                    )
            details.append("### Engine\n\n" + "\n".join(lines) + "\n")

        attempt("engine", engine)

    if "memory" in only:

        def mem() -> None:
            from bench import frame_bench as fb

            r = fb.memory(ROOT, runs=max(1, min(runs, 3)))
            base = r.kib[fb.BASE]
            for kind, label, goal in (
                (fb.WARM, "peak RSS, tutor open (warm cache)", True),
                (fb.COLD, "peak RSS, tutor open (cold cache)", False),
                (fb.PICKER, "peak RSS, tutor (picker)", False),
            ):
                ratio = r.kib[kind] / base
                rows.append(
                    Row(
                        label,
                        _mib(r.kib[kind]),
                        _mib(base),
                        ratio,
                        f"<= {MEMORY_GOAL}" if goal else "(info)",
                        (ratio <= MEMORY_GOAL) if goal else None,
                    )
                )

        attempt("memory", mem)

    if "capture" in only:

        def capture() -> None:
            from bench import capture_bench as cb

            entries, body = (2_000, 1_000) if args.quick else (20_000, 10_000)
            r = cb.run(ROOT, runs=min(runs, 5), entries=entries, body_bytes=body)
            rows.append(
                Row(
                    f"first frame of a {r.entries:,}-entry capture ({r.size / 1e6:.0f} MB, tutor open)",
                    _ms(statistics.median(r.capture)),
                    _ms(statistics.median(r.lesson)),
                    r.ratio,
                    f"<= {cb.GOAL}",
                    r.ratio <= cb.GOAL,
                    "baseline: the lesson session-lifecycle, warm cache",
                )
            )
            rows.append(
                Row(
                    "that first frame: CPU until the marker",
                    _ms(statistics.median(r.capture_cpu)),
                    _ms(statistics.median(r.lesson_cpu)),
                    r.cpu_ratio,
                    "(info)",
                    None,
                )
            )
            rows.append(
                Row(
                    "peak memory (VmHWM) of that capture's walkthrough",
                    _mib(statistics.median(r.capture_kib)),
                    _mib(statistics.median(r.lesson_kib)),
                    statistics.median(r.capture_kib) / statistics.median(r.lesson_kib),
                    "(info)",
                    None,
                )
            )
            if all(r.capture_anon_kib) and all(r.lesson_anon_kib):
                rows.append(
                    Row(
                        "its heap then (RssAnon: the mapped file's pages left out)",
                        _mib(statistics.median(r.capture_anon_kib)),
                        _mib(statistics.median(r.lesson_anon_kib)),
                        statistics.median(r.capture_anon_kib) / statistics.median(r.lesson_anon_kib),
                        "(info)",
                        None,
                    )
                )
            details.append(
                "### A large HAR capture\n\n"
                f"- lesson: {', '.join(_ms(t) for t in r.lesson)}\n- capture: {', '.join(_ms(t) for t in r.capture)}\n\n"
                "Screen of the capture at the marker:\n\n```\n" + r.screen.rstrip() + "\n```\n"
            )

        attempt("capture", capture)

    table = _table(rows)
    print(table)
    if failures:
        print("\nnot run:", file=sys.stderr)
        for f in failures:
            print(f"  {f}", file=sys.stderr)
    if args.output != "-":
        out = Path(args.output)
        out.write_text(render_markdown(info, rows, details, quick=args.quick, runs=runs, only=only), encoding="utf-8")
        print(f"\nwrote {out}", file=sys.stderr)
    return 1 if failures else 0


def _table(rows: list[Row]) -> str:
    head = ("benchmark", "measured", "baseline", "ratio", "goal", "status", "note")
    body = [
        (r.name, r.measured, r.baseline, f"{r.ratio:.2f}" if r.ratio is not None else "", r.goal, r.status, r.note)
        for r in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*b) for b in body]
    return "\n".join(line.rstrip() for line in lines)


def render_markdown(
    info: dict[str, str], rows: list[Row], details: list[str], *, quick: bool, runs: int, only: list[str]
) -> str:
    """RESULTS.md: the machine, the figures and whether each goal was met; nothing written by hand."""
    command = (
        "python -m bench"
        + (" --quick" if quick else "")
        + ("" if list(only) == list(BENCHMARKS) else " --only " + ",".join(only))
    )
    out = ["# Benchmark results", "", f"Written by `{command}`; do not edit by hand (analysis: bench/FINDINGS.md).", ""]
    out += ["## Machine", "", "| | |", "| --- | --- |"]
    out += [f"| {k} | {v} |" for k, v in info.items()]
    out += [
        "",
        f"First-frame rounds: {runs}; check and 10k-event engine runs: {max(1, min(runs, 5))}; memory and 100k-event "
        f"engine runs: {max(1, min(runs, 3))}. Medians reported.",
        "",
        "## Results",
        "",
    ]
    out += [
        "| benchmark | measured | baseline | ratio | goal | status | note |",
        "| --- | ---: | ---: | ---: | --- | --- | --- |",
    ]
    out += [
        f"| {r.name} | {r.measured} | {r.baseline} | {f'{r.ratio:.2f}' if r.ratio is not None else ''} | {r.goal} | {r.status} | {r.note} |"
        for r in rows
    ]
    met = sum(1 for r in rows if r.ok is True)
    missed = [r.name for r in rows if r.ok is False]
    out += ["", f"Goals met: {met} of {met + len(missed)}" + (f"; missed: {', '.join(missed)}." if missed else ".")]
    out += ["", "## Details", ""] + details
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
