"""Section 2: the node tree walked against the msgspec types: the values it builds. Every problem it reports,
at its node, is in the bad-input table (`tests/loader_error_cases.py`)."""

from __future__ import annotations

from test_loader_helpers import mutate, write

from tutor.engine.scenario import Event
from tutor.lesson.loader import load_lesson, scenario_from_text


def test_quoted_yes_is_text(tmp_path):
    text = mutate("  - variable: user\n", '  - variable: user\n    label: "yes"\n')
    assert load_lesson(write(tmp_path, text)).lesson.tracker[1].label == "yes"


def test_plain_number_where_text_is_expected_is_the_text_written(tmp_path):
    text = mutate("  - variable: user\n", "  - variable: user\n    label: 1.50\n")
    assert load_lesson(write(tmp_path, text)).lesson.tracker[1].label == "1.50"


def test_int_keys_and_optional_fields(tmp_path):
    text = mutate("  - step: 1\n    text: The first", "  - step: 0x1\n    text: The first")
    assert load_lesson(write(tmp_path, text)).lesson.narration[0].step == 1


# --- events -------------------------------------------------------------------------------------------


def _scenario(events: str) -> str:
    return "engine:\n  seed: 1\nevents:\n" + events


def test_bare_string_events():
    assert scenario_from_text(_scenario("  - logout\n  - clear_cookies\n")).events == ["logout", "clear_cookies"]


def test_event_mapping_builds_events():
    scenario = scenario_from_text(
        _scenario("  - request: GET /dashboard\n    as: phone\n    cross_site: true\n  - logout:\n")
    )
    first, second = scenario.events
    assert isinstance(first, Event) and first.request == "GET /dashboard" and first.as_ == "phone" and first.cross_site
    assert second.logout is None


def test_tamper_claims_union():
    text = "engine: {strategy: jwt}\nevents:\n  - login: alice\n  - tamper: {claims: {sub: bob, admin: true, n: 3, x: null}}\n"
    scenario = scenario_from_text(text)
    assert scenario.events[1].tamper.claims == {"sub": "bob", "admin": True, "n": 3, "x": None}
