"""Pilot step: 300 walkthrough steps driven by Pilot against 300 presses of a key nothing is bound to.

The app is the real one (`tutor open LESSON`, see bench/appdriver.py) run headless with
``app.run_test(size=(100, 30))``, with ``TUTOR_HOME`` set to a temporary folder for the run (progress
and the lesson cache go there). The per-step goal is measured in a real terminal by
bench/term_step_bench.py; this benchmark compares a step with a no-op press under Pilot.

The lesson is session-lifecycle with its scenario extended by generated events (appended at the end,
so every step the lesson refers to is unchanged):

* ``wrap`` (the default): to just over 30 table rows, the top of a real lesson's 10-30; when the last step is
  reached, ``home`` goes back to step 1 (not timed) and stepping goes on, until all steps are timed.
* ``long`` (``--step-lesson long``): to more rows than steps are pressed, stepped straight through; this
  shows how a step's cost grows with the number of rows already in the table and tracker.

Presses that do not advance (the first visit of a predict question, answered with ``1``) are not
counted.

Per press we time ``await pilot.press(key)`` + ``await pilot.pause()`` (one iteration). The two kinds
of press run in alternating blocks of 50 in the same app. The *ratio* is median(step iteration) /
median(no-op iteration).

Both iterations include Textual's ``wait_for_idle``, which sleeps in 20 ms slices until the process
stops using CPU, so wall times come in 20 ms quanta and include sleeping. Therefore the *app's own work
per step* is measured as CPU time: ``time.process_time()`` consumed by one step iteration (press,
handler, message handling, layout, render, and the Pilot's own bookkeeping; the no-op iteration's CPU
time is shown beside it, as the Pilot's share). Also shown: the time inside the action handler bound
to ``right`` (found through ``app.active_bindings`` and wrapped), and handler + the wall time of the
``await pilot.pause()`` that follows the press.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

NOOP_KEY = "f20"
BLOCK = 50


@dataclass
class StepResult:
    steps: int
    rows: int
    step_iter_s: float
    noop_iter_s: float
    handler_s: float | None
    work_s: float | None
    action: str | None
    lesson: str = "wrap"
    step_cpu_s: float = 0.0
    noop_cpu_s: float = 0.0
    step_iters: list[float] = field(repr=False, default_factory=list)


@contextlib.contextmanager
def private_home(home: Path) -> Iterator[Path]:
    """``TUTOR_HOME`` set to ``home`` (created) in this process for the duration, then restored.

    The app run in-process saves progress and caches the lesson there instead of in the user's own.
    """
    home.mkdir(parents=True, exist_ok=True)
    old = os.environ.get("TUTOR_HOME")
    os.environ["TUTOR_HOME"] = str(home)
    try:
        yield home
    finally:
        if old is None:
            os.environ.pop("TUTOR_HOME", None)
        else:
            os.environ["TUTOR_HOME"] = old


def write_long_lesson(source: Path, dest: Path, min_rows: int) -> Path:
    """The lesson at ``source`` with enough extra events appended to give more than ``min_rows`` rows.

    Predict questions are dropped (they would stop the walkthrough until answered); everything else
    the lesson says about its steps stays valid because the new events come after the old ones.
    """
    from tutor.lesson.loader import load_lesson

    data = yaml.load(source.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    events = list(data["scenario"]["events"])
    for question in data.get("questions") or []:
        question.pop("predict", None)
    data["id"] = "bench-long-walkthrough"
    out = dest / "bench-long-walkthrough.yaml"
    extra_events = max(8, min_rows // 2)
    while True:
        # Requests give rows (receive, read_cookie, validate/set_cookie); advances of 31m make the
        # session expire now and then, so the rows keep changing like in the real lesson.
        extra = []
        for i in range(extra_events):
            extra.append({"request": "GET /api/session" if i % 3 else "GET /"})
            extra.append({"advance": "31m" if i % 7 == 6 else "5m"})
        data["scenario"]["events"] = events + extra
        out.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        rows = len(load_lesson(out).steps)
        if rows > min_rows:
            return out
        extra_events = extra_events * min_rows // max(rows, 1) + 8


def _wrap_action(app: Any, key: str, sink: list[float]) -> str | None:
    """Wrap the handler of the action bound to ``key`` so each call's duration goes into ``sink``."""
    active = app.active_bindings.get(key)
    if active is None:
        return None
    node, binding = active.node, active.binding
    name = binding.action.split("(", 1)[0]
    if "." in name:  # "app.foo" / "screen.foo"
        prefix, name = name.split(".", 1)
        node = app if prefix == "app" else app.screen if prefix == "screen" else node
    handler = getattr(node, f"action_{name}", None)
    if handler is None:
        return None
    if inspect.iscoroutinefunction(handler):

        @functools.wraps(handler)
        async def timed_async(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return await handler(*args, **kwargs)
            finally:
                sink.append(time.perf_counter() - start)

        setattr(node, f"action_{name}", timed_async)
    else:

        @functools.wraps(handler)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return handler(*args, **kwargs)
            finally:
                sink.append(time.perf_counter() - start)

        setattr(node, f"action_{name}", timed)
    return f"{type(node).__name__}.action_{name}"


async def _drive(app: Any, steps: int, wrap: bool) -> StepResult:
    handler_times: list[float] = []
    pause_times: list[float] = []
    step_iters: list[float] = []
    noop_iters: list[float] = []
    step_cpu: list[float] = []
    noop_cpu: list[float] = []
    max_rows = 0
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("home")
        await pilot.pause()
        screen = app.screen
        walk = screen.walkthrough
        action = _wrap_action(app, "right", handler_times)
        if NOOP_KEY in app.active_bindings:
            raise RuntimeError(f"{NOOP_KEY} is bound in the app; pick another no-op key")
        done = 0
        while done < steps:
            block = min(BLOCK, steps - done)
            for _ in range(block):
                cpu = time.process_time()
                start = time.perf_counter()
                await pilot.press(NOOP_KEY)
                await pilot.pause()
                noop_iters.append(time.perf_counter() - start)
                noop_cpu.append(time.process_time() - cpu)
            counted = 0
            while counted < block:
                # not timed: wrapping around (Home) and answering a predict question the first time
                if walk.pending is not None:
                    await pilot.press("1")
                    await pilot.pause()
                    continue
                if walk.current >= walk.total:
                    if not wrap:
                        raise RuntimeError(f"the lesson ended after {walk.total} steps; use a longer one or wrap")
                    await pilot.press("home")
                    await pilot.pause()
                    continue
                before = walk.current
                handled = len(handler_times)
                cpu = time.process_time()
                start = time.perf_counter()
                await pilot.press("right")
                mid = time.perf_counter()
                await pilot.pause()
                end = time.perf_counter()
                cpu_used = time.process_time() - cpu
                if walk.current != before + 1:  # stopped by a predict question: not a step, not counted
                    del handler_times[handled:]
                    continue
                step_cpu.append(cpu_used)
                step_iters.append(end - start)
                pause_times.append(end - mid)
                counted += 1
                max_rows = max(max_rows, _row_count(app))
            done += block
    handler = statistics.median(handler_times) if len(handler_times) == len(pause_times) else None
    work = (
        statistics.median(h + p for h, p in zip(handler_times, pause_times, strict=True))
        if len(handler_times) == len(pause_times)
        else None
    )
    return StepResult(
        steps=steps,
        rows=max_rows,
        step_iter_s=statistics.median(step_iters),
        noop_iter_s=statistics.median(noop_iters),
        handler_s=handler,
        work_s=work,
        action=action,
        step_cpu_s=statistics.median(step_cpu),
        noop_cpu_s=statistics.median(noop_cpu),
        step_iters=step_iters,
    )


def _row_count(app: Any) -> int:
    from textual.widgets import DataTable

    tables = list(app.screen.query(DataTable))
    return max((t.row_count for t in tables), default=0)


def run(root: Path, steps: int = 300, lesson: str = "wrap") -> StepResult:
    """``lesson="wrap"``: session-lifecycle extended to more than 30 table rows (the top of a real lesson's range),
    stepped through from Home to the end again and again; ``"long"``: extended to more than ``steps``
    rows and stepped straight through (shows how a step's cost grows with the table)."""
    from bench.appdriver import app_for

    with tempfile.TemporaryDirectory(prefix="tutor-bench-step-") as tmp, private_home(Path(tmp, "home")):
        rows = 30 if lesson == "wrap" else steps + 10
        path = write_long_lesson(root / "lessons" / "session-lifecycle.yaml", Path(tmp), rows)
        app = app_for(["open", str(path)])
        result = asyncio.run(_drive(app, steps, wrap=lesson == "wrap"))
    result.lesson = lesson
    return result
