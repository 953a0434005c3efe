"""``python -m bench``: run every benchmark, print a table, write bench/RESULTS.md.

    python -m bench            # full run (a few minutes on 2 cores)
    python -m bench --quick    # smoke run: fewer repetitions, smaller inputs
    python -m bench --only engine,check --runs 9

Every figure is a ratio against a baseline measured in the same run (median of several runs);
absolute times are shown too. See the module docstrings of bench/*_bench.py for exactly what is timed.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from bench import machine

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ("frame", "step", "check", "engine", "memory")


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
    return f"{s * 1000:.1f} ms" if s < 10 else f"{s:.2f} s"


def _mib(kib: float) -> str:
    return f"{kib / 1024:.1f} MiB"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description="Session Tutor benchmarks.")
    p.add_argument("--quick", action="store_true", help="a fast smoke run: fewer runs, smaller inputs")
    p.add_argument("--only", default=",".join(BENCHMARKS), help=f"comma-separated subset of {','.join(BENCHMARKS)}")
    p.add_argument("--runs", type=int, default=None, help="runs per figure (the median is reported); default 7, quick 2")
    p.add_argument("--steps", type=int, default=None, help="walkthrough steps to press (default 500, quick 100)")
    p.add_argument("--step-lesson", choices=("wrap", "long"), default="wrap",
                   help="step benchmark: a lesson of more than 30 rows stepped through and wrapped around with Home (default) or a lesson with more rows than steps")
    p.add_argument("--lessons", type=int, default=None, help="lessons for the check benchmark (default 1000, quick 200)")
    p.add_argument("--events", type=int, default=None, help="events of the small engine scenario (default 10000, quick 2000); the large one has 10x")
    p.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"), help="where to write the results (default bench/RESULTS.md; - for none)")
    p.add_argument("--verbose", action="store_true", help="print a traceback when a benchmark cannot run")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    only = [b.strip() for b in args.only.split(",") if b.strip()]
    unknown = [b for b in only if b not in BENCHMARKS]
    if unknown:
        print(f"python -m bench: error: unknown benchmark {', '.join(unknown)} (choose from {', '.join(BENCHMARKS)})", file=sys.stderr)
        return 2
    for name in ("runs", "steps", "lessons", "events"):
        value = getattr(args, name)
        if value is not None and value < 1:
            print(f"python -m bench: error: --{name} must be at least 1", file=sys.stderr)
            return 2
    runs = args.runs or (2 if args.quick else 7)
    steps = args.steps or (100 if args.quick else 500)
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
            from bench import frame_bench

            r = frame_bench.first_frame(ROOT, runs=runs)
            ratio = r.tutor_s / r.baseline_s
            rows.append(Row("first frame (tutor open)", _ms(r.tutor_s), _ms(r.baseline_s), ratio, "<= 1.25", ratio <= 1.25))
            runs_txt = ", ".join(_ms(t) for t in r.tutor_runs)
            base_txt = ", ".join(_ms(t) for t in r.baseline_runs)
            details.append(
                "### First frame\n\n"
                f"tutor runs: {runs_txt}\n\nbaseline runs: {base_txt}\n\n"
                f"Screen when the marker `{frame_bench.LESSON_MARKER}` appeared (first 12 lines):\n\n```\n"
                + "\n".join(r.screen.splitlines()[:12])
                + "\n```\n"
            )
            if ratio > 1.25:
                offenders = frame_bench.import_offenders(ROOT)
                lines = ["| module | self ms | cumulative ms |", "| --- | ---: | ---: |"]
                lines += [f"| `{m}` | {s:.1f} | {c:.1f} |" for m, s, c in offenders]
                details.append("### `-X importtime` top offenders for `tutor open` (first frame over goal)\n\n" + "\n".join(lines) + "\n")

        attempt("frame", frame)

    if "step" in only:
        def step() -> None:
            from bench import step_bench

            r = step_bench.run(ROOT, steps=steps, lesson=args.step_lesson)
            ratio = r.step_iter_s / r.noop_iter_s
            rows.append(Row(f"step x{r.steps} ({r.lesson}, per press)", _ms(r.step_iter_s), _ms(r.noop_iter_s), ratio, "<= 1.5", ratio <= 1.5))
            cpu_ratio = r.step_cpu_s / r.noop_cpu_s if r.noop_cpu_s else None
            rows.append(Row("step: CPU per press", _ms(r.step_cpu_s), _ms(r.noop_cpu_s), cpu_ratio, "(info)", None))
            rows.append(Row("step: app work per step (CPU)", _ms(r.step_cpu_s), "", None, "<= 16 ms", r.step_cpu_s <= 0.016,
                            f"handler {_ms(r.handler_s or 0)}; handler+pause wall {_ms(r.work_s or 0)}"))
            details.append(
                "### Step\n\n"
                f"Lesson: {r.lesson}; most table rows on screen: {r.rows}. Action bound to `right`: `{r.action}`. "
                f"Median per press: step {_ms(r.step_iter_s)}, no-op key {_ms(r.noop_iter_s)}; "
                f"handler {_ms(r.handler_s) if r.handler_s is not None else 'not measured'}; "
                f"handler + pause {_ms(r.work_s) if r.work_s is not None else 'not measured'}; "
                f"CPU per press: step {_ms(r.step_cpu_s)}, no-op {_ms(r.noop_cpu_s)}. "
                f"Slowest step press: {_ms(max(r.step_iters))}.\n"
            )

        attempt("step", step)

    if "check" in only:
        def check() -> None:
            from bench import check_bench

            r = check_bench.run(ROOT, files=lessons, runs=max(1, min(runs, 5)))
            ratio = r.tutor_s / r.yaml_s
            rows.append(Row(f"tutor check, {r.files} lessons", _ms(r.tutor_s), _ms(r.yaml_s), ratio, "<= 3", ratio <= 3))
            details.append(
                "### Check\n\nBoth sides are one fresh subprocess each (interpreter start-up included on both sides), over the same "
                f"{r.files} files, copies of the built-in lessons that pass `tutor check` ({', '.join(r.sources)}) with ids made unique.\n\n"
                f"tutor check runs: {', '.join(_ms(t) for t in r.tutor_runs)}\n\n"
                f"CSafeLoader parse-only runs: {', '.join(_ms(t) for t in r.yaml_runs)}\n"
            )

        attempt("check", check)

    if "engine" in only:
        def engine() -> None:
            from bench import engine_bench

            pairs = engine_bench.run(small=events, large=events * 10, runs=max(1, min(runs, 5)), large_runs=max(1, min(runs, 3)))
            small_goal = 0.5 * events / 10_000
            lines = ["| strategy / store | events | steps | median | runs | tracemalloc peak |", "| --- | ---: | ---: | ---: | --- | ---: |"]
            for small, large in pairs:
                label = f"{small.strategy}/{small.store}"
                rows.append(Row(f"engine {label} {small.events} ev", _ms(small.seconds), "", None,
                                f"<= {small_goal:.2f} s", small.seconds <= small_goal, f"peak {_mib(small.peak_bytes / 1024)}"))
                ratio = large.seconds / small.seconds
                rows.append(Row(f"engine {label} {large.events} ev", _ms(large.seconds), _ms(small.seconds), ratio,
                                "<= 12", ratio <= 12, f"peak {_mib(large.peak_bytes / 1024)}"))
                for r in (small, large):
                    lines.append(f"| {label} | {r.events} | {r.steps} | {_ms(r.seconds)} | {', '.join(_ms(t) for t in r.runs)} | {_mib(r.peak_bytes / 1024)} |")
            details.append("### Engine\n\n" + "\n".join(lines) + "\n")

        attempt("engine", engine)

    if "memory" in only:
        def mem() -> None:
            from bench import frame_bench

            r = frame_bench.memory(ROOT, runs=max(1, min(runs, 3)))
            ratio = r.tutor_kib / r.baseline_kib
            rows.append(Row("peak RSS (tutor picker)", _mib(r.tutor_kib), _mib(r.baseline_kib), ratio, "<= 1.3", ratio <= 1.3))

        attempt("memory", mem)

    table = _table(rows)
    print(table)
    if failures:
        print("\nnot run:", file=sys.stderr)
        for f in failures:
            print(f"  {f}", file=sys.stderr)
    if args.output != "-":
        out = Path(args.output)
        out.write_text(_markdown(info, rows, details, args, runs), encoding="utf-8")
        print(f"\nwrote {out}", file=sys.stderr)
    return 1 if failures else 0


def _table(rows: list[Row]) -> str:
    head = ("benchmark", "measured", "baseline", "ratio", "goal", "status", "note")
    body = [(r.name, r.measured, r.baseline, f"{r.ratio:.2f}" if r.ratio is not None else "", r.goal, r.status, r.note) for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*b) for b in body]
    return "\n".join(line.rstrip() for line in lines)


def _markdown(info: dict[str, str], rows: list[Row], details: list[str], args: argparse.Namespace, runs: int) -> str:
    out = ["# Benchmark results", "", "Written by `python -m bench" + (" --quick" if args.quick else "") + "`; do not edit by hand", ""]
    out += ["## Machine", "", "| | |", "| --- | --- |"]
    out += [f"| {k} | {v} |" for k, v in info.items()]
    out += ["", f"Runs per figure: {runs}, the median reported (at most 5 for check and the 10k-event engine runs, "
            "at most 3 for the 100k-event engine runs and memory).", "", "## Results", ""]
    out += ["| benchmark | measured | baseline | ratio | goal | status | note |", "| --- | ---: | ---: | ---: | --- | --- | --- |"]
    out += [f"| {r.name} | {r.measured} | {r.baseline} | {f'{r.ratio:.2f}' if r.ratio is not None else ''} | {r.goal} | {r.status} | {r.note} |" for r in rows]
    out += ["", "## Details", ""] + details
    findings = ROOT / "bench" / "FINDINGS.md"
    if findings.exists():
        out += ["", findings.read_text(encoding="utf-8").rstrip(), ""]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
