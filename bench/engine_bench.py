"""Engine: what a learner can feel (a lesson's scenario, one playground event) and how a long run grows.

* **Lesson scenarios**: ``run_scenario`` on every built-in lesson's scenario (loaded beforehand, so YAML
  and validation are not timed) and on generated 200-event scenarios (bench/scenarios.py, the largest
  a lesson may have) for each strategy/store; the median of several runs each. The goal is on the
  slowest.
* **Playground events**: one ``Simulation`` per strategy/store playing generated events one at a time,
  each ``Simulation.play`` timed on its own, as the playground calls it; the 95th percentile over all
  events is the figure (median and slowest beside it).
* **Growth**: ``run_scenario`` on generated 10,000- and 100,000-event scenarios; the ratio of the two
  median CPU times is reported (10 means linear), no goal; the two sizes' runs are interleaved. Peak memory is measured in one extra run under
  ``tracemalloc`` (which slows Python down, so it is never timed).

The garbage collector is left as it is (on); ``gc.collect()`` runs before each timed run.
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

from bench.scenarios import builtin_lessons, mixed_events, mixed_scenario

STRATEGIES = (("database", "memory"), ("jwt", "memory"), ("database", "sqlite"))
LESSON_EVENTS = 200


@dataclass
class EngineResult:
    strategy: str
    store: str
    events: int
    steps: int
    seconds: float
    runs: list[float]
    peak_bytes: int
    cpu_seconds: float = 0.0
    """The median CPU time (``time.process_time``) of the same runs: what the growth ratio uses, since on a
    shared machine the wall time of a multi-second run also measures the other processes."""


@dataclass
class ScenarioTime:
    name: str
    events: int
    seconds: float


@dataclass
class PlayResult:
    label: str
    events: int
    times: list[float]

    @property
    def p95(self) -> float:
        return percentile(self.times, 95)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def percentile(values: list[float], pct: float) -> float:
    """The nearest-rank percentile: the smallest value with at least ``pct`` % of the values at or below it."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil without floats drifting
    return ordered[int(rank) - 1]


def _time_runs(scenario: object, runs: int, cpu: list[float] | None = None) -> tuple[list[float], int]:
    """Wall times of ``runs`` runs (and their CPU times appended to ``cpu``), and the trace's length."""
    from tutor.engine import run_scenario  # imported here: the engine may still be missing

    times = []
    steps = 0
    for _ in range(runs):
        gc.collect()
        cpu_start = time.process_time()
        start = time.perf_counter()
        trace = run_scenario(scenario)  # type: ignore[arg-type]
        times.append(time.perf_counter() - start)
        if cpu is not None:
            cpu.append(time.process_time() - cpu_start)
        steps = len(trace)
        del trace
    return times, steps


def _peak(scenario: object) -> int:
    from tutor.engine import run_scenario

    gc.collect()
    tracemalloc.start()
    try:
        trace = run_scenario(scenario)  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del trace
    return peak


def _measure_pair(
    small: int, large: int, strategy: str, store: str, runs: int, large_runs: int
) -> tuple[EngineResult, EngineResult]:
    """The small and the large scenario, their timed runs interleaved (small, large, small, ...) so that a
    change in the machine's load hits both; then one ``tracemalloc`` run each."""
    scenarios = {n: mixed_scenario(n, strategy=strategy, store=store) for n in (small, large)}
    times: dict[int, list[float]] = {small: [], large: []}
    cpu: dict[int, list[float]] = {small: [], large: []}
    steps: dict[int, int] = {}
    for i in range(max(runs, large_runs)):
        for n, wanted in ((small, runs), (large, large_runs)):
            if i < wanted:
                t, steps[n] = _time_runs(scenarios[n], 1, cpu[n])
                times[n] += t
    small_r, large_r = (
        EngineResult(
            strategy,
            store,
            n,
            steps[n],
            statistics.median(times[n]),
            times[n],
            _peak(scenarios[n]),
            statistics.median(cpu[n]),
        )
        for n in (small, large)
    )
    return small_r, large_r


def lesson_scenarios(root: Path, runs: int = 20) -> list[ScenarioTime]:
    """Every built-in lesson that loads, then a generated 200-event scenario per strategy/store."""
    from tutor.lesson.loader import LoadError, load_lesson

    out = []
    for path in builtin_lessons(root):
        try:
            scenario = load_lesson(path).lesson.scenario
        except LoadError:
            continue  # a lesson being written may be broken for a while; `check` reports it
        times, _ = _time_runs(scenario, runs)
        out.append(ScenarioTime(path.stem, len(scenario.events), statistics.median(times)))
    for strategy, store in STRATEGIES:
        times, _ = _time_runs(mixed_scenario(LESSON_EVENTS, strategy=strategy, store=store), runs)
        out.append(ScenarioTime(f"generated {strategy}/{store}", LESSON_EVENTS, statistics.median(times)))
    return out


def play_events(events: int = 400) -> list[PlayResult]:
    """Each strategy/store: ``events`` generated events played one at a time, each timed."""
    from tutor.engine.simulation import Simulation

    out = []
    for strategy, store in STRATEGIES:
        scenario = mixed_scenario(events, strategy=strategy, store=store)
        times = []
        gc.collect()
        with Simulation(scenario.engine) as sim:
            for event in mixed_events(events):
                start = time.perf_counter()
                sim.play(event)
                times.append(time.perf_counter() - start)
        out.append(PlayResult(f"{strategy}/{store}", events, times))
    return out


def run(
    small: int = 10_000, large: int = 100_000, runs: int = 5, large_runs: int = 3
) -> list[tuple[EngineResult, EngineResult]]:
    """For each strategy (and the sqlite store): the small and the large result."""
    return [_measure_pair(small, large, s, st, runs, large_runs) for s, st in STRATEGIES]
