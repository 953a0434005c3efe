"""The `set_cookie: "RAW HEADER"` event (issue 16 §3): the server answers with exactly the headers given,
the browser applies them, and what is not a header at all is a positioned problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import pytest
from test_engine_helpers import event_steps

from tutor.engine import Scenario, check_scenario, run_scenario
from tutor.engine.headers import header_problem
from tutor.engine.scenario import Event, set_cookie_headers
from tutor.lesson.challenges import event_text
from tutor.lesson.loader import LoadError, load_scenario


def scenario(events: list[Any], **engine: Any) -> Scenario:
    return msgspec.convert({"engine": engine, "events": events}, Scenario)


def test_one_header_is_answered_exactly_and_stored() -> None:
    trace = run_scenario(scenario([{"set_cookie": "theme=dark; Path=/; Max-Age=3600"}]))
    steps = event_steps(trace, 1)
    assert [s.phase for s in steps] == ["receive", "set_cookie", "send_response", "store_cookie"]
    assert steps[1].variables["set_cookie"] == "theme=dark; Path=/; Max-Age=3600"
    assert steps[1].result == "Set-Cookie: theme=dark; Path=/; Max-Age=3600"
    assert steps[2].variables["status"] == 200
    assert steps[3].result == "theme stored"
    assert steps[3].variables["jar.browser"] == ["theme=dark; Path=/; Expires +1h"]
    # the server's own session handling did not run: no session row, no session cookie
    assert steps[3].variables["store"] == [] and not steps[3].cookie_present


def test_a_list_is_one_response_with_several_headers_applied_in_order() -> None:
    events = [{"set_cookie": ["a=1; Secure", "a=2; Secure", "b=1; Secure; Max-Age=0"]}]
    trace = run_scenario(scenario(events))
    steps = event_steps(trace, 1)
    assert [s.variables["set_cookie"] for s in steps if s.phase == "set_cookie"] == events[0]["set_cookie"]
    assert steps[-1].result == (
        "a stored; a replaced; b deleted (was not stored) [Max-Age=0 is in the past: the cookie expires at once"
        " (it deletes a stored one)]"
    )
    assert steps[-1].variables["jar.browser"] == ["a=2; Path=/; Secure; Session"]


def test_the_store_step_names_the_attributes_the_browser_ignored() -> None:
    trace = run_scenario(scenario([{"set_cookie": ["theme=dark; Expires=Wed, 31 Dec 2026", "site=1; Domain=example"]}]))
    assert event_steps(trace, 1)[-1].result == (
        "theme stored [Expires=Wed, 31 Dec 2026 is not a cookie-date: attribute ignored]; "
        "site rejected (Domain=example is a public suffix)"
    )


def test_the_modifiers_apply_as_to_a_request() -> None:
    events = [{"set_cookie": "s=1; Secure", "scheme": "http", "as": "laptop"}]
    trace = run_scenario(scenario(events))
    assert event_steps(trace, 1)[-1].result.startswith("s rejected")
    assert event_steps(trace, 1)[0].actor == "laptop" and event_steps(trace, 1)[0].variables["request"] == "GET /"


def test_a_session_cookie_from_a_hand_written_header_goes_when_the_browser_closes() -> None:
    events = [{"set_cookie": ["keep=1; Max-Age=86400", "drop=1"]}, "close_browser"]
    trace = run_scenario(scenario(events))
    close = event_steps(trace, 2)[0]
    assert close.result == "1 session cookie dropped, 1 persistent cookie kept"
    assert close.variables["jar.browser"] == ["keep=1; Path=/; Expires +1d"]


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("", "an empty header: write at least NAME=VALUE"),
        ("  ", "an empty header: write at least NAME=VALUE"),
        (
            "a=1\r\nb=2",
            "a carriage return: a header value is one line without CR, LF or NUL (RFC 9110 §5.5); give each header on its own",
        ),
        (
            "a=1\nb=2",
            "a line break: a header value is one line without CR, LF or NUL (RFC 9110 §5.5); give each header on its own",
        ),
        (
            "a=\x001",
            "a NUL character: a header value is one line without CR, LF or NUL (RFC 9110 §5.5); give each header on its own",
        ),
        ("Set-Cookie: a=1", "it starts with 'Set-Cookie:': give only the header's value (NAME=VALUE; attributes)"),
        ("set-cookie:a=1", "it starts with 'Set-Cookie:': give only the header's value (NAME=VALUE; attributes)"),
    ],
)
def test_what_is_not_a_header_at_all(header: str, problem: str) -> None:
    assert header_problem(header) == problem


@pytest.mark.parametrize("header", ["token", "a=1; Expires=whenever", "=x", "a=\x07b", "é=ü; Domain=.org"])
def test_what_a_browser_judges_is_not_a_header_problem(header: str) -> None:
    """A nameless cookie, a bad attribute, a control character the parser refuses: all headers."""
    assert header_problem(header) is None


def test_problems_name_the_list_item(tmp_path: Path) -> None:
    found = check_scenario(scenario([{"set_cookie": ["a=1", "Set-Cookie: b=2"]}, {"set_cookie": ""}]))
    assert [(p.event, p.field) for p in found] == [(0, "set_cookie.1"), (1, "set_cookie")]
    path = tmp_path / "s.yaml"
    path.write_text('events:\n  - set_cookie:\n      - "a=1"\n      - "b=1\\nc=2"\n', encoding="utf-8")
    with pytest.raises(LoadError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.col) == (4, 9) and "a line break" in problem.message
    path.write_text("events:\n  - set_cookie: []\n", encoding="utf-8")
    with pytest.raises(LoadError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.col) == (2, 17)


def test_modifiers_that_do_not_apply_are_problems() -> None:
    found = check_scenario(scenario([{"set_cookie": "a=1", "remember": True}]))
    assert [(p.event, p.field) for p in found] == [(0, "remember")]


def test_the_event_in_words_and_its_headers() -> None:
    one, several = Event(set_cookie="a=1"), Event(set_cookie=["a=1", "b=2; Secure"])
    assert set_cookie_headers(one) == ["a=1"] and set_cookie_headers(several) == ["a=1", "b=2; Secure"]
    assert one.verb == "set_cookie" and one.acting == "browser"
    assert event_text(several) == "set_cookie: [a=1, b=2; Secure]"
