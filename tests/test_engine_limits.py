"""Bounded resources (issue 10 §3): a step stores only what changed, the store keeps changes instead of a
snapshot per write, explicit limits end in positioned errors, `simulate` streams its table."""

from __future__ import annotations

import json
import random
import tracemalloc
from pathlib import Path

import pytest
from test_engine_helpers import run

from tutor.cli import main
from tutor.engine import run_scenario
from tutor.engine.store import MemoryStore, SessionRow, SqliteStore
from tutor.engine.trace import StepVariables, VariableLog
from tutor.lesson.loader import LoadError, load_lesson, load_scenario


def many_browsers(count: int) -> list[dict]:
    """Every browser visits once: the attack that made memory grow with browsers²."""
    return [{"request": "GET /", "as": f"b{i}"} for i in range(count - 1)]  # + the default browser


def _bytes_per_step(events: list[dict]) -> float:
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        trace = run(events)
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return (after - before) / len(trace)


def test_memory_per_step_does_not_grow_with_the_number_of_browsers() -> None:
    """Each step used to copy a dict with two entries per browser: 10x the browsers cost ~10x per step."""
    small = _bytes_per_step(many_browsers(100))
    large = _bytes_per_step(many_browsers(1000))
    assert large < 1.5 * small, (small, large)


def test_a_thousand_browser_trace_stores_a_few_changes_per_step() -> None:
    trace = run(many_browsers(1000))
    last = trace[-1].variables
    assert isinstance(last, StepVariables)
    assert (
        len(last) == 11 + 2 * 1000
    )  # the 11 shared variables (secrets, token_versions among them), every jar and document.cookie
    log = last._log  # the run's VariableLog
    assert log.changes() < 6 * len(trace)  # linear in steps (it was steps x browsers entries)
    # the public view is unchanged: each step lists the browsers that exist by then, in order
    first_visit = next(s for s in trace if s.actor == "b0")
    assert "jar.b0" in first_visit.variables and "jar.b1" not in first_visit.variables
    with pytest.raises(KeyError):
        first_visit.variables["jar.b1"]
    assert first_visit.variables.get("jar.b1", "absent") == "absent"


def test_step_variables_read_like_the_dict_they_stand_for() -> None:
    trace = run(
        [{"login": "alice"}, {"steal": {}}, {"advance": "31m"}, {"request": "GET /dashboard", "as": "attacker"}]
    )
    for step in trace:
        plain = dict(step.variables)
        assert step.variables == plain and len(step.variables) == len(plain)
        assert list(step.variables) == list(plain) and repr(step.variables) == repr(plain)
        assert all(step.get(name) == value for name, value in plain.items())
    assert list(trace[0].variables)[:9] == [
        "clock",
        "request",
        "cookieStore",
        "session",
        "status",
        "set_cookie",
        "store",
        "token",
        "same_site",
    ]
    # a later change never shows through in an earlier step
    store_then = trace[3].variables["store"]
    assert trace[-1].variables["store"] != store_then and trace[3].variables["store"] == store_then


def test_variable_log_keeps_only_changes() -> None:
    log = VariableLog()
    value = {"a": 1}
    for position in range(100):
        log.set(position, "x", value)  # the same object: nothing new stored
    log.set(100, "x", {"a": 2})
    log.set(100, "x", {"a": 3})  # twice in one step: the last counts
    assert log.changes() == 2
    assert StepVariables(log, 50, 1)["x"] is value
    assert StepVariables(log, 100, 1)["x"] == {"a": 3}


@pytest.mark.parametrize("kind", [MemoryStore, SqliteStore])
def test_store_views_of_every_past_version_are_right(kind) -> None:
    """Random writes, deletes, sweeps and restarts: every version's view rebuilt from the changes and
    checkpoints equals the snapshot taken at the time."""
    rng = random.Random(7)
    store = kind()
    try:
        expected: dict[int, list] = {store.version: []}
        views = [store.view()]
        ids = [f"{i:032x}" for i in range(60)]
        for now in range(600):
            r = rng.random()
            sid = rng.choice(ids)
            if r < 0.6:
                store.put(SessionRow(sid, rng.choice([None, "alice"]), now, now, now + rng.randrange(1, 50)))
            elif r < 0.9:
                store.delete(sid)
            elif r < 0.97:
                store.sweep(now)
            else:
                store.restart()
            expected[store.version] = [dict(row) for row in store.snapshot()]
            views.append(store.view())
        for view in views:
            assert view.value() == expected[view.version]
    finally:
        store.close()


def test_store_history_is_linear_in_writes() -> None:
    store = MemoryStore()
    for i in range(2000):  # 2,000 sessions, none ever deleted: the old snapshots held 2,000²/2 references
        store.put(SessionRow(f"{i:032x}", None, i, i, None))
    history = store._history
    held = len(history._changes) + sum(len(rows) for rows in history._cp_rows)
    assert held < 4 * 2000
    assert len(store.snapshot_at(1000)) == 1000 and len(store.snapshot_at(store.version)) == 2000


# -- limits, end to end ------------------------------------------------------------------------------------
def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_too_many_browsers_is_a_positioned_error_in_simulate(tmp_path: Path, capsys) -> None:
    lines = ["events:"] + [f"  - {{request: GET /, as: b{i}}}" for i in range(1000)]
    path = write(tmp_path, "\n".join(lines) + "\n")
    assert main(["simulate", str(path)]) == 1
    err = capsys.readouterr().err
    # the default browser + b0..b998 is 1,000: b999, on line 1001, is one too many
    assert err.startswith(f"{path}:1001:") and "too many browsers" in err and "Traceback" not in err


def test_json_output_over_the_limit_is_refused_at_the_event(tmp_path: Path, capsys, monkeypatch) -> None:
    import tutor.engine.limits as limits

    monkeypatch.setattr(limits, "MAX_OUTPUT_BYTES", 20_000)
    path = write(tmp_path, "events:\n" + "".join(f"  - request: GET /\n    as: b{i}\n" for i in range(20)))
    assert main(["simulate", str(path), "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing written
    first, hint = captured.err.splitlines()
    assert first.startswith(f"{path}:") and "larger than" in first and hint.startswith("  hint: ")
    line = int(first.split(":")[1])
    assert 2 < line < 2 + 2 * 20  # at one of the events, not the top of the file
    assert main(["simulate", str(path)]) == 0  # the table is not limited by the JSON size


def test_json_output_is_exactly_what_json_dumps_writes(tmp_path: Path, capsys) -> None:
    text = (
        'engine:\n  users: {"é\\u001b[2J": pw}\nevents:\n  - login: "é\\u001b[2J"\n  - steal: {}\n  - xss: {to: eve}\n'
    )
    path = write(tmp_path, text)
    assert main(["simulate", str(path), "--format", "json"]) == 0
    out = capsys.readouterr().out
    expected = json.dumps(run_scenario(load_scenario(path)).to_json(), indent=2, ensure_ascii=False) + "\n"
    assert out == expected


def test_step_limit_in_a_lesson_is_positioned_at_the_event(monkeypatch) -> None:
    import tutor.engine.simulation as simulation

    fixture = Path(__file__).parent / "fixtures" / "loader_lesson.yaml"
    monkeypatch.setattr(simulation, "MAX_STEPS", 3)
    with pytest.raises(LoadError) as caught:
        load_lesson(fixture)
    (problem,) = caught.value.problems
    assert "too many steps" in str(problem) and problem.line > 1


def test_the_table_streams_without_rich_table_layout(monkeypatch, capsys, tmp_path: Path) -> None:
    """Rich's Table measured every cell of every row before printing the first (> 120 s for 100k
    events): rows are now written one by one with widths worked out once."""
    import rich.table

    def refuse(*args, **kwargs):
        raise AssertionError("the simulate table must not lay out a Rich Table")

    monkeypatch.setattr(rich.table.Table, "__init__", refuse)
    events = "".join("  - request: GET /dashboard\n  - advance: 1m\n" for _ in range(500))
    path = write(tmp_path, "events:\n  - login: alice\n" + events)
    assert main(["simulate", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Step | Event | Actor") and out[1].startswith("-----+-------+")
    steps = len(run_scenario(load_scenario(path)))
    assert out[-1].startswith(f"{steps} | -     | scenario | Scenario over") and len(out) == 2 + steps
