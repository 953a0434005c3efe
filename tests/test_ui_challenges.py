"""The Challenges mode: a challenge solved by keys, the verdict, hints, retry and progress."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import ComposeResult
from ui_support import sync

from tutor.lesson.loader import load_lesson
from tutor.progress import ProgressStore
from tutor.ui.recorder import RecordingApp

ROOT = Path(__file__).resolve().parents[1]


class ChallengeHost(RecordingApp):
    """The challenges view alone (it brings its own style sheets, tutor/ui/styles.py)."""

    def __init__(self, lesson: str, store=None) -> None:
        super().__init__()
        self.loaded = load_lesson(ROOT / "lessons" / f"{lesson}.yaml")
        self.recorder.store = store  # the view records through the app's recorder

    def compose(self) -> ComposeResult:
        from tutor.ui.widgets.challenge import ChallengesView

        yield ChallengesView(self.loaded, id="challenges-view")

    def on_mount(self) -> None:
        self.query_one("#ch-list").focus()


@pytest.fixture
def store(tmp_path):
    with ProgressStore.open(tmp_path / "progress.sqlite3") as s:
        yield s


def _text(app, selector: str) -> str:
    widget = app.screen.query_one(selector)
    content = widget.render()
    return getattr(content, "plain", str(content))


@sync
async def test_fixation_solved_by_keys_gets_a_verdict_and_is_saved(store):
    app = ChallengeHost("login-and-rotation", store)
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.query_one("#challenges-view")
        await pilot.press("enter")  # the first challenge: fixation
        await pilot.pause()
        playground = view.playground
        assert playground is not None and playground.challenge.id == "fixation"
        assert "Rotation is off" in _text(app, "#ch-brief")
        assert _text(app, "#ch-status") == "events 0 / par 3 · hints 0/2 · ★★★ possible · clock +0s"
        assert playground.setup_count == 1 and playground.browsers == ["browser", "attacker"]
        # only the allowed verbs have keys: no xss, tamper, logout, restart, no engine switches
        shown = {k.key for group in playground.keys.groups for k in group.keys}
        assert {"g", "d", "c", "l", "1", "plus", "b", "h", "r"} <= shown
        assert not shown & {"x", "m", "o", "R", "j", "O", "e", "k", "C"}
        await pilot.press("x", "o")  # not allowed: nothing is played
        await pilot.pause()
        assert playground.learner_events == []
        # the attacker plants his cookie in Alice's browser, she logs in, he opens the dashboard
        await pilot.press("b", "c", "b", "l", "b", "d")
        await pilot.pause()
        assert [e.as_ for e in playground.learner_events] == ["browser", "browser", "attacker"]
        assert playground.result.reached
        verdict = _text(app, "#ch-verdict")
        assert verdict.startswith("✓ Solved in 3 events (par 3) ★★★")
        step = playground.result.step
        assert f"Goal reached at step {step.step}: attacker · Send 200 OK: dashboard for alice" in verdict
        assert playground.table.step_at_cursor() is step  # the row that reached the goal is highlighted
        assert not app.query_one("#ch-status").display  # the verdict replaces the status line
        # the run is over: event keys do nothing more
        await pilot.press("g")
        await pilot.pause()
        assert len(playground.learner_events) == 3
    (run,) = store.challenge_runs("login-and-rotation")
    assert (run.challenge_id, run.solved, run.events, run.par, run.hints_used, run.stars) == (
        "fixation",
        True,
        3,
        3,
        0,
        3,
    )


@sync
async def test_hints_cost_stars_retry_starts_again_and_the_list_shows_the_best(store):
    app = ChallengeHost("login-and-rotation", store)
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.query_one("#challenges-view")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        assert "Hint 1: Whose session ID does the server keep" in _text(app, "#ch-brief")
        assert _text(app, "#ch-status") == "events 0 / par 3 · hints 1/2 · ★★☆ possible · clock +0s"
        await pilot.press("g")  # a wasted event
        await pilot.pause()
        first = view.playground
        assert len(first.learner_events) == 1
        assert _text(app, "#ch-status") == "events 1 / par 3 · hints 1/2 · ★★☆ possible · clock +0s · sessionId stored"
        await pilot.press("r")  # retry: a fresh run, setup played again, no hints taken
        await pilot.pause()
        second = view.playground
        assert second is not first and second.learner_events == [] and second.hints_used == 0
        assert "Hint 1" not in _text(app, "#ch-brief")
        await pilot.press("h", "b", "c", "b", "l", "b", "d")
        await pilot.pause()
        assert _text(app, "#ch-verdict").startswith("✓ Solved in 3 events (par 3) ★★☆  1 hint taken  · r retry")
        await pilot.press("escape")  # back to the list, with the best result
        await pilot.pause()
        assert view.playground is None and app.query_one("#ch-list").display
        first_line = app.query_one("#ch-list").get_option_at_index(0).prompt.plain
        assert first_line.startswith("✓ ★★☆  Fix Alice's session ID before she logs in")
        assert "best 3 events, 1 hint" in first_line
    assert [(r.stars, r.hints_used) for r in store.challenge_runs()] == [(2, 1)]  # the abandoned run is not saved


@sync
async def test_a_broken_never_fails_the_run(store):
    app = ChallengeHost("expiry", store)
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.query_one("#challenges-view")
        view.start("absolute-despite-activity")
        await pilot.pause()
        await pilot.press("3", "d")  # idle for 31 minutes: the session expires at +30m, which the goal rules out
        await pilot.pause()
        playground = view.playground
        assert playground.result.failed
        verdict = _text(app, "#ch-verdict")
        assert verdict.startswith("✗ The goal cannot be reached any more")
        assert "Ruled out at step" in verdict and "Expired at +30m: rejected" in verdict
        assert "Why: step " in verdict and "has what `never` rules out: `result: Expired at +30m: rejected`" in verdict
        assert app.query_one("#ch-verdict").has_class("-failed")
    (run,) = store.challenge_runs()
    assert (run.solved, run.stars, run.events) == (False, 0, 2)


# -- every built-in challenge can be solved with the playground's keys ---------------------------------

REQUEST_KEYS = {"GET /": "g", "GET /dashboard": "d", "GET /api/session": "a", "POST /transfer": "t"}
ADVANCE_KEYS = {"1m": "1", "10m": "2", "31m": "3", "1h": "4", "1d": "5"}


async def play_by_keys(pilot, playground, raw) -> None:
    """Press the keys that play ``raw`` (an event of a solution) in a challenge's playground."""
    from tutor.engine.scenario import event_verb, normalise_event
    from tutor.ui.widgets.playground import WRONG_PASSWORD

    event = normalise_event(raw)
    verb = event_verb(event)
    keys: list[str] = []
    if event.server is not None:  # several servers side by side: `v` picks the one the event goes to
        assert event.server in playground.run.server_names
        while playground.run.server != event.server:
            await pilot.press("v")
            await pilot.pause()
    if verb not in ("advance", "restart_server", "sign_out_everywhere", "rotate_secret"):
        actor = event.steal.from_ if verb == "steal" else event.as_
        assert actor in playground.browsers, f"{actor} has not appeared yet"
        while playground.browser != actor:
            await pilot.press("b")
            await pilot.pause()
        other = "attacker" if actor != "attacker" else "browser"
        if verb == "steal":
            assert event.steal.to == other and event.steal.cookie is None
        if verb == "xss":
            assert event.xss.to == other
    if verb in ("request", "login", "logout"):
        if playground.cross_site != event.cross_site:
            keys.append("s")
        if playground.scheme != event.scheme:
            keys.append("H")
        assert event.top_level, "no key sends a request that is not top-level"
    if verb == "request":
        keys.append(REQUEST_KEYS[event.request])
    elif verb == "login":
        while playground.user != event.login:
            await pilot.press("u")
            await pilot.pause()
        assert event.password in (None, WRONG_PASSWORD)
        keys.append("w" if event.password else "L" if event.remember else "l")
    elif verb == "sign_out_everywhere":
        while playground.user != event.sign_out_everywhere:
            await pilot.press("u")
            await pilot.pause()
        keys.append("E")
    elif verb == "rotate_secret":
        assert event.rotate_secret is None, "the N key rotates without keeping the old secret"
        keys.append("N")
    elif verb == "advance":
        if event.advance in ADVANCE_KEYS:
            keys.append(ADVANCE_KEYS[event.advance])
        else:
            keys += ["plus", *event.advance, "enter"]
    else:
        keys.append(
            {
                "logout": "o",
                "steal": "c",
                "xss": "x",
                "clear_cookies": "k",
                "restart_server": "R",
                "close_browser": "C",
            }[verb]
        )
    await pilot.press(*keys)
    await pilot.pause()


LESSONS = sorted(p.stem for p in (ROOT / "lessons").glob("*.yaml"))


@pytest.mark.parametrize("lesson", LESSONS)
@sync
async def test_every_built_in_challenge_is_solved_by_keys(lesson, store):
    app = ChallengeHost(lesson, store)
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.query_one("#challenges-view")
        for challenge in app.loaded.lesson.challenges:
            view.start(challenge.id)
            await pilot.pause()
            playground = view.playground
            for event in challenge.solution:
                assert not playground.finished, (challenge.id, "finished early")
                await play_by_keys(pilot, playground, event)
            assert len(playground.learner_events) == len(challenge.solution), challenge.id
            assert playground.result.reached, challenge.id
            assert _text(app, "#ch-verdict").startswith(f"✓ Solved in {len(challenge.solution)} event"), challenge.id
    assert {(r.challenge_id, r.stars) for r in store.challenge_runs(lesson)} == {
        (c.id, 3) for c in app.loaded.lesson.challenges
    }


@sync
async def test_in_the_app_the_mode_strip_leads_to_challenges_and_progress_shows_the_result(
    tmp_path, monkeypatch, capsys
):
    """The real lesson screen: `[` reaches Challenges (the last mode), a challenge solved by keys is
    saved, and `tutor progress` lists it."""
    from tutor.cli import main
    from tutor.ui.app import TutorApp

    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TUTOR_LESSONS", "")
    app = TutorApp(lesson=load_lesson(ROOT / "lessons" / "session-attacks.yaml"), cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("left_square_bracket")  # from the walkthrough back round to the last mode
        await pilot.pause()
        screen = app.screen
        assert screen.mode == "challenges"
        strip = screen.query_one("#mode-strip").render().plain
        assert strip.rstrip().endswith("Play Challenges")  # all nine modes fit at 80 columns
        view = screen.query_one("#challenges-view")
        await pilot.press("enter")  # csrf-unset-chromium: SameSite unset, alice has just signed in
        await pilot.pause()
        assert view.playground.challenge.id == "csrf-unset-chromium"
        await pilot.press("s", "t")  # cross-site on, POST /transfer
        await pilot.pause()
        assert view.playground.result.reached
        assert _text(app, "#ch-verdict").startswith("✓ Solved in 1 event (par 1) ★★★")
        await pilot.pause()
        assert app.store is not None
        (run,) = app.store.challenge_runs("session-attacks")
        assert (run.challenge_id, run.solved, run.events, run.stars) == ("csrf-unset-chromium", True, 1, 3)
    capsys.readouterr()
    assert main(["progress"]) == 0
    assert "  session-attacks/csrf-unset-chromium  ✓ ★★★  1 event (par 1), 0 hints, 1 run" in capsys.readouterr().out
