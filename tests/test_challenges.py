"""Challenges in the lesson format: loading, `tutor check` (every problem at its node), runs and stars."""

from __future__ import annotations

import pytest
import yaml
from test_loader_helpers import TEXT, at, only, pos, problems, write

from tutor.commands.schema import build_schema
from tutor.engine.scenario import EngineOptions, Event, Xss
from tutor.lesson.challenges import ChallengeRun, challenge_options, stars
from tutor.lesson.loader import load_lesson
from tutor.lesson.model import CookieOverrides, EngineOverrides

FIXATION = """\
challenges:
  - id: fixation
    title: "Fix Alice's session ID before she logs in"
    brief: "Rotation is off. Make the attacker load /dashboard as alice."
    engine: {rotate_on_login: false, cookie: {same_site: strict}}
    setup: [{request: GET /, as: attacker}]
    allowed: [request, steal, login, advance]
    goal: {step: {actor: attacker, request: GET /dashboard, user: alice, status: 200}}
    par: 3
    solution:
      - steal: {from: attacker, to: browser}
      - login: alice
      - request: GET /dashboard
        as: attacker
    hints: ["Whose cookie does the server trust after login?", "Plant the attacker's ID first."]
"""


def lesson_text(block: str = FIXATION) -> str:
    return TEXT.rstrip("\n") + "\n" + block


def test_a_lesson_without_challenges_is_unchanged(tmp_path):
    loaded = load_lesson(write(tmp_path, TEXT))
    assert loaded.lesson.challenges == []


def test_a_challenge_loads_with_its_overrides(tmp_path):
    loaded = load_lesson(write(tmp_path, lesson_text()))
    (challenge,) = loaded.lesson.challenges
    assert challenge.par == 3 and challenge.allowed == ["request", "steal", "login", "advance"]
    options = challenge_options(loaded.lesson.scenario.engine, challenge.engine)
    assert options.seed == 3  # the lesson's
    assert options.rotate_on_login is False and options.cookie.same_site == "strict"
    assert options.cookie.http_only is True and options.cookie.name == "sessionId"


def test_overrides_mirror_every_engine_option():
    """A new engine option must be overridable too (the override structs are written out by hand)."""
    from tutor.engine.scenario import CookieOptions

    assert EngineOverrides.__struct_fields__ == EngineOptions.__struct_fields__
    assert CookieOverrides.__struct_fields__ == CookieOptions.__struct_fields__
    assert challenge_options(EngineOptions(), EngineOverrides()) == EngineOptions()


def test_the_schema_describes_challenges_and_accepts_them():
    jsonschema = pytest.importorskip("jsonschema")
    schema = build_schema()
    defs = schema["$defs"]
    assert {"Challenge", "Goal", "EngineOverrides", "CookieOverrides", "Contains", "Count"} <= set(defs)
    assert set(defs["Goal"]["properties"]) == {"step", "end", "sessions", "never", "all", "any", "in_order"}
    assert defs["Goal"]["maxProperties"] == 1
    validator = jsonschema.Draft202012Validator(schema)
    data = yaml.safe_load(lesson_text())
    assert list(validator.iter_errors(data)) == []
    data["challenges"][0]["goal"]["step"]["route"] = "GET /dashboard"  # not a step field or variable
    data["challenges"][0]["goal"]["never"] = {"phase": "xss"}  # a second key
    assert len(list(validator.iter_errors(data))) == 2


def test_unknown_fields_are_reported_at_their_key(tmp_path):
    text = lesson_text(
        FIXATION.replace("    par: 3\n", "    par: 3\n    parr: 2\n").replace("goal: {step:", "goal: {stpe:")
    )
    found = problems(tmp_path, text)
    assert len(found) == 2, "\n".join(map(str, found))
    p = at(found, *pos(text, "parr"))
    assert p.message == "unknown field `parr` in Challenge" and p.hint == "did you mean `par`?"
    p = at(found, *pos(text, "stpe"))
    assert p.message == "unknown field `stpe` in Goal" and p.hint == "did you mean `step`?"


def test_a_solution_that_does_not_reach_its_goal(tmp_path):
    text = lesson_text(FIXATION.replace("rotate_on_login: false", "rotate_on_login: true"))
    p = only(problems(tmp_path, text))
    assert p.message.startswith("the solution does not reach the goal: no step matches; the closest is step ")
    assert p.message.endswith("expected `user: alice`, found `null`; expected `status: 200`, found `307`")
    assert (p.line, p.col) == pos(text, "{step: {actor: attacker")
    assert "after the solution's last event, the run ends at step" in p.hint


def test_a_goal_reached_by_setup_alone(tmp_path):
    text = lesson_text(
        FIXATION.replace(
            "goal: {step: {actor: attacker, request: GET /dashboard, user: alice, status: 200}}",
            "goal: {step: {actor: attacker, request: GET /}}",
        )
    )
    p = only(problems(tmp_path, text))
    assert p.message.startswith("the goal is reached by `setup` alone (step 1 (attacker: Receive GET /")
    assert (p.line, p.col) == pos(text, "{step: {actor: attacker, request: GET /}}")


def test_a_lone_never_is_reached_by_setup(tmp_path):
    text = lesson_text(
        FIXATION.replace(
            "goal: {step: {actor: attacker, request: GET /dashboard, user: alice, status: 200}}",
            "goal: {never: {phase: xss}}",
        )
    )
    p = only(problems(tmp_path, text))
    assert p.message == "the goal is reached by `setup` alone: there is nothing left to do"
    assert "put it under `all:`" in p.hint


def test_par_longer_than_the_solution(tmp_path):
    text = lesson_text(FIXATION.replace("par: 3", "par: 5"))
    p = only(problems(tmp_path, text))
    assert p.message == "par 5 is longer than the solution (3 events)"
    line, col = pos(text, "par: 5")
    assert (p.line, p.col) == (line, col + len("par: "))


def test_a_solution_verb_that_is_not_allowed(tmp_path):
    text = lesson_text(FIXATION.replace("allowed: [request, steal, login, advance]", "allowed: [request, login]"))
    p = only(problems(tmp_path, text))
    assert p.message == "the solution uses `steal`, which the challenge does not allow"
    assert (p.line, p.col) == pos(text, "steal: {from")
    assert p.hint.startswith("add `steal` to `allowed`")


def test_extra_events_after_the_goal_is_reached(tmp_path):
    text = lesson_text(
        FIXATION.replace("    par: 3\n", "    par: 4\n").replace(
            "      - request: GET /dashboard\n        as: attacker\n",
            "      - request: GET /dashboard\n        as: attacker\n      - advance: 1m\n",
        )
    )
    p = only(problems(tmp_path, text))
    assert p.message == "the goal is already reached after event 3 of the solution; the other 1 would never be played"
    assert (p.line, p.col) == pos(text, "advance: 1m")


def test_a_never_broken_by_the_solution(tmp_path):
    text = lesson_text(
        FIXATION.replace(
            "goal: {step: {actor: attacker, request: GET /dashboard, user: alice, status: 200}}",
            "goal: {all: [{step: {actor: attacker, status: 200, user: alice}}, {never: {phase: check_credentials}}]}",
        )
    )
    p = only(problems(tmp_path, text))
    assert p.message.startswith("the solution breaks the goal's `never` at this event: step")
    assert "Check password for alice" in p.message
    assert (p.line, p.col) == pos(text, "login: alice", nth=1)  # the scenario has one too


def test_unknown_goal_names_and_end_with_a_step_field(tmp_path):
    text = lesson_text(
        FIXATION.replace(
            "goal: {step: {actor: attacker, request: GET /dashboard, user: alice, status: 200}}",
            "goal: {all: [{step: {actor: attacker, route: GET /dashboard}}, {end: {user: alice, jar.attacker: {contains: x}}}]}",
        )
    )
    found = problems(tmp_path, text)
    assert len(found) == 2, "\n".join(map(str, found))
    p = at(found, *pos(text, "route: GET"))
    assert p.message == "unknown step field or variable `route`"
    assert "variables: clock, request," in p.hint
    p = at(found, *pos(text, "user: alice, jar"))
    assert p.message == "`end` compares variables after the last step; `user` is a step field"


def test_goal_shape_problems(tmp_path):
    text = lesson_text(
        FIXATION.replace(
            "goal: {step: {actor: attacker, request: GET /dashboard, user: alice, status: 200}}",
            "goal: {any: [{}, {sessions: 1, never: {phase: xss}}]}",
        )
    )
    found = problems(tmp_path, text)
    assert len(found) == 2, "\n".join(map(str, found))
    assert at(found, *pos(text, "{}")).message.startswith("a goal needs one of: step, end, sessions")
    assert at(found, *pos(text, "never: {phase")).message.startswith("a goal has exactly one of")


def test_scenario_problems_in_setup_and_solution_point_at_the_event(tmp_path):
    text = lesson_text(
        FIXATION.replace("      - login: alice\n", "      - login: carol\n").replace(
            "setup: [{request: GET /, as: attacker}]", "setup: [{request: GET /nowhere, as: attacker}]"
        )
    )
    found = problems(tmp_path, text)
    assert len(found) == 2, "\n".join(map(str, found))
    assert at(found, *pos(text, "carol")).message.startswith("unknown user 'carol'")
    assert at(found, *pos(text, "GET /nowhere")).message.startswith("unknown route /nowhere")


def test_duplicate_challenge_ids(tmp_path):
    second = FIXATION.replace("challenges:\n", "")
    text = lesson_text(FIXATION + second)
    p = only(problems(tmp_path, text))
    assert p.message == "duplicate challenge id `fixation` (also challenge 1)"
    assert (p.line, p.col) == pos(text, "fixation", nth=1)


def test_a_run_plays_setup_then_the_learners_events(tmp_path):
    loaded = load_lesson(write(tmp_path, lesson_text()))
    challenge = loaded.lesson.challenges[0]
    with ChallengeRun(loaded.lesson, challenge) as run:
        assert run.setup_steps == len(run.steps) > 0 and run.result.state == "pending"
        with pytest.raises(ValueError, match="`xss` is not allowed"):
            run.play(Event(xss=Xss()))
        for event in challenge.solution:
            run.play(event)
        assert run.result.reached and run.result.step is run.steps[-1]
        assert run.hint() == challenge.hints[0] and run.hints_used == 1
        assert run.stars() == 2
        with pytest.raises(ValueError, match="this run is over"):
            run.play(challenge.solution[0])


@pytest.mark.parametrize(
    "events, par, hints, expected",
    [
        (3, 3, 0, 3),
        (2, 3, 0, 3),
        (4, 3, 0, 2),
        (6, 3, 0, 2),
        (7, 3, 0, 1),
        (3, 3, 1, 2),
        (3, 3, 2, 1),
        (3, 3, 5, 1),
        (9, 3, 2, 1),
    ],
)
def test_stars(events, par, hints, expected):
    assert stars(events, par, hints) == expected


BUILT_IN = sorted((__import__("pathlib").Path(__file__).resolve().parents[1] / "lessons").glob("*.yaml"))


@pytest.mark.parametrize("path", BUILT_IN, ids=lambda p: p.stem)
def test_every_built_in_lesson_has_challenges_whose_solutions_win(path):
    lesson = load_lesson(path).lesson  # tutor check: every solution reaches its goal, none by setup alone
    assert len(lesson.challenges) >= 2
    for challenge in lesson.challenges:
        assert challenge.par <= len(challenge.solution) and challenge.hints
        with ChallengeRun(lesson, challenge) as run:
            assert run.result.state == "pending", challenge.id
            for event in challenge.solution:
                assert run.result.state == "pending", challenge.id
                run.play(event)
            assert run.result.reached, challenge.id
            assert run.result.step.step > run.setup_steps  # the learner's events decided it
            assert run.stars() == 3


def test_show_prints_challenges_in_text_markdown_and_json(tmp_path):
    import json

    from tutor.lesson.render import render_json, render_markdown, render_text

    hostile = FIXATION.replace('title: "Fix Alice\'s session ID before she logs in"', 'title: "Fix \\e[31mit"')
    loaded = load_lesson(write(tmp_path, lesson_text(hostile)))
    text = render_text(loaded)
    part = text[text.index("Challenges\n----------") :]
    assert "  1. Fix ␛[31mit  (fixation)" in part and "\x1b" not in text
    assert "     engine: {rotate_on_login: false, cookie: {same_site: strict}}" in part
    assert "     setup: request: GET / (as attacker)" in part
    assert "     goal: {step: {actor: attacker, request: GET /dashboard, user: alice, status: 200}}" in part
    assert "     solution 1: steal: {from: attacker, to: browser}" in part
    assert "     solution 3: request: GET /dashboard (as attacker)" in part
    assert "     hint 2: Plant the attacker's ID first." in part
    markdown = render_markdown(loaded)
    assert "## Challenges" in markdown and "- Par: 3" in markdown and "\x1b" not in markdown
    data = json.loads(render_json(loaded))
    assert data["challenges"][0]["goal"] == {
        "step": {"actor": "attacker", "request": "GET /dashboard", "user": "alice", "status": 200}
    }
    assert data["challenges"][0]["engine"] == {"rotate_on_login": False, "cookie": {"same_site": "strict"}}


def test_flow_quotes_what_yaml_would_misread():
    from tutor.lesson.challenges import flow

    assert (
        flow({"a": "GET /x", "b": "true", "c": "200", "d": "x: y", "e": "", "f": [1, None]})
        == '{a: GET /x, b: "true", c: "200", d: "x: y", e: "", f: [1, null]}'
    )


def test_engine_changes_and_browsers_of_a_challenge_are_checked_at_their_keys(tmp_path):
    text = lesson_text(
        FIXATION.replace(
            "engine: {rotate_on_login: false, cookie: {same_site: strict}}",
            "engine: {rotate_on_login: false, strategy: jwt, store: sqlite}\n    browsers: {fox: {kind: firefox}}",
        )
    )
    found = problems(tmp_path, text)
    assert len(found) == 2, "\n".join(map(str, found))
    p = at(found, *pos(text, "sqlite"))
    assert p.message.startswith("with this challenge's engine changes: the jwt strategy keeps no server-side sessions")
    p = at(found, *pos(text, "fox"))
    assert p.message == "browser 'fox' is declared but no event uses it"


def test_a_challenge_may_declare_a_browser_kind_its_events_use(tmp_path):
    block = FIXATION.replace(
        "engine: {rotate_on_login: false, cookie: {same_site: strict}}",
        "engine: {rotate_on_login: false}\n    browsers: {attacker: {kind: safari}}",
    )
    loaded = load_lesson(write(tmp_path, lesson_text(block)))
    challenge = loaded.lesson.challenges[0]
    with ChallengeRun(loaded.lesson, challenge) as run:
        assert run.sim.browser_kind("attacker") == "safari"
        for event in challenge.solution:
            run.play(event)
        assert run.result.reached
