"""Engine: `run_scenario` on generated 10,000- and 100,000-event scenarios (see bench/scenarios.py).

Times are the median of several in-process runs of ``run_scenario(scenario)`` (the scenario object is
built beforehand, so YAML and validation are not included). Peak memory is measured in one extra run
under ``tracemalloc`` (which slows Python down, so it is never timed).
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from dataclasses import dataclass

from bench.scenarios import mixed_scenario


@dataclass
class EngineResult:
    strategy: str
    store: str
    events: int
    steps: int
    seconds: float
    runs: list[float]
    peak_bytes: int


def _measure(events: int, strategy: str, store: str, runs: int) -> EngineResult:
    from tutor.engine import run_scenario  # imported here: the engine may still be missing

    scenario = mixed_scenario(events, strategy=strategy, store=store)
    times = []
    steps = 0
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        trace = run_scenario(scenario)
        times.append(time.perf_counter() - start)
        steps = len(trace)
        del trace
    gc.collect()
    tracemalloc.start()
    try:
        trace = run_scenario(scenario)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del trace
    return EngineResult(strategy, store, events, steps, statistics.median(times), times, peak)


def run(small: int = 10_000, large: int = 100_000, runs: int = 5, large_runs: int = 3) -> list[tuple[EngineResult, EngineResult]]:
    """For each strategy (and the sqlite store): the small and the large result."""
    pairs = []
    for strategy, store in (("database", "memory"), ("jwt", "memory"), ("database", "sqlite")):
        pairs.append((_measure(small, strategy, store, runs), _measure(large, strategy, store, large_runs)))
    return pairs
