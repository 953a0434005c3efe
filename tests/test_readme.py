"""The README's examples are real: its scenario simulates and its lesson passes `tutor check`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tutor.engine import run_scenario
from tutor.lesson.loader import load_lesson, load_scenario

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```yaml\n(.*?)```", README, re.S)


def _kind(block: str) -> str:
    if re.search(r"^id:", block, re.M):
        return "lesson"
    return "challenges" if block.startswith("challenges:") else "scenario"


@pytest.mark.parametrize("n", range(len(BLOCKS)))
def test_every_yaml_block_of_the_readme_loads(tmp_path, n):
    """Each YAML example is a lesson that passes `tutor check`, a scenario that simulates, or a
    `challenges:` fragment that passes added to the lesson before it: no block escapes being checked."""
    block = BLOCKS[n]
    kind = _kind(block)
    path = tmp_path / f"block-{n}.yaml"
    if kind == "challenges":
        lesson = next(b for b in reversed(BLOCKS[:n]) if _kind(b) == "lesson")
        path.write_text(lesson + block, encoding="utf-8")
        assert load_lesson(path).lesson.challenges
    elif kind == "lesson":
        path.write_text(block, encoding="utf-8")
        assert load_lesson(path).steps
    else:
        path.write_text(block, encoding="utf-8")
        assert len(run_scenario(load_scenario(path))) > 1


def test_readme_has_scenarios_a_lesson_and_challenges():
    kinds = [_kind(b) for b in BLOCKS]
    assert kinds.count("scenario") >= 2 and "lesson" in kinds and "challenges" in kinds


def test_readme_scenario_shows_a_copied_jwt_surviving_logout(tmp_path):
    path = tmp_path / "theft.yaml"
    path.write_text(BLOCKS[0], encoding="utf-8")
    trace = run_scenario(load_scenario(path))
    attacker = [s for s in trace if s.actor == "attacker" and s.phase == "send_response"]
    # after alice's logout the copy still opens the dashboard; after expiry it is refused
    assert attacker[0].result.startswith("200") and attacker[0].user == "alice"
    assert attacker[-1].result.startswith("307") and attacker[-1].user is None


def test_readme_revocation_scenario_revokes_the_copy_and_then_everyone(tmp_path):
    path = tmp_path / "revoke.yaml"
    path.write_text(BLOCKS[2], encoding="utf-8")
    trace = run_scenario(load_scenario(path))
    refused = [s.result for s in trace if s.phase == "validate"]
    assert refused == ["Signature OK; Token version 0 but alice is at 1: revoked"]
    assert [s.variables["secrets"] for s in trace if s.phase == "rotate_secret"] == [["secret 2"]]


def test_readme_servers_scenario_runs_two_servers_side_by_side(tmp_path):
    path = tmp_path / "servers.yaml"
    path.write_text(BLOCKS[3], encoding="utf-8")
    trace = run_scenario(load_scenario(path))
    sent = [(s.variables["server"], s.variables["status"]) for s in trace if s.phase == "send_response"]
    assert sent[-2:] == [("db", 307), ("jwt", 200)]  # the row is gone; the token lives on


def test_readme_lesson_passes_check(tmp_path):
    path = tmp_path / "first-visit.yaml"
    path.write_text(BLOCKS[4], encoding="utf-8")
    loaded = load_lesson(path)
    assert loaded.lesson.id == "first-visit"
    assert len(loaded.steps) == 4


def test_readme_browsers_scenario_compares_remember_me_and_browser_kinds(tmp_path):
    path = tmp_path / "browsers.yaml"
    path.write_text(BLOCKS[1], encoding="utf-8")
    trace = run_scenario(load_scenario(path))
    status = {s.event: s.variables["status"] for s in trace if s.phase == "send_response"}
    assert (status[5], status[6]) == (307, 200)  # closed without / with "remember me"
    assert (status[9], status[10]) == (401, 200)  # SameSite unset cross-site POST: chromium / firefox
    closed = [s.result for s in trace if s.phase == "close_browser"]
    assert closed == [
        "1 session cookie dropped, 0 persistent cookies kept",
        "0 session cookies dropped, 1 persistent cookie kept",
    ]


def test_readme_challenge_passes_check_and_its_solution_wins(tmp_path):
    """The Challenges section's YAML, added to the README's lesson: `tutor check` plays its solution."""
    from tutor.lesson.challenges import ChallengeRun

    path = tmp_path / "first-visit.yaml"
    path.write_text(BLOCKS[4] + BLOCKS[5], encoding="utf-8")
    lesson = load_lesson(path).lesson
    (challenge,) = lesson.challenges
    assert challenge.id == "fixation"
    with ChallengeRun(lesson, challenge) as run:
        for event in challenge.solution:
            run.play(event)
        assert run.result.reached and run.stars() == 3


def test_ci_runs_exactly_the_readmes_test_command():
    """The README starts a new user in two commands; .ci/run's last line is the second one, unchanged."""
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    test_command = next(b for b in blocks if "pytest" in b)
    ci = Path(__file__).resolve().parents[1] / ".ci" / "run"
    ci_lines = [
        line
        for line in ci.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert ci_lines[-1] == test_command
