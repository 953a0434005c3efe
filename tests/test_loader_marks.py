"""Step references that survive edits: `mark: NAME` on a scenario event, `NAME` / `NAME.phase` wherever a
lesson names a step, and `at: NAME` on narration. What they resolve to; every problem they can have, with
its exact position, is in the bad-input table (`tests/loader_error_cases.py`, the `mark-`/`at-`/`end-` cases)."""

from __future__ import annotations

from loader_error_cases import MARKED
from test_loader_helpers import TEXT, mutate, write

from tutor.lesson.loader import load_lesson, load_scenario

# MARKED: the fixture with `mark: visit` (event 1) and `mark: login` (event 2); its table: 1 receive (GET /),
# 2 create_session, 3 receive (POST /login), 4 rotate_session.


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


def test_at_accepts_a_number_of_its_event(tmp_path):
    # when a request is added before the login, the same lines are refused (`at-a-number-that-left-its-event`)
    text = marked("  - step: 1\n", "  - step: 3\n    at: login\n")
    assert load_lesson(write(tmp_path, text)).lesson.narration[0].step == 3


def test_numbers_without_at_are_still_accepted(tmp_path):
    """Lessons written before marks existed keep passing unchanged."""
    assert load_lesson(write(tmp_path, TEXT)).lesson.narration[0].step == 1


def test_scenario_files_accept_marks(tmp_path):
    # a mark used twice: `event-duplicate-mark-in-a-scenario`
    ok = write(tmp_path, "events:\n  - request: GET /\n    mark: first\n  - logout\n", "s.yaml")
    assert load_scenario(ok).events[0].mark == "first"


def test_end_names_the_final_row(tmp_path):
    text = marked(
        "  phases: [receive, create_session, rotate_session]\n",
        "  phases: [receive, create_session, rotate_session, end]\n",
    )
    text = mutate("    steps: [1, 2]\n", "    steps: [1, end]\n", text)
    assert load_lesson(write(tmp_path, text)).lesson.moments[0].steps == [1, 5]


def test_built_in_lessons_refer_to_steps_by_mark():
    """Every step reference of the course is a mark, so editing a scenario cannot silently shift it."""
    from pathlib import Path

    import yaml

    lessons = sorted((Path(__file__).resolve().parents[1] / "lessons").glob("*.yaml"))
    assert len(lessons) == 10
    for path in lessons:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        refs = [n.get("step") for n in data.get("narration", []) if "step" in n]
        refs += [r for m in data.get("moments", []) for r in m.get("steps", [])]
        for q in data.get("questions", []):
            refs += q.get("steps", []) + [q.get("predict"), (q.get("answer") or {}).get("step")]
        refs = [r for r in refs if r is not None]
        assert refs and all(isinstance(r, str) for r in refs), (path.name, [r for r in refs if not isinstance(r, str)])
        load_lesson(path)
