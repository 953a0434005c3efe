"""`tutor check` reports schema problems and every other problem the rest of the file allows, in one run.

The validator salvages what it can of a file with schema problems (an unknown key left out, a default
or a placeholder standing for a bad value, a bad list item left out); the checks after the schema then
run on the rest, and say nothing about the places a schema problem stands for.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_loader_helpers import TEXT, at, mutate, pos, problems, write

from tutor.cli import main
from tutor.lesson.loader import LoadError, load_scenario

ROOT = Path(__file__).resolve().parent.parent
EXPIRY = (ROOT / "lessons" / "expiry.yaml").read_text(encoding="utf-8")


def test_a_schema_error_and_a_semantic_error_in_one_run(tmp_path):
    text = mutate("    prompt: What is the phase of step 1?\n", "    promt: What is the phase of step 1?\n")
    text = mutate("  - step: 1\n", "  - step: 12\n", text)
    found = problems(tmp_path, text)
    assert len(found) == 3, "\n".join(map(str, found))
    unknown = at(found, *pos(text, "promt"))
    assert unknown.message == "unknown field `promt` in Question"
    assert unknown.hint == "did you mean `prompt`?"
    missing = at(found, *pos(text, "id: first-phase"))  # the question: its mapping
    assert missing.message == "missing field `prompt` in Question"
    step = at(found, *pos(text, "12"))
    assert step.message.startswith("step 12 does not exist: the table has ")
    assert [(p.line, p.col) for p in found] == sorted((p.line, p.col) for p in found)


def test_the_cli_prints_both_sorted_by_position_and_exits_1(tmp_path, capsys):
    text = mutate("minutes: 3", "minutes: 0")  # schema: line 7
    text = mutate("    - field: action\n", "    - field: acton\n", text)  # semantic: no such field, line 40
    path = write(tmp_path, text)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    errors = [line for line in out if ": error: " in line]
    line, col = pos(text, "acton")
    assert errors == [
        f"{path}:7:10: error: must be at least 1; found 0",
        f"{path}:{line}:{col}: error: unknown column field `acton`: not a step field or a variable of this trace",
    ]
    assert out[-1] == "1 lesson checked, 2 problems in 1 file"


def test_a_default_standing_for_a_bad_value_raises_no_second_problem(tmp_path):
    # `correctt` is left out, so `correct` takes its default (false): "no choice is marked correct"
    # would be about the stand-in, not the file.
    text = mutate("      - text: receive\n        correct: true\n", "      - text: receive\n        correctt: true\n")
    found = problems(tmp_path, text)
    assert [p.message for p in found] == ["unknown field `correctt` in Choice"]


def test_a_broken_scenario_still_gets_its_static_checks_and_the_rest_of_the_file(tmp_path):
    text = mutate("    - login: alice\n", "    - logn: alice\n")
    text = mutate("  - id: predict-create\n", "  - id: first-phase\n", text)  # a duplicate question id
    text = mutate("      read_cookie: [2, 3]\n", "      read_cookie: [2, 9]\n", text)  # no line 9
    found = problems(tmp_path, text)
    messages = sorted(p.message for p in found)
    assert messages == [
        "duplicate question id `first-phase` (also question 1)",
        "line 9 does not exist: the source has 5 lines",
        "unknown event `logn`",
    ], "\n".join(map(str, found))


def test_a_left_out_list_item_keeps_the_positions_of_the_others(tmp_path):
    # -1 is left out of `steps`, so the salvaged list is [30]: its problem is still at the 30 in the file
    text = mutate("    steps: [1, 2]\n", "    steps: [-1, 30]\n")
    found = problems(tmp_path, text)
    assert at(found, *pos(text, "-1")).message == "must be at least 1; found -1"
    assert at(found, *pos(text, "30]")).message.startswith("step 30 does not exist")
    assert len(found) == 2


def test_a_challenge_with_a_schema_error_is_not_played_but_the_others_are(tmp_path):
    text = mutate("    par: 4\n", "    par: four\n", EXPIRY)  # the first challenge
    text = mutate("      - advance: 29m59s\n", "      - advance: 20m\n", text)  # the second no longer reaches its goal
    found = problems(tmp_path, text)
    assert at(found, *pos(text, "four")).message == "expected a whole number, found text"
    goal = pos(text, "goal: {step: {actor: browser, request: GET /dashboard, status: 200")
    assert at(found, goal[0], goal[1] + len("goal: ")).message.startswith(
        "the solution does not reach the goal: no step matches; the closest is step "
    )
    assert len(found) == 2, "\n".join(map(str, found))


def test_a_scenario_file_reports_a_schema_error_and_a_duplicate_mark(tmp_path):
    text = (
        "events:\n"
        "  - request: GET /\n"
        "    mark: visit\n"
        "  - request: GET /x\n"
        "    cross_sight: true\n"
        "  - login: alice\n"
        "    mark: visit\n"
    )
    path = write(tmp_path, text, "scenario.yaml")
    with pytest.raises(LoadError) as info:
        load_scenario(path)
    found = info.value.problems
    assert [(p.line, p.message) for p in found] == [
        (5, "unknown field `cross_sight` in an event"),
        (7, "duplicate mark `visit` (also event 1)"),
    ]


def test_a_valid_file_is_unchanged(tmp_path, capsys):
    path = write(tmp_path, TEXT)
    assert main(["check", str(path)]) == 0
    assert capsys.readouterr().out == "1 lesson checked, 0 problems\n"
