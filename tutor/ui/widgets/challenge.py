"""The lesson's Challenges mode: a list of the lesson's challenges with the best results, and a run of
one of them in a playground set up for it.

:class:`ChallengesView` is the mode's view. It lists the challenges (``Enter`` starts one); a run shows
the brief, the events used against par and the hints taken above a :class:`ChallengePlayground`: the
playground with the challenge's engine options and browser kinds, its ``setup`` already played, and
only the keys of the allowed verbs. After each event the goal is judged (:func:`tutor.engine.goals.evaluate`,
the same judgement `tutor check` uses); reaching it (or breaking a ``never``) ends the run with a verdict,
the row that decided it under the table's cursor, and the result saved to progress. ``h`` shows the next
hint (each costs a star), ``r`` starts the run again, ``Esc`` goes back to the list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tutor.engine.goals import GoalResult
from tutor.engine.scenario import BrowserOptions, EngineOptions, Event, event_verb, normalise_event
from tutor.engine.trace import Step
from tutor.lesson.challenges import MAX_STARS, ChallengeRun
from tutor.lesson.playground_run import PlaygroundRun
from tutor.lesson.visible import visible
from tutor.ui.recorder import Recorder, recorder_of
from tutor.ui.styles import Styled
from tutor.ui.text import literal
from tutor.ui.widgets.key_panel import KeyGroup, PanelKey
from tutor.ui.widgets.playground import PlaygroundView
from tutor.ui.widgets.playground_keys import KEY_GROUPS, with_server_key

if TYPE_CHECKING:
    from tutor.lesson.loader import LoadedLesson
    from tutor.lesson.model import Challenge, Lesson
    from tutor.progress import ChallengeRecord

#: Playground actions a challenge does not offer: they change the engine or leave the run.
OFF_IN_CHALLENGES = frozenset({"toggle_strategy", "options", "reset", "export", "next_kind"})
#: In a challenge `h` is the hint key, so http/https moves to `H`.
SCHEME_KEY = "H"
#: The playground action → the event verb it plays, from the keys' own verbs (the keys of other verbs
#: are hidden in a challenge).
ACTION_VERBS: dict[str, str] = {
    key.name: key.verb for group in KEY_GROUPS for key in group.keys if key.verb is not None
}


def star_text(count: int) -> str:
    return "★" * count + "☆" * (MAX_STARS - count)


def challenge_key_groups(allowed: list[str]) -> tuple[KeyGroup, ...]:
    """The playground's key groups with only the keys a challenge allows, then the challenge's own keys."""
    groups: list[KeyGroup] = []
    for group in KEY_GROUPS:
        keys: list[PanelKey] = []
        for key in group.keys:
            action = key.name
            if action in OFF_IN_CHALLENGES:
                continue
            if key.verb is not None and key.verb not in allowed:
                continue
            if action == "next_user" and "login" not in allowed and "sign_out_everywhere" not in allowed:
                continue
            if action == "toggle_cross_site" and "request" not in allowed:
                continue
            if action == "toggle_scheme":
                if "request" not in allowed and "login" not in allowed:
                    continue
                key = replace(key, key=SCHEME_KEY, display=None)
            keys.append(key)
        if keys:
            groups.append(KeyGroup(group.title, tuple(keys)))
    groups.append(
        KeyGroup(
            "challenge",
            (
                PanelKey("h", "hint", "Show the next hint (each costs a star)", "hint"),
                PanelKey("r", "retry", "Start this challenge again", "retry"),
                PanelKey("escape", "leave", "Back to the list of challenges", "list", "Esc"),
            ),
        )
    )
    return tuple(groups)


class ChallengePlayground(PlaygroundView):
    """The playground set up for one challenge: its engine, its browsers' kinds, its setup played, only
    the allowed verbs' keys; the goal is judged after each of the learner's events."""

    STYLES: ClassVar[tuple[str, ...]] = ("widgets/playground", "widgets/challenge")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("h", "hint", "Hint (costs a star)"),
        Binding("r", "retry", "Retry"),
        Binding(SCHEME_KEY, "toggle_scheme", "https/http", show=False),
    ]

    class Judged(Message):
        """The goal was judged after a learner's event (``result.state``: reached, pending, failed)."""

        def __init__(self, playground: ChallengePlayground, result: GoalResult) -> None:
            super().__init__()
            self.playground = playground
            self.result = result

    class HintTaken(Message):
        def __init__(self, number: int, text: str) -> None:
            super().__init__()
            self.number = number
            self.text = text

    class RetryRequested(Message):
        pass

    def __init__(self, lesson: Lesson, challenge: Challenge, **kw: Any) -> None:
        self.challenge_run = ChallengeRun(lesson, challenge)
        """The run: it plays the setup, judges the goal after each event and counts events, hints and stars."""
        super().__init__(self.challenge_run.options, kinds=self.challenge_run.browsers, **kw)
        self.challenge = challenge
        self.key_groups = challenge_key_groups(list(challenge.allowed))
        if self.run.server_names:  # several servers side by side: `v` picks the one an event goes to
            self.key_groups = with_server_key(self.key_groups)
        self.setup_count = len(challenge.setup)

    @property
    def learner_events(self) -> list[Event]:
        return self.challenge_run.events

    @property
    def result(self) -> GoalResult:
        return self.challenge_run.result

    @property
    def hints_used(self) -> int:
        return self.challenge_run.hints_used

    @property
    def finished(self) -> bool:
        return self.challenge_run.finished

    def _new_run(
        self, options: EngineOptions | None, kinds: Mapping[str, str | BrowserOptions] | None
    ) -> PlaygroundRun:
        """The playground's run plays through the challenge's run (one engine: its ``sim``)."""
        setup = [normalise_event(event) for event in self.challenge_run.challenge.setup]
        return PlaygroundRun(options, kinds, player=self.challenge_run, setup=setup)

    def on_mount(self) -> None:
        self.call_later(self._show_setup)

    def _show_setup(self) -> None:
        """Show the steps of the setup the run has played."""
        self._show_steps()
        self._show_status("setup played: your turn" if self.setup_count else "your turn", alone=True)
        self.refresh_bindings()
        self.post_message(self.Judged(self, self.result))  # the view's status line shows the setup's clock

    def play(self, event: Event) -> list[Step]:
        if self.finished:
            self.notify("this run is over: r starts it again", severity="warning", markup=False)
            return []
        verb = event_verb(event)
        if not self.challenge_run.allows(verb):
            self.notify(visible(f"{verb} is not allowed in this challenge"), severity="warning", markup=False)
            return []
        new = super().play(event)
        if new:
            if self.finished:
                self._mark(self.challenge_run.deciding_step)
                self.refresh_bindings()
                if self.is_mounted:
                    self.keys.refresh()
            self.post_message(self.Judged(self, self.result))
        return new

    def _mark(self, step: Step | None) -> None:
        """Put the table's cursor on the row that decided the run."""
        if step is None:
            return
        for index, shown in enumerate(self.steps):
            if shown is step or shown.step == step.step:
                self.table._move_cursor(index)
                return

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        verb = ACTION_VERBS.get(action)
        if verb is not None:
            return verb in self.challenge.allowed and not self.finished
        if action in OFF_IN_CHALLENGES:
            return False
        if action == "hint":
            return not self.finished and self.hints_used < len(self.challenge.hints)
        if action in ("retry", "leave"):
            return True
        return super().check_action(action, parameters)

    def action_hint(self) -> None:
        if self.finished:
            return
        hint = self.challenge_run.hint()
        if hint is None:
            return
        self.post_message(self.HintTaken(self.hints_used, hint))
        self.refresh_bindings()

    def action_retry(self) -> None:
        self.post_message(self.RetryRequested())

    def action_leave(self) -> None:
        view = next((a for a in self.ancestors if isinstance(a, ChallengesView)), None)
        if view is not None:
            view.show_list()


class ChallengesView(Styled, Widget):
    """The Challenges mode: the list, and one run at a time."""

    STYLES: ClassVar[tuple[str, ...]] = ("widgets/playground", "widgets/challenge")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start_highlighted", "Start"),
        Binding("escape", "leave", "Challenges"),
    ]

    def __init__(self, loaded: LoadedLesson, recorder: Recorder | None = None, **kw: Any) -> None:
        super().__init__(**kw)
        self.loaded = loaded
        self._recorder = recorder
        self._verdict_of: ChallengePlayground | None = None
        self.challenge: Challenge | None = None
        self.hints: list[str] = []
        self.recorded: ChallengeRecord | None = None
        self._serial = 0

    @property
    def lesson(self) -> Lesson:
        return self.loaded.lesson

    @property
    def recorder(self) -> Recorder:
        """Where results are recorded and the best ones read: the app's recorder unless one was given."""
        return self._recorder if self._recorder is not None else recorder_of(self)

    @property
    def playground(self) -> ChallengePlayground | None:
        found = self.query(ChallengePlayground)
        return found.first() if found else None

    def compose(self) -> ComposeResult:
        with Vertical(id="ch-list-pane"):
            yield Static(self._list_intro(), id="ch-intro")
            yield OptionList(*self._options(), id="ch-list")
        with Vertical(id="ch-run"):
            yield Static("", id="ch-brief")
            yield Static("", id="ch-status")
            yield Static("", id="ch-verdict")

    def on_mount(self) -> None:
        self.query_one("#ch-run").display = False
        self.query_one("#ch-verdict").display = False

    # -- the list -----------------------------------------------------------------------------
    def _list_intro(self) -> Text:
        n = len(self.lesson.challenges)
        if not n:
            return literal("This lesson has no challenges.")
        return literal(
            f"{n} challenge{'s' if n != 1 else ''}: reach the goal by playing events, in as few as "
            "par. Enter starts one; h shows a hint (it costs a star); r retries."
        )

    def _best(self) -> dict[str, ChallengeRecord]:
        return self.recorder.best_challenges(self.lesson.id)

    def _options(self) -> list[Option]:
        best = self._best()
        options = []
        for challenge in self.lesson.challenges:
            record = best.get(challenge.id)
            line = Text(no_wrap=True, overflow="ellipsis", end="")
            if record is not None and record.solved:
                line.append(f"✓ {star_text(record.stars)}  ", style="bold")
            elif record is not None:
                line.append(f"✗ {star_text(0)}  ")
            else:
                line.append(f"  {star_text(0)}  ", style="dim")
            line.append_text(literal(challenge.title))
            detail = f"  par {challenge.par}"
            if record is not None and record.solved:
                detail += f" · best {record.events} event{'s' if record.events != 1 else ''}"
                if record.hints_used:
                    detail += f", {record.hints_used} hint{'s' if record.hints_used != 1 else ''}"
            line.append(detail, style="dim")
            brief = literal(challenge.brief)
            brief.stylize("dim")
            prompt = Text("\n", end="").join([line, brief])
            options.append(Option(prompt, id=challenge.id))
        return options

    def refresh_list(self) -> None:
        option_list = self.query_one("#ch-list", OptionList)
        highlighted = option_list.highlighted
        option_list.clear_options()
        option_list.add_options(self._options())
        if highlighted is not None and option_list.option_count:
            option_list.highlighted = min(highlighted, option_list.option_count - 1)

    @on(OptionList.OptionSelected, "#ch-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.start(str(event.option.id))

    def show_list(self) -> None:
        """Back to the list (a run in progress is left as it is: it is not recorded)."""
        for old in self.query(ChallengePlayground):
            old.remove()
        self.challenge = None
        self.refresh_list()
        self.query_one("#ch-run").display = False
        self.query_one("#ch-list-pane").display = True
        self.query_one("#ch-list", OptionList).focus()

    # -- a run --------------------------------------------------------------------------------
    def start(self, challenge_id: str) -> ChallengePlayground:
        """Start (or start again) the challenge with this id."""
        challenge = next(c for c in self.lesson.challenges if c.id == challenge_id)
        for old in self.query(ChallengePlayground):
            old.remove()
        self.challenge = challenge
        self.hints = []
        self.recorded = None
        self._serial += 1
        playground = ChallengePlayground(self.lesson, challenge, id=f"ch-playground-{self._serial}")
        self.query_one("#ch-list-pane").display = False
        run = self.query_one("#ch-run")
        run.display = True
        self.query_one("#ch-verdict").display = False
        self.query_one("#ch-status").display = True
        run.mount(playground)
        self._show_brief()
        self._show_status(playground)
        self.call_after_refresh(playground.focus)
        return playground

    def _show_brief(self) -> None:
        challenge = self.challenge
        if challenge is None:
            return
        text = Text(end="")
        text.append_text(literal(challenge.title))
        text.stylize("bold")
        text.append(" — ")
        text.append_text(literal(challenge.brief))
        for number, hint in enumerate(self.hints, 1):
            text.append(f"\nHint {number}: ", style="bold")
            text.append_text(literal(hint))
        self.query_one("#ch-brief", Static).update(text)

    def _show_status(self, playground: ChallengePlayground) -> None:
        run = playground.challenge_run
        used = len(run.events)
        parts = [f"events {used} / par {run.par}"]
        if run.challenge.hints:
            parts.append(f"hints {run.hints_used}/{len(run.challenge.hints)}")
        if not run.finished:  # the best a solve with the next event could still earn
            parts.append(f"{star_text(run.possible_stars())} possible")
        if playground.steps:
            last = playground.steps[-1]
            parts.append(f"clock {last.variables.get('clock')}")
            if used:
                parts.append(last.result)
        self.query_one("#ch-status", Static).update(literal(" · ".join(parts)))

    @on(ChallengePlayground.Judged)
    def _judged(self, event: ChallengePlayground.Judged) -> None:
        event.stop()
        playground = event.playground
        if playground is not self.playground:  # a run left for a retry or the list
            return
        self._show_status(playground)
        if playground.finished and self._verdict_of is not playground:
            self._verdict_of = playground
            self._finish(playground)

    @on(ChallengePlayground.HintTaken)
    def _hint_taken(self, event: ChallengePlayground.HintTaken) -> None:
        event.stop()
        self.hints.append(event.text)
        self._show_brief()
        if self.playground is not None:
            self._show_status(self.playground)

    @on(ChallengePlayground.RetryRequested)
    def _retry(self, event: ChallengePlayground.RetryRequested) -> None:
        event.stop()
        if self.challenge is not None:
            self.start(self.challenge.id)

    def _finish(self, playground: ChallengePlayground) -> None:
        run = playground.challenge_run
        outcome = run.outcome()
        solved, used, earned = outcome.solved, outcome.events, outcome.stars
        self.recorded = self.recorder.challenge(self.lesson.id, outcome)  # a failure is the recorder's to say
        verdict = Text(end="")
        if solved:
            verdict.append(f"✓ Solved in {used} event{'s' if used != 1 else ''} (par {outcome.par}) ", style="bold")
            verdict.append(star_text(earned), style="bold")
            if outcome.hints_used:
                verdict.append(f"  {outcome.hints_used} hint{'s' if outcome.hints_used != 1 else ''} taken")
        else:
            verdict.append("✗ The goal cannot be reached any more: a step it rules out happened", style="bold")
        verdict.append("  · r retry · Esc challenges", style="dim")
        step = run.deciding_step
        if step is not None:
            verdict.append(f"\n{'Goal reached' if solved else 'Ruled out'} at step {step.step}: ")
            verdict.append_text(literal(f"{step.actor} · {step.summary()}"))
        if not solved:  # what the goal expected, and what the run had instead
            verdict.append("\nWhy: ", style="bold")
            verdict.append_text(literal(run.explain()))
        widget = self.query_one("#ch-verdict", Static)
        widget.update(verdict)
        widget.set_class(solved, "-solved")
        widget.set_class(not solved, "-failed")
        widget.display = True
        self.query_one("#ch-status").display = False  # the verdict says it all

    def action_leave(self) -> None:
        if self.challenge is not None:
            self.show_list()
        else:
            self.screen.action_back()  # type: ignore[attr-defined]

    def action_start_highlighted(self) -> None:
        """(The list's own Enter starts the highlighted challenge; this binding names the key.)"""
        option_list = self.query_one("#ch-list", OptionList)
        if option_list.highlighted is not None:
            self.start(str(option_list.get_option_at_index(option_list.highlighted).id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "start_highlighted":
            return self.challenge is None and bool(self.lesson.challenges)
        if action == "leave":  # in the list, Escape is the screen's (back to the picker)
            return self.challenge is not None
        return True


__all__ = ["ACTION_VERBS", "ChallengePlayground", "ChallengesView", "challenge_key_groups", "star_text"]
