"""Goals: small declarative predicates over a run's steps, which a challenge asks the learner to reach.

A :class:`Goal` has exactly one of these keys (the lesson loader reports a goal with none or two):

* ``step: {FIELD: VALUE, ...}`` — some step matches every field: a step field (``actor``, ``phase``,
  ``user``, ``result`` ...) or a tracked variable of that step (``request``, ``status``, ``same_site``,
  ``jar.attacker`` ...). Satisfied by the first step that matches.
* ``end: {VARIABLE: VALUE, ...}`` — the variables after the last step match (``document.cookie.attacker``,
  ``session``, ``token`` ...).
* ``sessions: N`` or ``sessions: {min: N, max: M}`` — how many sessions the server stores after the last
  step (the ``store`` variable's rows; the jwt strategy stores none; with several servers, every
  ``store.NAME`` together).
* ``never: {FIELD: VALUE, ...}`` — no step may match. It holds until such a step happens, and then the
  goal can no longer be reached (the run has *failed*); on its own it would hold at once, so it is
  combined with a positive goal under ``all:``.
* ``all: [GOAL, ...]`` / ``any: [GOAL, ...]`` — every / at least one of the goals.
* ``in_order: [GOAL, ...]`` — each goal is reached after the step that reached the one before it (a
  ``never`` inside it watches only the steps after that point).

A VALUE is compared in the spelling trace answers use: ``null``, ``true``/``false``, numbers as digits
(``200`` and ``"200"`` are the same), text in full; ``{contains: TEXT}`` matches a value whose spelling
(lists and mappings as compact JSON) contains TEXT.

:func:`evaluate` is pure: it reads steps (never the ``end`` step a finished run adds) and returns whether
the goal is reached, still pending or failed, with the step that decided it — the row the app highlights.
:func:`explain` says why a goal is not reached, naming what was expected and what the run has instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from msgspec import UNSET, Meta, Struct, UnsetType, field

from tutor.engine.trace import Step, spell

_STRUCT = dict(kw_only=True, forbid_unknown_fields=True, frozen=True)

#: A value a field is compared with (in the trace answers' spelling).
Value = str | int | bool | None


class Contains(Struct, **_STRUCT):
    """Matches a value whose spelling contains this text (lists and mappings as compact JSON)."""

    contains: Annotated[str, Meta(min_length=1)]


#: Field or variable name → the value it must have.
Match = Annotated[
    dict[str, Value | Contains],
    Meta(min_length=1, description="Step fields or variables, and the values they must have."),
]


class Count(Struct, **_STRUCT):
    """A range: at least ``min``, at most ``max`` (either may be left out)."""

    min: Annotated[int, Meta(ge=0)] | None = None
    max: Annotated[int, Meta(ge=0)] | None = None


class Goal(Struct, **_STRUCT):
    """What a challenge asks for: exactly one of `step`, `end`, `sessions`, `never`, `all`, `any`, `in_order`."""

    step: Match | UnsetType = UNSET
    """Some step matches all these fields, e.g. `{actor: attacker, request: GET /dashboard, status: 200}`."""
    end: Match | UnsetType = UNSET
    """After the last step, these variables have these values, e.g. `{document.cookie.attacker: ""}`."""
    sessions: Annotated[int, Meta(ge=0)] | Count | UnsetType = UNSET
    """How many sessions the server stores after the last step: a number, or `{min: N, max: M}`."""
    never: Match | UnsetType = UNSET
    """No step may match these fields (combine with a positive goal under `all:`)."""
    all_: Annotated[list[Goal], Meta(min_length=1)] | UnsetType = field(name="all", default=UNSET)
    """Every one of these goals."""
    any_: Annotated[list[Goal], Meta(min_length=1)] | UnsetType = field(name="any", default=UNSET)
    """At least one of these goals."""
    in_order: Annotated[list[Goal], Meta(min_length=1)] | UnsetType = UNSET
    """These goals one after another: each is judged on the steps after the one that reached the goal
    before it."""


#: The keys of a goal, as written in YAML.
GOAL_KINDS: tuple[str, ...] = ("step", "end", "sessions", "never", "all", "any", "in_order")
_ATTRS = {
    "step": "step",
    "end": "end",
    "sessions": "sessions",
    "never": "never",
    "all": "all_",
    "any": "any_",
    "in_order": "in_order",
}


def goal_kinds(goal: Goal) -> list[str]:
    """The keys a goal was given (a valid goal has exactly one)."""
    return [kind for kind in GOAL_KINDS if getattr(goal, _ATTRS[kind]) is not UNSET]


def goal_part(goal: Goal, kind: str) -> Any:
    """The value of one key of a goal (``all`` and ``any`` are the ``all_``/``any_`` attributes)."""
    return getattr(goal, _ATTRS[kind])


# -- comparing values --------------------------------------------------------------------------------


def value_matches(actual: Any, expected: Value | Contains) -> bool:
    if isinstance(expected, Contains):
        return expected.contains in spell(actual)
    if isinstance(expected, str) and isinstance(actual, str):
        return actual == expected
    return spell(actual) == spell(expected)


def step_matches(step: Step, match: Mapping[str, Value | Contains]) -> bool:
    """Every field or variable named in ``match`` has its value at ``step``."""
    return all(value_matches(step.get(name), expected) for name, expected in match.items())


def session_count(step: Step) -> int:
    """How many sessions the server stores after ``step`` (0 with the jwt strategy); with several
    servers, all of them together (their ``store.NAME`` variables)."""
    store = step.variables.get("store")
    if isinstance(store, list):
        return len(store)
    return sum(
        len(rows)
        for name in step.variables
        if name.startswith("store.") and isinstance(rows := step.variables[name], list)
    )


# -- evaluating ----------------------------------------------------------------------------------------

State = Literal["reached", "pending", "failed"]


@dataclass(frozen=True, slots=True)
class GoalResult:
    """``reached``: the goal holds, ``step`` satisfied it (``None`` when nothing had to happen, as for a
    lone ``never``); ``pending``: not yet; ``failed``: a ``never`` step happened (``step``), so it cannot
    be reached any more."""

    state: State
    step: Step | None = None

    @property
    def reached(self) -> bool:
        return self.state == "reached"

    @property
    def failed(self) -> bool:
        return self.state == "failed"


_PENDING = GoalResult("pending")


def evaluate(goal: Goal, steps: Sequence[Step]) -> GoalResult:
    """Whether ``goal`` holds for the run so far (``steps`` in order; a final ``end`` step is ignored)."""
    played = [s for s in steps if s.phase != "end"]
    return _evaluate(goal, played)


def _evaluate(goal: Goal, steps: list[Step]) -> GoalResult:
    if goal.step is not UNSET:
        for s in steps:
            if step_matches(s, goal.step):
                return GoalResult("reached", s)
        return _PENDING
    if goal.never is not UNSET:
        for s in steps:
            if step_matches(s, goal.never):
                return GoalResult("failed", s)
        return GoalResult("reached", None)
    if goal.end is not UNSET:
        if steps and step_matches(steps[-1], goal.end):
            return GoalResult("reached", steps[-1])
        return _PENDING
    if goal.sessions is not UNSET:
        if not steps:
            return _PENDING
        count = session_count(steps[-1])
        wanted = goal.sessions
        if isinstance(wanted, Count):
            ok = (wanted.min is None or count >= wanted.min) and (wanted.max is None or count <= wanted.max)
        else:
            ok = count == wanted
        return GoalResult("reached", steps[-1]) if ok else _PENDING
    if goal.all_ is not UNSET:
        return _junction([_evaluate(g, steps) for g in goal.all_], decisive="failed")
    if goal.any_ is not UNSET:
        return _junction([_evaluate(g, steps) for g in goal.any_], decisive="reached")
    if goal.in_order is not UNSET:
        rest, last = steps, None
        for sub in goal.in_order:
            result = _evaluate(sub, rest)
            if not result.reached:
                return result
            if result.step is not None:
                last = result.step
                rest = [s for s in rest if s.step > last.step]
        return GoalResult("reached", last)
    return _PENDING  # an empty goal (the loader reports it) is never reached


def _position(result: GoalResult) -> int:
    return result.step.step if result.step is not None else 0


def _junction(results: list[GoalResult], *, decisive: State) -> GoalResult:
    """``all`` (``decisive="failed"``) and ``any`` (``decisive="reached"``), one rule: the first goal
    decided the decisive way decides the whole, at its step; once every goal is decided the other way,
    so is the whole, at the step that decided the last of them (the step from which it holds); until
    then it is pending."""
    first = [r for r in results if r.state == decisive]
    if first:
        return min(first, key=_position)
    if any(r.state == "pending" for r in results):
        return _PENDING
    decided = [r.step for r in results if r.step is not None]
    return GoalResult(
        "reached" if decisive == "failed" else "failed", max(decided, key=lambda s: s.step) if decided else None
    )


# -- explaining: what was expected, and what was found ---------------------------------------------------

#: A found value longer than this is cut (with an ellipsis) in an explanation.
FOUND_WIDTH = 60


def _spelled(value: Any) -> str:
    text = spell(value)
    if isinstance(value, str) and not value:
        text = '""'
    return text if len(text) <= FOUND_WIDTH else text[: FOUND_WIDTH - 1] + "…"


def _expected(name: str, expected: Value | Contains) -> str:
    if isinstance(expected, Contains):
        return f"`{name}` containing `{expected.contains}`"
    return f"`{name}: {_spelled(expected)}`"


def _step_name(step: Step) -> str:
    return f"step {step.step} ({step.actor}: {step.action})"


def _mismatches(step: Step, match: Mapping[str, Value | Contains]) -> list[str]:
    return [
        f"expected {_expected(name, want)}, found `{_spelled(step.get(name))}`"
        for name, want in match.items()
        if not value_matches(step.get(name), want)
    ]


def _count_text(wanted: int | Count) -> str:
    if not isinstance(wanted, Count):
        return f"{wanted} session{'s' if wanted != 1 else ''}"
    if wanted.min is not None and wanted.max is not None:
        return f"between {wanted.min} and {wanted.max} sessions"
    if wanted.min is not None:
        return f"at least {wanted.min} session{'s' if wanted.min != 1 else ''}"
    if wanted.max is not None:
        return f"at most {wanted.max} session{'s' if wanted.max != 1 else ''}"
    return "any number of sessions"


def explain(goal: Goal, steps: Sequence[Step]) -> str:
    """Why ``goal`` is not reached by ``steps`` (pending or failed), naming what was expected and what
    the run has instead: for ``step``, the closest step (the one matching most fields, the latest of
    equals) and each field that differs; for ``end`` and ``sessions``, the last step's values; for a
    broken ``never``, the step and the values it ruled out. For a reached goal, the step that reached it."""
    played = [s for s in steps if s.phase != "end"]
    return _explain(goal, played)


def _explain(goal: Goal, steps: list[Step]) -> str:
    result = _evaluate(goal, steps)
    if result.reached:
        return f"reached at {_step_name(result.step)}" if result.step is not None else "it holds"
    if goal.step is not UNSET:
        match = goal.step
        if not steps:
            return f"no step yet; expected a step with {', '.join(_expected(n, v) for n, v in match.items())}"
        closest = max(steps, key=lambda s: (sum(value_matches(s.get(n), v) for n, v in match.items()), s.step))
        return f"no step matches; the closest is {_step_name(closest)}: " + "; ".join(_mismatches(closest, match))
    if goal.never is not UNSET:
        step = result.step
        if step is None:  # (a `never` fails only at a step)
            return "`never` is broken"
        ruled = ", ".join(f"`{name}: {_spelled(step.get(name))}`" for name in goal.never)
        return f"{_step_name(step)} has what `never` rules out: {ruled}"
    if goal.end is not UNSET:
        if not steps:
            return "no step yet; `end` is judged after the last step"
        return f"after the last step ({_step_name(steps[-1])}): " + "; ".join(_mismatches(steps[-1], goal.end))
    if goal.sessions is not UNSET:
        if not steps:
            return f"no step yet; expected {_count_text(goal.sessions)} stored"
        found = session_count(steps[-1])
        return (
            f"after the last step ({_step_name(steps[-1])}): expected {_count_text(goal.sessions)} stored, "
            f"found {found}"
        )
    if goal.all_ is not UNSET:
        results = [(_evaluate(g, steps), g) for g in goal.all_]
        failed = [(r, g) for r, g in results if r.failed]
        if failed:
            return _explain(min(failed, key=lambda rg: _position(rg[0]))[1], steps)
        g = next(g for r, g in results if not r.reached)
        return _explain(g, steps)
    if goal.any_ is not UNSET:
        return "none of the `any` goals holds: " + "; or: ".join(_explain(g, steps) for g in goal.any_)
    if goal.in_order is not UNSET:
        rest, last = steps, None
        for i, sub in enumerate(goal.in_order, 1):
            sub_result = _evaluate(sub, rest)
            if not sub_result.reached:
                after = f" (after {_step_name(last)})" if last is not None else ""
                return f"goal {i} of `in_order`{after}: " + _explain(sub, rest)
            if sub_result.step is not None:
                last = sub_result.step
                rest = [s for s in rest if s.step > last.step]
    return "the goal names nothing to reach"


__all__ = [
    "Contains",
    "Count",
    "GOAL_KINDS",
    "Goal",
    "GoalResult",
    "Match",
    "Value",
    "evaluate",
    "explain",
    "goal_kinds",
    "goal_part",
    "session_count",
    "spell",
    "step_matches",
    "value_matches",
]
