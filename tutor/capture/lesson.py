"""A replayed capture as a :class:`~tutor.lesson.loader.LoadedLesson`, so the lesson screen's walkthrough
(execution table, tracker of the jar, narration) shows it unchanged; the code pane holds the findings.

Nothing of it is written anywhere: a capture is never put in the lesson cache, and the app opens it
without a progress store. A capture of more steps than :data:`MAX_SHOWN` is shown in windows of that many
(``first``: the window's first step): the walkthrough lays out every step of its table for the first frame.
"""

from __future__ import annotations

from pathlib import Path

from tutor.capture.render import exchange_lines, summary_lines
from tutor.capture.replay import Replay
from tutor.engine.scenario import Scenario
from tutor.engine.trace import jar_variable
from tutor.lesson.loader import LoadedLesson
from tutor.lesson.model import (
    CodeSample,
    Column,
    Flow,
    FlowEdge,
    FlowNode,
    Lesson,
    Narration,
    Table,
    Tracked,
)

#: The most steps one walkthrough of a capture holds (the rest: ``--step`` past them opens the next window).
MAX_SHOWN = 250
CAPTURE_ID = "capture"


def _finding_lines(replay: Replay) -> str:
    """Each finding as its heading (step and title), then its detail indented on the next line (the pane, a
    `text` sample, wraps each line at its width: `tutor.ui.widgets.code_view.Wrapped`)."""
    return "\n".join(f"{f.heading}\n  {f.detail}" for f in replay.findings)


def _partial(replay: Replay) -> bool:
    """Replayed only up to a window's end (`tutor open`), or the rest not counted yet."""
    return not replay.counted or len(replay.trace) < replay.total


def findings_text(replay: Replay) -> str:
    if _partial(replay):  # (the total is in the title: it may not be counted yet)
        scope = f"Findings of steps 1–{len(replay.trace)} (tutor show lists them all):\n"
        return scope + (_finding_lines(replay) or "none so far")
    if replay.session_cookie is None:
        return "No session cookie recognised (--session-cookie NAME names it), so nothing to check."
    if not replay.findings:  # (a cookie never set in the capture has a note saying its attributes are unknown)
        return "No findings: the session cookie has HttpOnly, Secure and SameSite, and nothing else stood out."
    return _finding_lines(replay)


def snapshot_text(replay: Replay) -> str:
    """The Snapshot mode: the capture's summary and its findings, each a list item (the mode reflows
    paragraphs, never list items)."""
    scope = f" of steps 1–{len(replay.trace)}" if _partial(replay) else ""
    findings = [f"- {f.line()}" for f in replay.findings] or ["- none"]
    return "\n".join(["\n".join(f"- {line}" for line in summary_lines(replay)), "", f"Findings{scope}:", *findings])


def capture_lesson(replay: Replay, path: Path, *, first: int = 1) -> LoadedLesson:
    """The walkthrough of steps ``first`` .. ``first + MAX_SHOWN - 1`` of the replay."""
    total = max(replay.total, len(replay.trace))
    first = max(1, min(first, max(1, len(replay.trace))))
    steps = replay.trace.steps[first - 1 : first - 1 + MAX_SHOWN]
    of = f"{total}" if replay.counted else "… (counting)"
    window = f" · steps {first}–{first + len(steps) - 1} of {of}" if len(steps) < total or not replay.counted else ""
    # a later window's rows count from 1 (the walkthrough's own numbering): its narration says the capture's
    # step, the number the findings and `tutor show` use
    where = (lambda n: [f"capture step {n} of {of}"]) if first > 1 else (lambda n: [])
    narration = [
        Narration(
            step=s.step - first + 1,
            text="\n".join([*where(s.step), *exchange_lines(replay, replay.exchanges[s.step - 1])]),
        )
        for s in steps
    ]
    # the walkthrough numbers its rows 1..n: a window's steps are renumbered (their action keeps the path)
    from dataclasses import replace

    shown = tuple(replace(s, step=i) for i, s in enumerate(steps, 1))
    lesson = Lesson(
        id=CAPTURE_ID,
        # the window first: a narrow terminal cuts the title's end (the rest is in the Snapshot mode too)
        title=f"Capture {path.name}{window} ({replay.kind}; session cookie {replay.session_cookie or 'not found'}; "
        f"third-party {replay.third_party})",
        summary="A browser's HAR capture replayed through the model's cookie jar.",
        level="intermediate",
        minutes=1,
        flow=Flow(
            nodes=[
                FlowNode(id="browser", label=f"{replay.kind} sends", phases=["receive"]),
                FlowNode(id="server", label="the app answers"),
                FlowNode(id="jar", label="the jar stores", phases=["store_cookie"]),
            ],
            edges=[FlowEdge(from_="browser", to="server"), FlowEdge(from_="server", to="jar")],
        ),
        code=[CodeSample(title="Findings", language="text", source=findings_text(replay))],
        scenario=Scenario(),
        table=Table(
            columns=[
                Column(field="action", heading="Request"),
                Column(field="site", heading="Site"),
                Column(field="sent", heading="Cookies sent"),
                Column(field="set_cookie", heading="Set-Cookie"),
                Column(field="result", heading="Result"),
            ]
        ),
        tracker=[
            Tracked(variable=jar_variable(replay.kind), label="jar"),
            Tracked(variable="session", label="session"),
            Tracked(variable="clock", label="clock"),
        ],
        narration=narration,
        snapshot=snapshot_text(replay),
        transcript="\n".join(f"{s.step}. {s.summary()}" for s in shown) or "(no requests)",
    )
    return LoadedLesson(lesson=lesson, path=path, trace=replay.trace, steps=shown)


__all__ = ["CAPTURE_ID", "MAX_SHOWN", "capture_lesson", "findings_text", "snapshot_text"]
