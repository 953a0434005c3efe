"""`tutor show` output: a loaded lesson as plain text, Markdown or JSON, without the app.

Lesson text goes through :func:`tutor.lesson.visible.visible` in every format: plain text as is; in Markdown
also escaped (:func:`md_escape`) so HTML and Markdown syntax in a lesson are shown as typed, never rendered (no
``<img onerror>``, no links); JSON through :func:`tutor.lesson.visible.dumps`. The execution table shows
the lesson's ``table.columns`` over ``loaded.steps``; the variable tracker has one column per step.
"""

from __future__ import annotations

import re
from typing import Any

from tutor.lesson.challenges import event_text, flow, goal_text
from tutor.lesson.loader import LoadedLesson, format_value
from tutor.lesson.model import Narration
from tutor.lesson.visible import dumps, visible

CELL_WIDTH = 32


def _heading_of(field: str, heading: str | None) -> str:
    return heading if heading else field


def _cell(value: Any, width: int | None = CELL_WIDTH, name: str | None = None) -> str:
    """``value`` (of the field or variable ``name``) as one cell, cut to ``width``."""
    text = format_value(value, name).replace("\n", " ")
    if width is not None and len(text) > width:
        text = text[: width - 1] + "…"
    return text


def table_rows(loaded: LoadedLesson) -> tuple[list[str], list[list[Any]]]:
    """Headings and raw values of the execution table."""
    columns = loaded.lesson.table.columns
    headings = [_heading_of(c.field, c.heading) for c in columns]
    rows = [[step.get(c.field) for c in columns] for step in loaded.steps]
    return headings, rows


def tracker_rows(loaded: LoadedLesson) -> tuple[list[str], list[list[Any]]]:
    """Headings (variable, then step numbers) and rows of the variable tracker."""
    headings = ["variable"] + [str(s.step) for s in loaded.steps]
    rows = [[t.label or t.variable] + [s.get(t.variable) for s in loaded.steps] for t in loaded.lesson.tracker]
    return headings, rows


def narration_where(entry: Narration) -> str:
    """Where a narration entry is said: ``step 3``, or ``every set_cookie step`` (the loader requires one)."""
    return f"step {entry.step}" if entry.step is not None else f"every {entry.phase} step"


def _grid(headings: list[str], rows: list[list[str]]) -> list[str]:
    widths = [len(h) for h in headings]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    line = "  ".join(h.ljust(widths[i]) for i, h in enumerate(headings)).rstrip()
    out = [line, "  ".join("-" * w for w in widths)]
    for row in rows:
        out.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
    return out


def _indent(text: str, prefix: str = "  ") -> list[str]:
    return [prefix + line if line else "" for line in text.rstrip("\n").splitlines()]


def render_text(loaded: LoadedLesson) -> str:
    lesson = loaded.lesson
    out: list[str] = [lesson.title, "=" * len(lesson.title), lesson.summary, ""]
    meta = f"{lesson.level} · {lesson.minutes} min · id {lesson.id}"
    if lesson.tags:
        meta += " · " + ", ".join(lesson.tags)
    out.append(meta)
    if lesson.prerequisites:
        out.append("prerequisites: " + ", ".join(lesson.prerequisites))
    out.append("")

    out += ["Flow", "----"]
    labels = {n.id: n.label for n in lesson.flow.nodes}
    for node in lesson.flow.nodes:
        out.append(f"  [{node.label}]" + (f"  phases: {', '.join(node.phases)}" if node.phases else ""))
    for edge in lesson.flow.edges:
        out.append(
            f"  {labels.get(edge.from_, edge.from_)} -> {labels.get(edge.to, edge.to)}"
            + (f"  ({edge.label})" if edge.label else "")
        )
    if lesson.flow.caption:
        out.append(f"  {lesson.flow.caption}")
    out.append("")

    for sample in lesson.code:
        title = f"Code: {sample.title} ({sample.language})"
        out += [title, "-" * len(title)]
        lines = sample.source.rstrip("\n").splitlines()
        w = len(str(len(lines)))
        for i, line in enumerate(lines, 1):
            out.append(f"  {i:>{w}} | {line}".rstrip())
        if sample.caption:
            out.append(f"  {sample.caption}")
        out.append("")

    out += ["Execution table", "---------------"]
    headings, rows = table_rows(loaded)
    fields = [c.field for c in lesson.table.columns]
    out += _indent(
        "\n".join(_grid(headings, [[_cell(v, name=f) for v, f in zip(row, fields, strict=True)] for row in rows]))
    )
    out.append("")

    if lesson.tracker:
        out += ["Variable tracker", "----------------"]
        headings, rows = tracker_rows(loaded)
        names = [t.variable for t in lesson.tracker]
        cells = [[row[0]] + [_cell(v, 24, name) for v in row[1:]] for row, name in zip(rows, names, strict=True)]
        out += _indent("\n".join(_grid(headings, cells)))
        out.append("")

    if lesson.narration:
        out += ["Narration", "---------"]
        for entry in lesson.narration:
            out.append(f"  {narration_where(entry)}: {entry.text}")
        out.append("")

    if lesson.moments:
        out += ["Key moments", "-----------"]
        for moment in lesson.moments:
            out.append(f"  Q: {moment.question}")
            out.append(f"  A: {moment.answer}")
            if moment.steps:
                out.append("     steps " + ", ".join(str(s) for s in moment.steps))
        out.append("")

    out += ["Snapshot", "--------"] + _indent(lesson.snapshot) + [""]
    out += ["Transcript", "----------"] + _indent(lesson.transcript) + [""]

    if lesson.questions:
        out += ["Questions", "---------"]
        for n, q in enumerate(lesson.questions, 1):
            kind = "trace" if q.answer else "predict" if q.predict else "multiple" if q.multiple else "question"
            out.append(f"  {n}. [{q.difficulty}, {kind}] {q.prompt}  ({q.id})")
            if q.code:
                out += _indent(q.code.source, "       ")
            for choice in q.choices:
                mark = "[x]" if choice.correct else "[ ]"
                out.append(f"     {mark} {choice.text}")
                if choice.feedback:
                    out.append(f"         feedback: {choice.feedback}")
            if q.answer:
                out.append(f"     answer: `{q.answer.field}` at step {q.answer.step}")
            if q.predict:
                out.append(f"     asked before step {q.predict}")
            if q.steps:
                out.append("     see steps " + ", ".join(str(s) for s in q.steps))
            for i, hint in enumerate(q.hints, 1):
                out.append(f"     hint {i}: {hint}")
            for i, line in enumerate(q.solution, 1):
                out.append(f"     solution {i}: {line}")
            for line in q.mistakes:
                out.append(f"     common mistake: {line}")
        out.append("")
    if lesson.challenges:
        out += ["Challenges", "----------"]
        for n, c in enumerate(lesson.challenges, 1):
            out.append(f"  {n}. {c.title}  ({c.id})")
            for key, value in _challenge_parts(c):
                out.append(f"     {key}: {value}")
            for i, event in enumerate(c.solution, 1):
                out.append(f"     solution {i}: {event_text(event)}")
            for i, hint in enumerate(c.hints, 1):
                out.append(f"     hint {i}: {hint}")
        out.append("")
    return visible("\n".join(out).rstrip("\n") + "\n")


def _challenge_parts(c: Any) -> list[tuple[str, str]]:
    """A challenge's brief, changes, setup, keys, goal and par, as (label, text)."""
    import msgspec

    parts = [("brief", c.brief)]
    engine = msgspec.to_builtins(c.engine)
    if engine:
        parts.append(("engine", flow(engine)))
    if c.browsers:
        parts.append(("browsers", flow(msgspec.to_builtins(c.browsers))))
    if c.setup:
        parts.append(("setup", "; ".join(event_text(e) for e in c.setup)))
    parts += [("allowed", ", ".join(c.allowed)), ("goal", goal_text(c.goal)), ("par", str(c.par))]
    return parts


# What could start Markdown markup anywhere (emphasis, code, links and images, tables, strikethrough) is
# backslash-escaped; what could only at the start of a line (headings, lists, rules) is escaped there; the
# HTML specials become entities. A Markdown reader then shows lesson text as typed.
_MD_INLINE = re.compile(r"[\\`*_\[\]|~]")
_MD_LINE_START = re.compile(r"^(\s*)([#+=-]|\d+(?=[.)]))", re.MULTILINE)
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def md_escape(text: str) -> str:
    """Lesson text for Markdown: made visible, HTML escaped, Markdown syntax escaped."""
    text = _MD_INLINE.sub(lambda m: "\\" + m.group(), visible(text))
    text = _MD_LINE_START.sub(
        lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2)[0].isdigit() else "\\" + m.group(2)), text
    )
    return "".join(_HTML.get(ch, ch) for ch in text)


def _md_cell(value: str) -> str:
    return md_escape(value).replace("\n", " ")


def _md_table(headings: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(_md_cell(h) for h in headings) + " |", "|" + "---|" * len(headings)]
    for row in rows:
        out.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
    return out


def _fence(source: str, language: str = "") -> list[str]:
    """A fenced code block: its content is shown literally by every Markdown reader."""
    source = visible(source)
    fence = "```"
    while fence in source:
        fence += "`"
    return [fence + re.sub(r"[^A-Za-z0-9_+-]", "", language), source.rstrip("\n"), fence]


def render_markdown(loaded: LoadedLesson) -> str:
    lesson = loaded.lesson
    out: list[str] = [
        f"# {md_escape(lesson.title)}",
        "",
        md_escape(lesson.summary),
        "",
        f"*{md_escape(lesson.level)} · {lesson.minutes} min · {md_escape(lesson.id)}*",
        "",
    ]
    labels = {n.id: n.label for n in lesson.flow.nodes}
    out += ["## Flow", ""]
    for edge in lesson.flow.edges:
        out.append(
            f"- {md_escape(labels.get(edge.from_, edge.from_))} → {md_escape(labels.get(edge.to, edge.to))}"
            + (f" ({md_escape(edge.label)})" if edge.label else "")
        )
    if not lesson.flow.edges:
        out += [f"- {md_escape(n.label)}" for n in lesson.flow.nodes]
    if lesson.flow.caption:
        out += ["", md_escape(lesson.flow.caption)]
    out.append("")
    for sample in lesson.code:
        out += [f"## Code: {md_escape(sample.title)}", ""] + _fence(sample.source, sample.language) + [""]
        if sample.caption:
            out += [md_escape(sample.caption), ""]
    out += ["## Execution table", ""]
    headings, rows = table_rows(loaded)
    fields = [c.field for c in lesson.table.columns]
    out += _md_table(headings, [[_cell(v, None, f) for v, f in zip(row, fields, strict=True)] for row in rows]) + [""]
    if lesson.tracker:
        out += ["## Variable tracker", ""]
        headings, rows = tracker_rows(loaded)
        names = [t.variable for t in lesson.tracker]
        cells = [[row[0]] + [_cell(v, None, name) for v in row[1:]] for row, name in zip(rows, names, strict=True)]
        out += _md_table(headings, cells) + [""]
    if lesson.narration:
        out += ["## Narration", ""]
        for entry in lesson.narration:
            where = md_escape(narration_where(entry))
            out.append(f"- **{where[:1].upper() + where[1:]}:** {md_escape(entry.text)}")
        out.append("")
    if lesson.moments:
        out += ["## Key moments", ""]
        for moment in lesson.moments:
            steps = f" (steps {', '.join(map(str, moment.steps))})" if moment.steps else ""
            out += [f"**{md_escape(moment.question)}**{steps}", "", md_escape(moment.answer), ""]
    out += ["## Snapshot", ""] + _fence(lesson.snapshot) + [""]
    out += ["## Transcript", ""] + _fence(lesson.transcript) + [""]
    if lesson.questions:
        out += ["## Questions", ""]
        for n, q in enumerate(lesson.questions, 1):
            out += [f"### {n}. {md_escape(q.prompt)}", "", f"*{md_escape(q.difficulty)}* · {md_escape(q.id)}", ""]
            if q.code:
                out += _fence(q.code.source, q.code.language) + [""]
            for choice in q.choices:
                out.append(
                    f"- [{'x' if choice.correct else ' '}] {md_escape(choice.text)}"
                    + (f" — {md_escape(choice.feedback)}" if choice.feedback else "")
                )
            out.append("")
            for i, hint in enumerate(q.hints, 1):
                out.append(f"{i}. Hint: {md_escape(hint)}")
            for line in q.solution:
                out.append(f"- Solution: {md_escape(line)}")
            for line in q.mistakes:
                out.append(f"- Common mistake: {md_escape(line)}")
            if q.hints or q.solution or q.mistakes:
                out.append("")
    if lesson.challenges:
        out += ["## Challenges", ""]
        for n, c in enumerate(lesson.challenges, 1):
            out += [f"### {n}. {md_escape(c.title)}", "", f"*{md_escape(c.id)}*", ""]
            for key, value in _challenge_parts(c):
                out.append(f"- {key.capitalize()}: {md_escape(value)}")
            out.append("")
            for i, event in enumerate(c.solution, 1):
                out.append(f"{i}. Solution: {md_escape(event_text(event))}")
            out.append("")
            for hint in c.hints:
                out.append(f"- Hint: {md_escape(hint)}")
            if c.hints:
                out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def to_json(loaded: LoadedLesson) -> dict[str, Any]:
    import msgspec

    data: dict[str, Any] = msgspec.to_builtins(loaded.lesson)
    data["path"] = str(loaded.path)
    data["steps"] = [s.to_json() for s in loaded.steps]
    return data


def render_json(loaded: LoadedLesson) -> str:
    return dumps(to_json(loaded)) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}

__all__ = [
    "RENDERERS",
    "md_escape",
    "narration_where",
    "render_json",
    "render_markdown",
    "render_text",
    "table_rows",
    "to_json",
    "tracker_rows",
]
