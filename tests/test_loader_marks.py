"""Step references that survive edits: `mark: NAME` on a scenario event, `NAME` / `NAME.phase` wherever a
lesson names a step, and `at: NAME` on narration. Every problem is reported at its exact node."""

from __future__ import annotations

from test_loader_helpers import TEXT, mutate, only, pos, problems, write

from tutor.lesson.loader import load_lesson, load_scenario

# The fixture's table: 1 receive (GET /), 2 create_session, 3 receive (POST /login), 4 rotate_session.
MARKED = mutate(
    "    - request: GET /\n    - login: alice\n",
    "    - request: GET /\n      mark: visit\n    - login: alice\n      mark: login\n",
)


def marked(old: str, new: str) -> str:
    return mutate(old, new, MARKED)


def test_marks_resolve_to_row_numbers(tmp_path):
    text = marked("  - step: 1\n", "  - step: login.rotate_session\n")
    text = mutate("    steps: [1, 2]\n", "    steps: [visit, login]\n", text)
    text = mutate("    answer: {step: 1, field: phase}", "    answer: {step: visit, field: phase}", text)
    text = mutate("    predict: 2\n", "    predict: visit.create_session\n", text)
    lesson = load_lesson(write(tmp_path, text)).lesson
    assert lesson.narration[0].step == 4
    assert lesson.moments[0].steps == [1, 3]
    assert lesson.questions[0].answer.step == 1
    assert lesson.questions[1].predict == 2
    # the loaded lesson is the same as one written with numbers
    numbered = load_lesson(write(tmp_path, mutate("  - step: 1\n", "  - step: 4\n", MARKED), "n.yaml")).lesson
    assert lesson.narration == numbered.narration


def test_a_mark_follows_its_event_when_the_scenario_changes(tmp_path):
    text = marked("  - step: 1\n", "  - step: login\n")
    assert load_lesson(write(tmp_path, text)).lesson.narration[0].step == 3
    # a new first event adds two rows before it: the mark still names the login's first row
    text = mutate("  events:\n", "  events:\n    - request: GET /\n      as: phone\n", text)
    assert load_lesson(write(tmp_path, text, "b.yaml")).lesson.narration[0].step == 5


def test_unknown_mark_with_did_you_mean(tmp_path):
    text = marked("    steps: [1, 2]\n", "    steps: [1, logn]\n")
    p = only(problems(tmp_path, text))
    assert p.message == "unknown mark `logn`"
    assert p.hint == "did you mean `login`?"
    assert (p.line, p.col) == pos(text, "logn")


def test_unknown_mark_lists_the_marks(tmp_path):
    text = marked("    predict: 2\n", "    predict: zzz\n")
    p = only(problems(tmp_path, text))
    assert p.message == "unknown mark `zzz`"
    assert p.hint == "marks in this scenario: visit, login"
    assert (p.line, p.col) == pos(text, "zzz")


def test_unknown_mark_when_no_event_has_one(tmp_path):
    text = mutate("    answer: {step: 1, field: phase}", "    answer: {step: visit, field: phase}")
    p = only(problems(tmp_path, text))
    assert p.message == "unknown mark `visit`"
    assert p.hint.startswith("no event has a mark yet: add `mark: visit`")
    assert (p.line, p.col) == pos(text, "visit, field")


def test_mark_phase_that_the_event_has_no_row_of(tmp_path):
    text = marked("  - step: 1\n", "  - step: visit.rotate_session\n")
    p = only(problems(tmp_path, text))
    assert p.message == "mark `visit` names event 1 (`request: GET /`), which has no `rotate_session` row in the table"
    assert p.hint == "its rows: 1 receive, 2 create_session"
    assert (p.line, p.col) == pos(text, "visit.rotate_session")


def test_mark_with_an_unknown_phase(tmp_path):
    # (`rotate` alone is now as close to rotate_secret as to rotate_session: the typo names one)
    text = marked("  - step: 1\n", "  - step: login.rotate_sesion\n")
    p = only(problems(tmp_path, text))
    assert p.message == "unknown phase `rotate_sesion` in `login.rotate_sesion`"
    assert p.hint == "did you mean `rotate_session`?"
    assert (p.line, p.col) == pos(text, "login.rotate_sesion")


def test_mark_of_an_event_without_rows(tmp_path):
    text = marked(
        "    - login: alice\n      mark: login\n",
        "    - advance: 5m\n      mark: wait\n    - login: alice\n      mark: login\n",
    )
    text = mutate("    steps: [1, 2]\n", "    steps: [1, wait]\n", text)
    p = only(problems(tmp_path, text))
    assert p.message == "mark `wait` names event 2 (`advance: 5m`), which has no row in the table"
    assert (p.line, p.col) == pos(text, "wait]")


def test_duplicate_mark(tmp_path):
    text = marked("      mark: login\n", "      mark: visit\n")
    p = only(problems(tmp_path, text))
    assert p.message == "duplicate mark `visit` (also event 1)"
    line, col = pos(text, "mark: visit", 1)
    assert (p.line, p.col) == (line, col + len("mark: "))


def test_a_mark_must_be_a_name(tmp_path):
    text = marked("      mark: login\n", "      mark: Log in\n")
    p = only(problems(tmp_path, text))
    assert p.message.startswith("expected a mark: a lower-case letter")
    assert (p.line, p.col) == pos(text, "Log in")


def test_a_reference_must_be_a_number_or_a_mark(tmp_path):
    text = marked("    steps: [1, 2]\n", "    steps: [1, login!]\n")
    p = only(problems(tmp_path, text))
    assert p.message == "expected a step number, or a mark such as `login` or `login.set_cookie`; found `login!`"
    assert (p.line, p.col) == pos(text, "login!")


def test_at_reports_a_number_that_left_its_event(tmp_path):
    text = marked("  - step: 1\n", "  - step: 3\n    at: login\n")
    assert load_lesson(write(tmp_path, text)).lesson.narration[0].step == 3
    # an author adds a request before the login: row 3 is now the new request's, not the login's
    text = mutate("    - login: alice\n", "    - request: GET /dashboard\n    - login: alice\n", text)
    p = only(problems(tmp_path, text))
    assert p.message == (
        "step 3 is not a row of event 3 (`login: alice`), which `at: login` names: it is now a "
        "row of event 2 (`request: GET /dashboard`); the scenario changed since this was written"
    )
    assert "write `step: login` or `step: login.PHASE`" in p.hint
    assert (p.line, p.col) == pos(text, "3\n    at:")


def test_at_and_a_mark_step_must_agree(tmp_path):
    text = marked("  - step: 1\n", "  - step: visit\n    at: login\n")
    p = only(problems(tmp_path, text))
    assert p.message == "`visit` is not a row of event 2 (`login: alice`), which `at: login` names"
    assert (p.line, p.col) == pos(text, "visit\n    at")


def test_at_needs_a_step(tmp_path):
    text = marked("  - phase: create_session\n", "  - phase: create_session\n    at: visit\n")
    p = only(problems(tmp_path, text))
    assert p.message.startswith("`at` names the event a `step` was written for")
    assert (p.line, p.col) == pos(text, "visit\n    text")


def test_at_with_an_unknown_mark(tmp_path):
    text = marked("  - step: 1\n", "  - step: 1\n    at: vist\n")
    p = only(problems(tmp_path, text))
    assert (p.message, p.hint) == ("unknown mark `vist`", "did you mean `visit`?")
    assert (p.line, p.col) == pos(text, "vist")


def test_numbers_without_at_are_still_accepted(tmp_path):
    """Lessons written before marks existed keep passing unchanged."""
    assert load_lesson(write(tmp_path, TEXT)).lesson.narration[0].step == 1


def test_scenario_files_accept_marks_and_report_duplicates(tmp_path):
    ok = write(tmp_path, "events:\n  - request: GET /\n    mark: first\n  - logout\n", "s.yaml")
    assert load_scenario(ok).events[0].mark == "first"
    bad = "events:\n  - request: GET /\n    mark: first\n  - login: alice\n    mark: first\n"
    from tutor.lesson.loader import LoadError

    try:
        load_scenario(write(tmp_path, bad, "d.yaml"))
    except LoadError as exc:
        (p,) = exc.problems
        assert p.message == "duplicate mark `first` (also event 1)"
        assert (p.line, p.col) == pos(bad, "first", 1)
    else:
        raise AssertionError("a duplicate mark must be reported")


def test_end_names_the_final_row(tmp_path):
    text = marked(
        "  phases: [receive, create_session, rotate_session]\n",
        "  phases: [receive, create_session, rotate_session, end]\n",
    )
    text = mutate("    steps: [1, 2]\n", "    steps: [1, end]\n", text)
    assert load_lesson(write(tmp_path, text)).lesson.moments[0].steps == [1, 5]


def test_end_without_an_end_row(tmp_path):
    text = marked("    steps: [1, 2]\n", "    steps: [1, end]\n")
    p = only(problems(tmp_path, text))
    assert (p.message, p.hint) == (
        "`end` names the final `end` row, but the table has none",
        "add `end` to `table.phases`",
    )
    assert (p.line, p.col) == pos(text, "end]")


def test_end_is_not_an_event_mark(tmp_path):
    text = marked("      mark: login\n", "      mark: end\n")
    p = only(problems(tmp_path, text))
    assert p.message == "`end` is reserved: it names the final row of the table"
    line, col = pos(text, "mark: end")
    assert (p.line, p.col) == (line, col + len("mark: "))


def test_built_in_lessons_refer_to_steps_by_mark():
    """Every step reference of the course is a mark, so editing a scenario cannot silently shift it."""
    from pathlib import Path

    import yaml

    lessons = sorted((Path(__file__).resolve().parents[1] / "lessons").glob("*.yaml"))
    assert len(lessons) == 9
    for path in lessons:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        refs = [n.get("step") for n in data.get("narration", []) if "step" in n]
        refs += [r for m in data.get("moments", []) for r in m.get("steps", [])]
        for q in data.get("questions", []):
            refs += q.get("steps", []) + [q.get("predict"), (q.get("answer") or {}).get("step")]
        refs = [r for r in refs if r is not None]
        assert refs and all(isinstance(r, str) for r in refs), (path.name, [r for r in refs if not isinstance(r, str)])
        load_lesson(path)
