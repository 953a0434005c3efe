"""Section 3: the lesson against its trace: steps, phases, answers and values as loaded. Every semantic
problem, at its exact node, is in the bad-input table (`tests/loader_error_cases.py`)."""

from __future__ import annotations

from test_loader_helpers import FIXTURE, mutate, write

from tutor.engine import run_scenario
from tutor.lesson.loader import format_value, load_lesson, load_scenario


def test_steps_are_the_table_phases_renumbered():
    loaded = load_lesson(FIXTURE)
    wanted = set(loaded.lesson.table.phases)
    expected = [s for s in loaded.trace if s.phase in wanted]
    assert len(loaded.steps) == len(expected) < len(loaded.trace)
    assert [s.step for s in loaded.steps] == list(range(1, len(expected) + 1))
    assert [(s.phase, s.action) for s in loaded.steps] == [(s.phase, s.action) for s in expected]
    assert loaded.trace == run_scenario(loaded.lesson.scenario)


def test_all_steps_when_table_has_no_phases(tmp_path):
    text = mutate("  phases: [receive, create_session, rotate_session]\n", "")
    loaded = load_lesson(write(tmp_path, text))
    assert len(loaded.steps) == len(loaded.trace)


def test_trace_answer_value_formatting(tmp_path):
    # user at step 1 is None: shown (and compared) as `null`
    text = mutate(
        "    answer: {step: 1, field: phase}\n    choices:\n      - text: receive\n        correct: true\n      - text: validate",
        "    answer: {step: 1, field: user}\n    choices:\n      - text: 'null'\n        correct: true\n      - text: alice",
    )
    assert load_lesson(write(tmp_path, text)).lesson.questions[0].answer.field == "user"


def test_format_value():
    assert format_value(None) == "null"
    assert format_value(True) == "true" and format_value(False) == "false"
    assert format_value("a b") == "a b"
    assert format_value(3) == "3"
    assert format_value({"a": [1, None], "é": True}) == '{"a":[1,null],"é":true}'


def test_trace_variables_are_accepted(tmp_path):
    text = mutate("  - variable: user\n", "  - variable: cookieStore\n")
    assert load_lesson(write(tmp_path, text)).lesson.tracker[1].variable == "cookieStore"


def test_load_scenario_top_level_and_nested(tmp_path):
    plain = write(tmp_path, "engine:\n  seed: 4\nevents:\n  - request: GET /\n  - logout\n", "s.yaml")
    assert load_scenario(plain).engine.seed == 4
    nested = write(tmp_path, "scenario:\n  events:\n    - request: GET /\n", "n.yaml")
    assert len(load_scenario(nested).events) == 1
    assert load_scenario(FIXTURE).engine.seed == 3
    # its bad input: tests/loader_error_cases.py (`event-unknown-user`)
