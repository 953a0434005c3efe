"""The app's challenge mode is driven by :class:`tutor.lesson.challenges.ChallengeRun` (the loop `tutor
check` plays solutions through): its events, stars, par and deciding row are what the screen shows and
progress keeps; the panel's keys carry the verb they play."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from ui_support import sync

from tutor.lesson.loader import load_lesson
from tutor.progress import ProgressStore
from tutor.ui.recorder import RecordingApp
from tutor.ui.widgets.challenge import ChallengesView, challenge_key_groups, star_text
from tutor.ui.widgets.playground_keys import KEY_GROUPS

ROOT = Path(__file__).resolve().parents[1]


class Host(RecordingApp):
    """The challenges view alone (it brings its own style sheets, tutor/ui/styles.py)."""

    def __init__(self, lesson: str, store) -> None:
        super().__init__()
        self.loaded = load_lesson(ROOT / "lessons" / f"{lesson}.yaml")
        self.recorder.store = store  # the view records through the app's recorder

    def compose(self) -> ComposeResult:
        yield ChallengesView(self.loaded, id="challenges-view")


@sync
async def test_a_win_in_the_app_is_the_runs_win(tmp_path):
    with ProgressStore.open(tmp_path / "progress.sqlite3") as store:
        app = Host("login-and-rotation", store)
        async with app.run_test(size=(120, 40)) as pilot:
            view = app.query_one(ChallengesView)
            view.start("fixation")
            await pilot.pause()
            playground = view.playground
            run = playground.challenge_run
            assert playground.sim is run.sim  # one engine: the run's
            assert len(playground.steps) == run.setup_steps > 0  # the setup shown is the run's setup
            await pilot.press("h", "b", "c", "b", "l", "b", "d")
            await pilot.pause()
            # the events went through the run: it counted them, took the hint and decided the game
            assert [e.as_ for e in run.events] == ["browser", "browser", "attacker"]
            assert run.finished and run.result.reached and run.hints_used == 1
            outcome = run.outcome()
            assert (outcome.solved, outcome.events, outcome.par, outcome.hints_used, outcome.stars) == (
                True,
                3,
                3,
                1,
                2,
            )
            verdict = app.query_one("#ch-verdict").render().plain
            assert verdict.startswith(f"✓ Solved in 3 events (par {run.par}) {star_text(run.stars())}")
            assert f"at step {run.deciding_step.step}:" in verdict
            assert playground.table.step_at_cursor() is run.deciding_step
        (saved,) = store.challenge_runs("login-and-rotation")
        assert (saved.challenge_id, saved.solved, saved.events, saved.par, saved.hints_used, saved.stars) == (
            outcome.challenge_id,
            outcome.solved,
            outcome.events,
            outcome.par,
            outcome.hints_used,
            outcome.stars,
        )


def test_a_challenge_keeps_the_keys_of_its_allowed_verbs():
    every = [key for group in KEY_GROUPS for key in group.keys]
    assert {key.verb for key in every if key.name == "request"} == {"request"}
    assert {key.verb for key in every if key.name in ("advance", "advance_by")} == {"advance"}
    kept = [key for group in challenge_key_groups(["advance"]) for key in group.keys]
    assert {key.key for key in kept if key.verb is not None} == {"1", "2", "3", "4", "5", "plus"}
    assert not {key.name for key in kept} & {"request", "login", "steal", "next_user", "toggle_cross_site"}
    # http/https moves to H (h is the hint key) only when a request or a log-in can use it
    assert "toggle_scheme" not in {key.name for key in kept}
    both = {key.name: key.key for group in challenge_key_groups(["request"]) for key in group.keys}
    assert both["toggle_scheme"] == "H" and both["hint"] == "h"


# -- one recorder, one error policy ----------------------------------------------------------------------


def _read_only_store(tmp_path):
    path = tmp_path / "progress.sqlite3"
    with ProgressStore.open(path) as store:
        store.record_step("login-and-rotation", 1)
    return ProgressStore.open(path, readonly=True)


def _notices(app) -> list[str]:
    return [n.message for n in app._notifications]


@sync
async def test_a_read_only_file_gives_the_same_notice_from_a_quiz_answer_and_a_challenge_win(tmp_path):
    from quiz_host import QuizHost

    quiz_store = _read_only_store(tmp_path / "a" if (tmp_path / "a").mkdir() is None else tmp_path)
    quiz = QuizHost("practice", store=quiz_store)
    async with quiz.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "enter")
        await pilot.pause()
        from_quiz = _notices(quiz)
    challenge_store = _read_only_store(tmp_path / "b" if (tmp_path / "b").mkdir() is None else tmp_path)
    app = Host("login-and-rotation", challenge_store)
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one(ChallengesView).start("fixation")
        await pilot.pause()
        await pilot.press("b", "c", "b", "l", "b", "d")
        await pilot.pause()
        assert app.query_one(ChallengesView).playground.challenge_run.result.reached
        from_challenge = _notices(app)
    # one line, the same words from both (only the file's path differs), said once
    assert len(from_quiz) == len(from_challenge) == 1
    assert from_quiz[0].startswith("Progress is no longer saved: progress file ")
    assert from_quiz[0].replace(str(tmp_path / "a"), "") == from_challenge[0].replace(str(tmp_path / "b"), "")
    assert "\n" not in from_quiz[0]
