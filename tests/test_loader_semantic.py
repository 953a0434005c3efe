"""Section 3: semantic checks against the engine's trace, each at the exact node."""

from __future__ import annotations

import pytest
from test_loader_helpers import FIXTURE, TEXT, at, mutate, only, pos, problems, write

from tutor.engine import run_scenario
from tutor.engine.trace import PHASES
from tutor.lesson.loader import LoadError, format_value, load_lesson, load_scenario


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


def test_nonexistent_step_reference(tmp_path):
    n = len(load_lesson(FIXTURE).steps)
    text = mutate("  - step: 1\n", "  - step: 12\n")
    p = only(problems(tmp_path, text))
    assert p.message == f"step 12 does not exist: the table has {n} steps"
    assert (p.line, p.col) == pos(text, "12")


@pytest.mark.parametrize(
    "old, new, needle",
    [
        ("    steps: [1, 2]\n", "    steps: [1, 20]\n", "20]"),
        ("    predict: 2\n", "    predict: 30\n", "30"),
        ("    answer: {step: 1, field: phase}", "    answer: {step: 40, field: phase}", "40"),
    ],
)
def test_every_kind_of_step_reference_is_checked(tmp_path, old, new, needle):
    text = mutate(old, new)
    p = only(problems(tmp_path, text))
    assert p.message.startswith(f"step {needle.rstrip(']')} does not exist")
    assert (p.line, p.col) == pos(text, needle)


def test_single_answer_with_no_correct_choice(tmp_path):
    text = mutate(
        "      - text: A new anonymous session is created.\n        correct: true\n",
        "      - text: A new anonymous session is created.\n",
    )
    p = only(problems(tmp_path, text))
    assert p.message == "no choice is marked correct"
    assert (p.line, p.col) == pos(text, "- text: A new anonymous")  # the choices list


def test_single_answer_with_two_correct_choices(tmp_path):
    text = mutate(
        "      - text: The request is rejected.\n", "      - text: The request is rejected.\n        correct: true\n"
    )
    p = only(problems(tmp_path, text))
    assert p.message == "a single-answer question has 2 correct choices"
    assert p.hint == "mark exactly one, or set `multiple: true`"
    assert (p.line, p.col) == pos(text, "correct: true", 2)  # the second one in predict-create


def test_multiple_answer_question_needs_a_correct_choice(tmp_path):
    text = TEXT.replace(
        "      - text: It holds only the session ID.\n        correct: true\n",
        "      - text: It holds only the session ID.\n",
    )
    text = text.replace(
        "      - text: It should be HttpOnly.\n        correct: true\n", "      - text: It should be HttpOnly.\n"
    )
    p = only(problems(tmp_path, text))
    assert p.message == "a multiple-answer question needs at least one correct choice"


def test_trace_answer_disagreeing_with_the_trace(tmp_path):
    loaded = load_lesson(FIXTURE)
    actual = format_value(loaded.steps[1].get("phase"))
    text = mutate("    answer: {step: 1, field: phase}", "    answer: {step: 2, field: phase}")
    found = problems(tmp_path, text)
    wrong = at(found, *pos(text, "receive\n        correct: true"))
    assert wrong.message == f"this choice is marked correct, but the trace says `phase` at step 2 is `{actual}`"
    missing = at(found, *pos(text, "{step: 2"))
    assert missing.message == f"no choice equals the trace value: `phase` at step 2 is `{actual}`"
    assert len(found) == 2


def test_trace_answer_hint_points_at_the_matching_choice(tmp_path):
    text = mutate(
        "      - text: receive\n        correct: true\n      - text: validate\n",
        "      - text: receive\n      - text: validate\n        correct: true\n",
    )
    p = only(problems(tmp_path, text))
    assert p.message == "this choice is marked correct, but the trace says `phase` at step 1 is `receive`"
    assert p.hint == "choice 1 has that text: mark it correct instead"
    assert (p.line, p.col) == pos(text, "validate\n        correct: true")


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


def test_scenario_rejected_by_the_engine(tmp_path):
    text = mutate("    - request: GET /\n", "    - request: GET /nowhere\n")
    p = only(problems(tmp_path, text))
    assert p.message.startswith("unknown route /nowhere")
    assert (p.line, p.col) == pos(text, "GET /nowhere")


def test_unknown_user_is_rejected_at_the_event(tmp_path):
    text = mutate("    - login: alice\n", "    - login: mallory\n")
    found = problems(tmp_path, text)
    assert all(p.line == pos(text, "mallory")[0] for p in found)
    assert any("mallory" in p.message for p in found)


def test_phases_must_be_engine_phases(tmp_path):
    text = mutate(
        "  phases: [receive, create_session, rotate_session]", "  phases: [receive, create_sesion, rotate_session]"
    )
    p = only(problems(tmp_path, text))
    assert p.message == "unknown phase `create_sesion`"
    assert p.hint == "did you mean `create_session`?"
    assert (p.line, p.col) == pos(text, "create_sesion")


@pytest.mark.parametrize(
    "old, new, needle",
    [
        ("      phases: [receive, store_cookie]", "      phases: [recieve, store_cookie]", "recieve"),
        ("      read_cookie: [2, 3]", "      read_cookies: [2, 3]", "read_cookies"),
        ("  - phase: create_session", "  - phase: create", "create\n"),
    ],
)
def test_flow_code_and_narration_phases(tmp_path, old, new, needle):
    text = mutate(old, new)
    p = only(problems(tmp_path, text))
    assert p.message.startswith("unknown phase")
    assert (p.line, p.col) == pos(text, needle)
    assert PHASES


def test_table_column_and_tracker_fields(tmp_path):
    text = mutate("    - field: action\n", "    - field: acton\n")
    text = mutate("  - variable: user\n", "  - variable: cookiestore\n", text)
    found = problems(tmp_path, text)
    col = at(found, *pos(text, "acton"))
    assert col.message == "unknown column field `acton`: not a step field or a variable of this trace"
    assert col.hint == "did you mean `action`?"
    var = at(found, *pos(text, "cookiestore"))
    assert var.hint == "did you mean `cookieStore`?"


def test_trace_variables_are_accepted(tmp_path):
    text = mutate("  - variable: user\n", "  - variable: cookieStore\n")
    assert load_lesson(write(tmp_path, text)).lesson.tracker[1].variable == "cookieStore"


def test_code_lines_within_the_source(tmp_path):
    text = mutate("      read_cookie: [2, 3]", "      read_cookie: [2, 9]")
    p = only(problems(tmp_path, text))
    assert p.message == "line 9 does not exist: the source has 5 lines"
    assert (p.line, p.col) == pos(text, "9]")


def test_flow_edges_refer_to_nodes(tmp_path):
    text = mutate(
        "    - {from: server, to: browser, label: response}", "    - {from: server, to: browsr, label: response}"
    )
    p = only(problems(tmp_path, text))
    assert p.message == "no flow node has the id `browsr`"
    assert p.hint == "did you mean `browser`?"
    assert (p.line, p.col) == pos(text, "browsr")


def test_duplicate_question_ids(tmp_path):
    text = mutate("  - id: predict-create", "  - id: first-phase")
    p = only(problems(tmp_path, text))
    assert p.message == "duplicate question id `first-phase` (also question 1)"
    assert (p.line, p.col) == pos(text, "first-phase", 1)


def test_table_phases_that_match_nothing(tmp_path):
    text = mutate("  phases: [receive, create_session, rotate_session]", "  phases: [xss]")
    found = problems(tmp_path, text)
    assert found[0].message == "no step of the trace has these phases: the table would be empty"


def test_load_scenario_top_level_and_nested(tmp_path):
    plain = write(tmp_path, "engine:\n  seed: 4\nevents:\n  - request: GET /\n  - logout\n", "s.yaml")
    assert load_scenario(plain).engine.seed == 4
    nested = write(tmp_path, "scenario:\n  events:\n    - request: GET /\n", "n.yaml")
    assert len(load_scenario(nested).events) == 1
    assert load_scenario(FIXTURE).engine.seed == 3
    bad = write(tmp_path, "events:\n  - request: GET /\n  - login: nobody\n", "b.yaml")
    with pytest.raises(LoadError) as info:
        load_scenario(bad)
    assert all(p.line == 3 for p in info.value.problems)


def test_load_error_problems_are_sorted(tmp_path):
    text = mutate("  - step: 1\n", "  - step: 12\n")
    text = mutate("    - field: action\n", "    - field: acton\n", text)
    found = problems(tmp_path, text)
    assert [(p.line, p.col) for p in found] == sorted((p.line, p.col) for p in found)
    assert len(found) == 2
