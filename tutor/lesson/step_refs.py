"""Step references in a lesson: numbers or marks.

A scenario event may carry ``mark: NAME``; every step reference of a lesson (narration ``step``, moments
``steps``, question ``steps``, ``answer.step``, ``predict``) may then be ``NAME`` (the first table row of
that event) or ``NAME.phase`` (its first row of that phase) instead of a number; ``end`` is the final row.
:func:`resolve_refs` turns them into row numbers, so the loaded lesson holds only numbers and the rest of
the program never sees a mark. A narration entry may name its event with ``at: NAME``; a ``step`` number
whose row is not one of that event's rows (the scenario changed under it) is reported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tutor.engine.trace import PHASES, Step
from tutor.lesson.reporter import NodePath, Reporter
from tutor.lesson.suggest import did_you_mean

if TYPE_CHECKING:
    from tutor.engine.scenario import Scenario
    from tutor.lesson.model import Lesson


#: The reference to the final row (the scenario's `end` step); no event may take this mark.
END_MARK = "end"


def check_marks(scenario: Scenario, rep: Reporter, base: NodePath) -> dict[str, int]:
    """``{mark: event number (1-based)}``; a mark used twice is reported at its second use."""
    marks: dict[str, int] = {}
    for i, event in enumerate(scenario.events):
        mark = getattr(event, "mark", None)
        if mark is None:
            continue
        if mark == END_MARK:
            rep.error(
                base + ("events", i, "mark"),
                f"`{END_MARK}` is reserved: it names the final row of the table",
                "choose another name",
            )
            continue
        if mark in marks:
            rep.error(
                base + ("events", i, "mark"),
                f"duplicate mark `{mark}` (also event {marks[mark]})",
                "give each event its own mark",
            )
            continue
        position = rep.original(base + ("events", i))[-1]
        assert isinstance(position, int)  # an event's path ends in its index
        marks[mark] = position + 1
    return marks


def _event_text(scenario: Scenario, number: int) -> str:
    """``event 3 (`request: GET /dashboard`)``: how messages name an event."""
    from tutor.engine.scenario import event_verb, normalise_event

    if not 1 <= number <= len(scenario.events):
        return f"event {number}"
    event = normalise_event(scenario.events[number - 1])
    verb = event_verb(event)
    value = getattr(event, verb)
    if value is None:
        return f"event {number} (`{verb}`)"
    if isinstance(value, str):
        return f"event {number} (`{verb}: {value}`)"
    return f"event {number} (`{verb}`)"


def _rows_text(rows: list[Step]) -> str:
    return ", ".join(f"{s.step} {s.phase}" for s in rows)


def resolve_refs(lesson: Lesson, marks: dict[str, int], steps: tuple[Step, ...], rep: Reporter) -> Lesson:
    """The lesson with every mark reference replaced by its row number; problems are reported.

    A reference that cannot be resolved is left as it was (the lesson is rejected anyway), so later
    checks skip it instead of reporting it twice.
    """
    import msgspec

    rows_of: dict[int, list[Step]] = {}
    for s in steps:
        rows_of.setdefault(s.event, []).append(s)
    scenario = lesson.scenario

    def mark_event(mark: str, path: NodePath) -> int | None:
        number = marks.get(mark)
        if number is None:
            if marks:
                hint = did_you_mean(mark, marks) or "marks in this scenario: " + ", ".join(marks)
            else:
                hint = "no event has a mark yet: add `mark: " + mark + "` to the scenario event you mean"
            rep.error(path, f"unknown mark `{mark}`", hint)
        return number

    def resolve(ref: int | str | None, path: NodePath) -> int | str | None:
        if not isinstance(ref, str):
            return ref
        mark, _, phase = ref.partition(".")
        if ref == END_MARK and END_MARK not in marks:
            if steps[-1].phase == "end":
                return steps[-1].step
            rep.error(path, "`end` names the final `end` row, but the table has none", "add `end` to `table.phases`")
            return ref
        number = mark_event(mark, path)
        if number is None:
            return ref
        rows = rows_of.get(number, [])
        if not rows:
            rep.error(
                path,
                f"mark `{mark}` names {_event_text(scenario, number)}, which has no row in the table",
                "add one of its phases to `table.phases`, or refer to another event",
            )
            return ref
        if not phase:
            return rows[0].step
        if phase not in PHASES:
            rep.error(
                path,
                f"unknown phase `{phase}` in `{ref}`",
                did_you_mean(phase, PHASES) or "phases: " + ", ".join(PHASES),
            )
            return ref
        for s in rows:
            if s.phase == phase:
                return s.step
        rep.error(
            path,
            f"mark `{mark}` names {_event_text(scenario, number)}, which has no `{phase}` row in the table",
            f"its rows: {_rows_text(rows)}",
        )
        return ref

    narration = []
    for i, entry in enumerate(lesson.narration):
        step = resolve(entry.step, ("narration", i, "step"))
        if entry.at is not None:
            at = mark_event(entry.at, ("narration", i, "at"))
            if at is not None:
                _check_at(entry.step, step, at, entry.at, steps, rows_of, scenario, rep, ("narration", i))
        narration.append(msgspec.structs.replace(entry, step=step) if step != entry.step else entry)
    moments = [
        msgspec.structs.replace(m, steps=[resolve(r, ("moments", k, "steps", j)) for j, r in enumerate(m.steps)])
        if any(isinstance(r, str) for r in m.steps)
        else m
        for k, m in enumerate(lesson.moments)
    ]
    questions = []
    for q, question in enumerate(lesson.questions):
        base = ("questions", q)
        changes: dict[str, Any] = {}
        if any(isinstance(r, str) for r in question.steps):
            changes["steps"] = [resolve(r, base + ("steps", j)) for j, r in enumerate(question.steps)]
        if isinstance(question.predict, str):
            changes["predict"] = resolve(question.predict, base + ("predict",))
        if question.answer is not None and isinstance(question.answer.step, str):
            changes["answer"] = msgspec.structs.replace(
                question.answer, step=resolve(question.answer.step, base + ("answer", "step"))
            )
        questions.append(msgspec.structs.replace(question, **changes) if changes else question)
    return msgspec.structs.replace(lesson, narration=narration, moments=moments, questions=questions)


def _check_at(
    written: int | str | None,
    step: int | str | None,
    at: int,
    at_mark: str,
    steps: tuple[Step, ...],
    rows_of: dict[int, list[Step]],
    scenario: Scenario,
    rep: Reporter,
    base: NodePath,
) -> None:
    """A narration entry with `at: NAME`: its step must be one of that event's rows."""
    if written is None:
        rep.error(
            base + ("at",),
            "`at` names the event a `step` was written for, but this entry has no `step`",
            f"add `step: {at_mark}` (or a row number), or remove `at`",
        )
        return
    if not isinstance(step, int) or not 1 <= step <= len(steps):
        return  # unresolved or out of range: reported elsewhere
    row = steps[step - 1]
    if row.event == at:
        return
    rows = rows_of.get(at, [])
    where = f"it is now a row of {_event_text(scenario, row.event)}" if row.event else "it is now the final row"
    if isinstance(written, str):
        message = f"`{written}` is not a row of {_event_text(scenario, at)}, which `at: {at_mark}` names"
        hint = "make `at` and `step` name the same event"
    else:
        message = (
            f"step {written} is not a row of {_event_text(scenario, at)}, which `at: {at_mark}` names: "
            f"{where}; the scenario changed since this was written"
        )
        hint = f"write `step: {at_mark}` or `step: {at_mark}.PHASE` so it follows the event" + (
            f"; its rows now: {_rows_text(rows)}" if rows else "; it has no row in the table now"
        )
    rep.error(base + ("step",), message, hint)


__all__ = ["END_MARK", "check_marks", "resolve_refs"]
