"""Helpers shared by the engine tests (no tests of its own; named test_engine_* to stay in the engine files)."""

from __future__ import annotations

from typing import Any

import msgspec

from tutor.engine import Scenario, Trace, run_scenario


def scenario(events: list[Any], **engine: Any) -> Scenario:
    """A Scenario from YAML-shaped data (keys as authors write them: ``as``, ``from``)."""
    return msgspec.convert({"engine": engine, "events": events}, Scenario)


def run(events: list[Any], **engine: Any) -> Trace:
    return run_scenario(scenario(events, **engine))


def event_steps(trace: Trace, event: int) -> list:
    return [s for s in trace if s.event == event]


def phases(trace: Trace, event: int) -> list[str]:
    return [s.phase for s in event_steps(trace, event)]


def response(trace: Trace, event: int):
    """The send_response step of a request event."""
    (step,) = [s for s in event_steps(trace, event) if s.phase == "send_response"]
    return step


def status(trace: Trace, event: int) -> int:
    return response(trace, event).variables["status"]


def test_a_step_summary_says_a_status_once() -> None:
    from tutor.engine import Event, Scenario, run_scenario

    trace = run_scenario(
        Scenario(events=[Event(request="GET /dashboard"), Event(login="alice"), Event(request="GET /dashboard")])
    )
    said = [s.summary() for s in trace if s.phase == "send_response"]
    assert (
        said == ["Send 307 → /login (not signed in)", "Send 302 → /dashboard (signed in as alice)", said[2]]
        and said[2].startswith("Send 200 ")
        and "200 → 200" not in said[2]
    )
    other = next(s for s in trace if s.phase != "send_response")
    assert other.summary() == f"{other.action} → {other.result}"
