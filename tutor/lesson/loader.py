"""Load scenario and lesson files: YAML with positions → validated structs → semantic checks.

``load_lesson(path)`` and ``load_scenario(path)`` either return the loaded objects or raise
:class:`LoadError` carrying *every* problem found, each at the exact line and column of the node it is
about (``FILE:LINE:COL: error: message``). Step numbers in a lesson are rows of its execution table:
trace steps whose phase is in ``table.phases`` (all when absent), renumbered 1..n.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tutor.engine.trace import PHASES, SERVER_VARIABLE, STEP_FIELDS, Step, Trace, spell
from tutor.lesson import cache
from tutor.lesson.cache import cache_dir
from tutor.lesson.reporter import NodePath, Reporter
from tutor.lesson.step_refs import check_marks, resolve_refs
from tutor.lesson.suggest import did_you_mean
from tutor.lesson.yamlsource import MAX_BYTES, Problem, SourceError, compose_text, decode_bytes, mark_of, read_text

if TYPE_CHECKING:
    from yaml.nodes import Node

    from tutor.engine.scenario import Scenario
    from tutor.lesson.model import Lesson


# The formats (msgspec structs), the validator and PyYAML are imported by the functions that load a file:
# `tutor.ui.text` imports this module for `format_value`, the picker needs none of them, and a lesson
# served from the lesson cache needs only the formats.

__all__ = [
    "LoadError",
    "LoadedLesson",
    "NO_SERVER",
    "Problem",
    "cache_dir",
    "format_value",
    "lesson_from_text",
    "lesson_steps_cached",
    "load_lesson",
    "load_lesson_cached",
    "load_scenario",
    "scenario_from_text",
]


class LoadError(Exception):
    """A file is not a valid lesson/scenario. ``problems``: all of them, sorted by position."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.path, p.line, p.col))
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True, slots=True)
class LoadedLesson:
    lesson: Lesson
    path: Path
    trace: Trace
    """The full engine trace."""
    steps: tuple[Step, ...]
    """The execution table's rows: trace steps of ``table.phases`` (all when absent), renumbered 1..n."""


#: How the views write the ``server`` of a step that goes to no server (the clock's ``advance``, a
#: jar-only event, the run's ``end``): no server, as ``tutor simulate`` writes an absent cell, not the
#: JavaScript ``null`` of a variable that has no value yet.
NO_SERVER = "-"


def format_value(value: Any, name: str | None = None) -> str:
    """A trace value as every view shows it and as trace answers are checked against: the engine's
    :func:`~tutor.engine.trace.spell`, with an empty string shown as ``""`` so it is visible. ``name``: the
    field or variable it is the value of; a step that goes to no server has ``server`` :data:`NO_SERVER`."""
    if value is None and name == SERVER_VARIABLE:
        return NO_SERVER
    return '""' if isinstance(value, str) and not value else spell(value)


# --- reading ----------------------------------------------------------------------------------------


def _compose(path: str | Path) -> tuple[str, Node]:
    name = str(path)
    try:
        return name, compose_text(read_text(Path(path), name), name)
    except SourceError as exc:
        raise LoadError(exc.problems) from None


def _compose_text(text: str, name: str) -> Node:
    try:
        return compose_text(text, name)
    except SourceError as exc:
        raise LoadError(exc.problems) from None


def _mapping_get(node: Node, key: str) -> Node | None:
    from yaml.nodes import MappingNode, ScalarNode

    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == key:
                return v
    return None


# --- scenarios --------------------------------------------------------------------------------------


def _scenario_node(root: Node) -> tuple[Node, NodePath]:
    """The scenario's mapping and its object path: the file's root, or its ``scenario:`` value when the
    file has one (and no top-level ``engine:`` or ``events:``), as in a lesson."""
    inner = _mapping_get(root, "scenario")
    if inner is not None and _mapping_get(root, "events") is None and _mapping_get(root, "engine") is None:
        return inner, ("scenario",)
    return root, ()


def load_scenario(path: str | Path) -> Scenario:
    """A scenario file (``engine:`` and ``events:`` at the top level, or a file with a ``scenario:`` key)."""
    name, root = _compose(path)
    return _scenario_from_root(root, name)


def scenario_problem(path: str | Path, event: int | None, message: str, hint: str | None = None) -> Problem:
    """A problem found while *running* a scenario file (a limit crossed), positioned at its ``event``
    (0-based; ``None`` or out of range: the ``events:`` list, else the file's start)."""
    from yaml.nodes import SequenceNode

    name, root = _compose(path)
    node, _base = _scenario_node(root)
    target = _mapping_get(node, "events") or node
    if event is not None and isinstance(target, SequenceNode) and 0 <= event < len(target.value):
        target = target.value[event]
    line, col = mark_of(target)
    return Problem(name, line, col, message, hint)


def scenario_from_text(text: str, name: str = "<scenario>") -> Scenario:
    return _scenario_from_root(_compose_text(text, name), name)


def _reporter(root: Node, tp: Any, name: str, base: NodePath = ()) -> tuple[Any, Reporter]:
    """Validate ``root`` against ``tp``, salvaging (every schema problem, and the rest of the file kept
    for the checks after the schema); the value (INVALID when nothing could be kept) and the reporter
    holding the schema problems."""
    from tutor.lesson.validate import salvage

    v = salvage(root, tp, base)
    rep = Reporter(name, root, v.index, v.key_index, v.remap, v.damaged, v.dropped)
    rep.raw(v.problems)
    return v.value, rep


def _scenario_from_root(root: Node, name: str) -> Scenario:
    from tutor.engine.scenario import Scenario
    from tutor.lesson.schema_types import INVALID

    node, base = _scenario_node(root)
    value, rep = _reporter(node, Scenario, name, base)
    if value is INVALID:
        raise LoadError(rep.problems)
    assert isinstance(value, Scenario)  # salvage keeps the type it was given
    check_marks(value, rep, base)
    if not rep.damaged(base):  # a scenario that lost an event would run differently: not checked
        _check_scenario(value, rep, base)
    if rep.problems:
        raise LoadError(rep.problems)
    return value


def _check_scenario(scenario: Scenario, rep: Reporter, base: NodePath) -> bool:
    """Map the engine's ScenarioProblems onto nodes; True when the scenario is runnable."""
    from tutor.engine.scenario_check import check_scenario  # imported only when a scenario is checked

    try:
        found = check_scenario(scenario)
    except Exception as exc:  # the engine must never turn bad input into a traceback
        rep.error(base, f"the engine could not check this scenario: {type(exc).__name__}: {exc}")
        return False
    for problem in found:
        path = base
        if problem.event is not None:
            path = base + ("events", problem.event)
        if problem.field:
            parts = tuple(int(p) if p.isdigit() else p for p in str(problem.field).split("."))
            candidates = [path + parts]
            if problem.event is None:
                candidates.append(base + ("engine",) + parts)
            path = next((c for c in candidates if c in rep.index), path + parts)
        rep.error(path, problem.message)
    return not found


def _run(scenario: Scenario, rep: Reporter, base: NodePath) -> Trace | None:
    from tutor.engine.limits import LimitExceeded
    from tutor.engine.simulation import run_scenario

    try:
        return run_scenario(scenario)
    except LimitExceeded as exc:  # at the event that crossed the limit
        rep.error(base + ("events", exc.event) if exc.event is not None else base, str(exc))
        return None
    except Exception as exc:  # never a traceback for a lesson file
        rep.error(base, f"the engine failed while running this scenario: {type(exc).__name__}: {exc}")
        return None


# --- lessons ----------------------------------------------------------------------------------------


def load_lesson(path: str | Path) -> LoadedLesson:
    """Load and check one lesson file; raise :class:`LoadError` with every problem."""
    name, root = _compose(path)
    return _lesson_from_root(root, name, Path(path))


# --- the lesson cache (storage in tutor.lesson.cache) -------------------------------------------------
#
# Only lessons without problems are cached; the entry is keyed by the file's bytes and the code's version.


def _read_bytes(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read(MAX_BYTES + 1)
    except OSError:
        return None


def load_lesson_cached(path: str | Path) -> LoadedLesson:
    """:func:`load_lesson`, served from the lesson cache when this exact file was loaded before."""
    path = Path(path)
    data = _read_bytes(path)
    if data is None or len(data) > MAX_BYTES:
        return load_lesson(path)  # the same error as without a cache
    key = cache.key(path, data)
    found = cache.read(key)
    if found is not None:
        lesson, trace, steps = found
        return LoadedLesson(lesson=lesson, path=path, trace=Trace(trace), steps=steps)
    name = str(path)
    try:
        root = compose_text(decode_bytes(data, name), name)
    except SourceError as exc:
        raise LoadError(exc.problems) from None
    loaded, rows = _lesson_and_rows(root, name, path)
    cache.write(key, loaded.lesson, loaded.trace.steps, rows)
    return loaded


def lesson_steps_cached(path: str | Path) -> int:
    """How many rows the lesson's execution table has, without loading it when the cache knows.

    Raises :class:`LoadError` (or ``OSError``) like :func:`load_lesson` when the lesson has to be loaded.
    """
    path = Path(path)
    data = _read_bytes(path)
    if data is not None and len(data) <= MAX_BYTES:
        found = cache.read_rows(cache.key(path, data))
        if found is not None:
            return found
    return len(load_lesson_cached(path).steps)


def lesson_from_text(text: str, name: str = "<lesson>") -> LoadedLesson:
    """Like :func:`load_lesson`, for text already in memory (``name`` is used in messages)."""
    return _lesson_from_root(_compose_text(text, name), name, Path(name))


def _lesson_from_root(root: Node, name: str, path: Path) -> LoadedLesson:
    return _lesson_and_rows(root, name, path)[0]


def _lesson_and_rows(root: Node, name: str, path: Path) -> tuple[LoadedLesson, tuple[int, ...]]:
    """The lesson, and the 0-based indexes of the trace steps that are its table's rows."""
    from tutor.lesson.model import Lesson
    from tutor.lesson.schema_types import INVALID

    lesson, rep = _reporter(root, Lesson, name)
    if lesson is INVALID:
        raise LoadError(rep.problems)
    _check_phases(lesson, rep)
    _check_static(lesson, rep)
    marks = check_marks(lesson.scenario, rep, ("scenario",))
    trace: Trace | None = None
    # With a schema problem in the scenario or the table, the trace and its rows are not the file's:
    # everything that needs them waits for the next run (the rest is checked now).
    if (
        not rep.damaged(("scenario",))
        and not rep.damaged(("table",))
        and _check_scenario(lesson.scenario, rep, ("scenario",))
    ):
        trace = _run(lesson.scenario, rep, ("scenario",))
    steps: tuple[Step, ...] = ()
    rows: tuple[int, ...] = ()
    if trace is not None:
        rows = _table_rows(lesson, trace, rep)
        steps = tuple(dataclasses.replace(trace[i], step=n) for n, i in enumerate(rows, 1))
        if steps:
            lesson = resolve_refs(lesson, marks, steps, rep)
            _check_against_trace(lesson, trace, steps, rep)
        if lesson.challenges:
            from tutor.lesson.challenges import check_challenges

            check_challenges(lesson, rep)
    if rep.problems or trace is None:
        raise LoadError(rep.problems)
    return LoadedLesson(lesson=lesson, path=path, trace=trace, steps=steps), rows


def _phase_ok(phase: str, path: NodePath, rep: Reporter, *, key: bool = False) -> None:
    if phase not in PHASES:
        rep.error(
            path, f"unknown phase `{phase}`", did_you_mean(phase, PHASES) or "phases: " + ", ".join(PHASES), key=key
        )


def _check_phases(lesson: Lesson, rep: Reporter) -> None:
    if lesson.table.phases is not None:
        for i, phase in enumerate(lesson.table.phases):
            _phase_ok(phase, ("table", "phases", i), rep)
    for n, node in enumerate(lesson.flow.nodes):
        for i, phase in enumerate(node.phases):
            _phase_ok(phase, ("flow", "nodes", n, "phases", i), rep)
    for c, sample in enumerate(lesson.code):
        for phase in sample.lines:
            _phase_ok(phase, ("code", c, "lines", phase), rep, key=True)
    for i, entry in enumerate(lesson.narration):
        if entry.phase is not None:
            _phase_ok(entry.phase, ("narration", i, "phase"), rep)


def _check_code_servers(lesson: Lesson, rep: Reporter) -> None:
    """A code sample's `server:` names one of the scenario's `servers:` (the messages are those of an
    event's `server:`, tutor/engine/scenario_check.py)."""
    servers = lesson.scenario.servers
    for c, sample in enumerate(lesson.code):
        name = sample.server
        if name is None:
            continue
        if not servers:
            rep.error(
                ("code", c, "server"),
                f"expected no `server:` (this lesson's scenario has one server, given by `engine:`), found {name!r}",
            )
        elif name not in servers:
            rep.error(
                ("code", c, "server"),
                f"expected one of the scenario's servers ({', '.join(servers)}), found {name!r}",
                did_you_mean(name, servers),
            )


def _check_static(lesson: Lesson, rep: Reporter) -> None:
    """Checks that need no trace: flow ids, code line numbers, question ids and correct choices."""
    ids: dict[str, int] = {}
    for n, node in enumerate(lesson.flow.nodes):
        if node.id in ids:
            rep.error(("flow", "nodes", n, "id"), f"duplicate flow node id `{node.id}`")
        ids.setdefault(node.id, n)
    for e, edge in enumerate(lesson.flow.edges):
        for attr, key in (("from_", "from"), ("to", "to")):
            target = getattr(edge, attr)
            if target not in ids:
                rep.error(
                    ("flow", "edges", e, key),
                    f"no flow node has the id `{target}`",
                    did_you_mean(target, ids) or "node ids: " + ", ".join(ids),
                )
    _check_code_servers(lesson, rep)
    for c, sample in enumerate(lesson.code):
        count = len(sample.source.splitlines())
        for phase, numbers in sample.lines.items():
            for i, number in enumerate(numbers):
                if number > count:
                    rep.error(
                        ("code", c, "lines", phase, i),
                        f"line {number} does not exist: the source has {count} line{'s' if count != 1 else ''}",
                    )
    for i, entry in enumerate(lesson.narration):
        if entry.step is None and entry.phase is None:
            rep.error(("narration", i), "a narration entry needs a `step` or a `phase`")
    seen: dict[str, int] = {}
    for q, question in enumerate(lesson.questions):
        if question.id in seen:
            rep.error(
                ("questions", q, "id"), f"duplicate question id `{question.id}` (also question {seen[question.id] + 1})"
            )
        seen.setdefault(question.id, q)
        correct = [i for i, choice in enumerate(question.choices) if choice.correct]
        if question.multiple:
            if not correct:
                rep.error(
                    ("questions", q, "choices"),
                    "a multiple-answer question needs at least one correct choice",
                    "mark the right choices with `correct: true`",
                )
        elif not correct:
            rep.error(
                ("questions", q, "choices"),
                "no choice is marked correct",
                "mark exactly one choice with `correct: true` (or set `multiple: true`)",
            )
        elif len(correct) > 1:
            rep.error(
                ("questions", q, "choices", correct[1], "correct"),
                f"a single-answer question has {len(correct)} correct choices",
                "mark exactly one, or set `multiple: true`",
                key=True,
            )


def _table_rows(lesson: Lesson, trace: Trace, rep: Reporter) -> tuple[int, ...]:
    """0-based indexes of the trace steps that become the table's rows (renumbered 1..n)."""
    phases = lesson.table.phases
    if phases is None:
        return tuple(range(len(trace)))
    wanted = set(phases)
    rows = tuple(i for i, s in enumerate(trace) if s.phase in wanted)
    if not rows and all(p in PHASES for p in phases):
        rep.error(("table", "phases"), "no step of the trace has these phases: the table would be empty")
    return rows


def _check_against_trace(lesson: Lesson, trace: Trace, steps: tuple[Step, ...], rep: Reporter) -> None:
    n = len(steps)
    variables: set[str] = set()
    for s in trace:
        variables.update(s.variables)
    names = list(STEP_FIELDS) + sorted(variables)

    def step_ok(number: int | str | None, path: NodePath) -> bool:
        if not isinstance(number, int):  # None, or a mark that did not resolve (already reported)
            return False
        if number > n:
            rep.error(path, f"step {number} does not exist: the table has {n} step{'s' if n != 1 else ''}")
            return False
        return True

    def field_ok(name: str, path: NodePath, what: str) -> bool:
        if name in STEP_FIELDS or name in variables:
            return True
        rep.error(
            path,
            f"unknown {what} `{name}`: not a step field or a variable of this trace",
            did_you_mean(name, names) or "step fields: " + ", ".join(STEP_FIELDS),
        )
        return False

    for i, column in enumerate(lesson.table.columns):
        field_ok(column.field, ("table", "columns", i, "field"), "column field")
    for i, tracked in enumerate(lesson.tracker):
        field_ok(tracked.variable, ("tracker", i, "variable"), "variable")
    for i, entry in enumerate(lesson.narration):
        step_ok(entry.step, ("narration", i, "step"))
    for m, moment in enumerate(lesson.moments):
        for i, number in enumerate(moment.steps):
            step_ok(number, ("moments", m, "steps", i))
    for q, question in enumerate(lesson.questions):
        base = ("questions", q)
        for i, number in enumerate(question.steps):
            step_ok(number, base + ("steps", i))
        step_ok(question.predict, base + ("predict",))
        answer = question.answer
        if answer is None:
            continue
        ok_step = step_ok(answer.step, base + ("answer", "step"))
        ok_field = field_ok(answer.field, base + ("answer", "field"), "answer field")
        if not (ok_step and ok_field):
            continue
        assert isinstance(answer.step, int)  # step_ok passed
        expected = format_value(steps[answer.step - 1].get(answer.field), answer.field)
        matching = [i for i, c in enumerate(question.choices) if c.text == expected]
        correct = [i for i, c in enumerate(question.choices) if c.correct]
        where = f"`{answer.field}` at step {answer.step} is `{expected}`"
        for i in correct:
            if question.choices[i].text != expected:
                hint = (
                    f"choice {matching[0] + 1} has that text: mark it correct instead"
                    if matching
                    else f"make this choice's text `{expected}`"
                )
                rep.error(
                    base + ("choices", i, "text"), f"this choice is marked correct, but the trace says {where}", hint
                )
        if not matching:
            rep.error(
                base + ("answer",),
                f"no choice equals the trace value: {where}",
                "add a choice with exactly that text and mark it correct",
            )
