"""Challenges: a lesson's puzzles, played on the lesson's engine (see `challenges:` in the lesson format).

A challenge runs on the lesson's engine options with its own overrides (:func:`challenge_options`) and
browser kinds (:func:`challenge_browsers`); :class:`ChallengeRun` plays its `setup` and then the
learner's events one at a time, judging the goal after each (:mod:`tutor.engine.goals`), and
:func:`stars` scores a solved run. :func:`check_challenges` is what `tutor check` runs: it plays every
`solution` through the engine and reports, at the exact node, a solution that does not reach its goal,
a goal that `setup` alone reaches, a `par` longer than the solution and a verb that is not `allowed`.

Pure: no UI; the app's challenge mode drives a :class:`ChallengeRun`-like loop over its playground.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import msgspec
from msgspec import UNSET

from tutor.engine.goals import GOAL_KINDS, Goal, GoalResult, evaluate, explain, goal_kinds, goal_part
from tutor.engine.scenario import (
    DEFAULT_BROWSER,
    BrowserOptions,
    EngineOptions,
    Event,
    Scenario,
    event_verb,
    named_browsers,
    normalise_event,
)
from tutor.engine.trace import BROWSER_VARIABLE_PREFIXES, STEP_FIELDS, Step

if TYPE_CHECKING:
    from tutor.lesson.model import Challenge, EngineOverrides, Lesson
    from tutor.lesson.reporter import NodePath, Reporter

#: Variables named per browser (``jar.attacker``); a goal may name them for any browser.
BROWSER_PREFIXES: tuple[str, ...] = BROWSER_VARIABLE_PREFIXES

#: Stars for a solved challenge: 3 within par, 2 within twice par, else 1; each hint costs one, but a
#: solved challenge keeps at least one.
MAX_STARS = 3


def stars(events: int, par: int, hints: int) -> int:
    """The stars a solved run earns (0 is never returned: solving is worth at least one)."""
    base = 3 if events <= par else 2 if events <= 2 * par else 1
    return max(1, base - max(0, hints))


def challenge_options(base: EngineOptions, over: EngineOverrides) -> EngineOptions:
    """``base`` with every option ``over`` gives replaced (cookie attributes one by one)."""
    changes: dict[str, Any] = {}
    for name in over.__struct_fields__:
        value = getattr(over, name)
        if value is UNSET:
            continue
        if name == "cookie":
            cookie = {k: getattr(value, k) for k in value.__struct_fields__ if getattr(value, k) is not UNSET}
            changes["cookie"] = msgspec.structs.replace(base.cookie, **cookie)
        else:
            changes[name] = value
    return msgspec.structs.replace(base, **changes) if changes else base


def challenge_browsers(lesson: Lesson, challenge: Challenge) -> dict[str, BrowserOptions]:
    """Browser name → its declaration (kind, third-party policy): the lesson scenario's, then the
    challenge's own."""
    return {**lesson.scenario.browsers, **challenge.browsers}


def verb_of(event: str | Event) -> str:
    return event_verb(normalise_event(event))


def event_text(event: str | Event) -> str:
    """An event in words close to its YAML: ``request: GET /dashboard (as attacker, cross-site)``."""
    event = normalise_event(event)
    verb = event_verb(event)
    value = getattr(event, verb)
    if value is None or isinstance(value, str):
        text = verb if value is None else f"{verb}: {value}"
    elif isinstance(value, list):  # set_cookie: a list of headers
        text = f"{verb}: {flow(value)}"
    else:
        text = f"{verb}: {flow({k: v for k, v in msgspec.to_builtins(value).items() if v is not None})}"
    extra = []
    if event.server is not None:
        extra.append(f"to server {event.server}")
    if event.as_ != DEFAULT_BROWSER:
        extra.append(f"as {event.as_}")
    if event.cross_site:
        extra.append("cross-site")
    if not event.top_level:
        extra.append("not top-level")
    if event.scheme != "https":
        extra.append(f"over {event.scheme}")
    if event.remember:
        extra.append("remember me")
    if event.password is not None:
        extra.append(f"password {event.password}")
    if event.answers is not None:
        extra.append(f"answers {event.answers}")
    if event.status is not None:
        extra.append(f"status {event.status}")
    return text + (f" ({', '.join(extra)})" if extra else "")


def flow(value: Any) -> str:
    """A value in YAML's flow style: ``{actor: attacker, status: 200}``, ``[a, b]``; text that YAML would
    read otherwise is quoted."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        plain = value and not re.search(r"^[\s\-?:,\[\]{}#&*!|>'\"%@`]|: |\s#|[,\[\]{}]|\s$", value)
        if (
            plain
            and value.lower() not in ("null", "true", "false", "yes", "no", "on", "off", "~")
            and not re.fullmatch(r"[-+]?[0-9][0-9_.:]*", value)
        ):
            return value
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


def goal_text(goal: Goal) -> str:
    """The goal as it is written: ``{step: {actor: attacker, status: 200}}``."""
    return flow(msgspec.to_builtins(goal))


@dataclass(frozen=True)
class ChallengeOutcome:
    """The result of one finished run of a challenge, as progress records it."""

    challenge_id: str
    solved: bool
    events: int
    par: int
    hints_used: int
    stars: int


class ChallengeRun:
    """One attempt at a challenge: the setup is played at once; :meth:`play` plays a learner's event
    (a verb outside ``allowed`` raises :class:`ValueError`) and judges the goal again."""

    def __init__(self, lesson: Lesson, challenge: Challenge) -> None:
        from tutor.engine.simulation import Simulation

        self.challenge = challenge
        self.options = challenge_options(lesson.scenario.engine, challenge.engine)
        self.browsers = challenge_browsers(lesson, challenge)
        self.sim = Simulation(self.options, self.browsers, servers=lesson.scenario.servers or None)
        self.events: list[Event] = []
        """The learner's events (not the setup)."""
        self.hints_used = 0
        try:
            for event in challenge.setup:
                self.sim.play(event)
        except BaseException:
            self.sim.close()
            raise
        self.setup_steps = len(self.sim.trace)
        self.result: GoalResult = evaluate(challenge.goal, self.sim.trace)
        self.after_setup: GoalResult = self.result
        """The judgement before the learner's first event (reached or failed here: the setup decided it)."""

    @property
    def steps(self) -> Sequence[Step]:
        return self.sim.trace

    @property
    def finished(self) -> bool:
        return self.result.state != "pending"

    def allows(self, verb: str) -> bool:
        return verb in self.challenge.allowed

    def play(self, event: str | Event) -> list[Step]:
        verb = verb_of(event)
        if not self.allows(verb):
            raise ValueError(
                f"`{verb}` is not allowed in this challenge (allowed: {', '.join(self.challenge.allowed)})"
            )
        if self.finished:
            raise ValueError("this run is over: retry to play again")
        new = self.sim.play(event)
        self.events.append(normalise_event(event))
        self.result = evaluate(self.challenge.goal, self.sim.trace)
        return new

    def hint(self) -> str | None:
        """The next hint (each one taken counts), or ``None`` when there are no more."""
        if self.hints_used >= len(self.challenge.hints):
            return None
        self.hints_used += 1
        return self.challenge.hints[self.hints_used - 1]

    def explain(self) -> str:
        """Why the goal is not reached yet (or can no longer be): what it expects, what the run has."""
        return explain(self.challenge.goal, self.sim.trace)

    @property
    def par(self) -> int:
        return self.challenge.par

    @property
    def deciding_step(self) -> Step | None:
        """The row that decided the run (the goal reached, or a ``never`` broken); ``None`` while pending."""
        return self.result.step if self.finished else None

    def stars(self) -> int:
        """Stars earned: 0 unless solved."""
        if not self.result.reached:
            return 0
        return stars(len(self.events), self.challenge.par, self.hints_used)

    def possible_stars(self) -> int:
        """The stars a solve with the next event would still earn."""
        return stars(len(self.events) + 1, self.challenge.par, self.hints_used)

    def outcome(self) -> ChallengeOutcome:
        """What a finished run records in progress."""
        return ChallengeOutcome(
            self.challenge.id,
            solved=self.result.reached,
            events=len(self.events),
            par=self.challenge.par,
            hints_used=self.hints_used,
            stars=self.stars(),
        )

    def close(self) -> None:
        self.sim.close()

    def __enter__(self) -> ChallengeRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- checking (tutor check) ---------------------------------------------------------------------------


@dataclass
class _Where:
    """Paths of one challenge's parts, for messages at the right node."""

    base: NodePath
    setup: int
    names: set[str] = field(default_factory=set)

    def event(self, index: int) -> NodePath:
        """The path of event ``index`` of setup + solution."""
        if index < self.setup:
            return self.base + ("setup", index)
        return self.base + ("solution", index - self.setup)


def _step_text(step: Step) -> str:
    return f"step {step.step} ({step.actor}: {step.summary()})"


def _walk_goals(goal: Goal, path: NodePath) -> Iterator[tuple[Goal, NodePath]]:
    yield goal, path
    for kind in ("all", "any", "in_order"):
        parts = goal_part(goal, kind)
        if parts is not UNSET:
            for i, sub in enumerate(parts):
                yield from _walk_goals(sub, path + (kind, i))


def check_challenges(lesson: Lesson, rep: Reporter) -> None:
    """Report every problem of ``lesson.challenges`` through ``rep.error(path, message, hint, key=)``
    (the loader's reporter; paths are YAML keys and list indexes from the lesson's root)."""
    from tutor.lesson.suggest import did_you_mean

    seen: dict[str, int] = {}
    for c, challenge in enumerate(lesson.challenges):
        base = ("challenges", c)
        if challenge.id in seen:
            rep.error(
                base + ("id",), f"duplicate challenge id `{challenge.id}` (also challenge {seen[challenge.id] + 1})"
            )
        seen.setdefault(challenge.id, c)
        damaged = getattr(rep, "damaged", None)
        if damaged is not None and damaged(base):
            continue  # it has a schema problem: a stand-in for part of it would be checked, not the file
        ok = _check_static(challenge, base, rep)
        if ok:
            _check_run(lesson, challenge, base, rep, did_you_mean)


def _check_static(challenge: Challenge, base: NodePath, rep: Reporter) -> bool:
    """Checks without the engine; False when the goal's shape is wrong (nothing can be run)."""
    ok = True
    for goal, path in _walk_goals(challenge.goal, base + ("goal",)):
        kinds = goal_kinds(goal)
        if not kinds:
            rep.error(
                path,
                "a goal needs one of: " + ", ".join(GOAL_KINDS),
                "e.g. `goal: {step: {actor: attacker, status: 200}}`",
            )
            ok = False
        elif len(kinds) > 1:
            rep.error(
                path + (kinds[1],),
                f"a goal has exactly one of {', '.join(GOAL_KINDS)}; `{kinds[1]}` is a second one after `{kinds[0]}`",
                "combine them with `all: [...]` or `any: [...]`",
                key=True,
            )
            ok = False
    first: dict[str, int] = {}
    for i, verb in enumerate(challenge.allowed):
        if verb in first:
            rep.error(base + ("allowed", i), f"`{verb}` is listed twice in `allowed`")
        first.setdefault(verb, i)
    for j, event in enumerate(challenge.solution):
        verb = verb_of(event)
        if verb not in challenge.allowed:
            path = base + ("solution", j)
            rep.error(
                path + (verb,) if isinstance(event, Event) else path,
                f"the solution uses `{verb}`, which the challenge does not allow",
                f"add `{verb}` to `allowed` (now: {', '.join(challenge.allowed)}), or solve it without it",
                key=True,
            )
    if challenge.par > len(challenge.solution):
        n = len(challenge.solution)
        rep.error(
            base + ("par",),
            f"par {challenge.par} is longer than the solution ({n} event{'s' if n != 1 else ''})",
            f"par is the number of events in the shortest known solution: make it {n}, or write that shorter solution",
        )
    return ok


def _check_run(lesson: Lesson, challenge: Challenge, base: NodePath, rep: Reporter, did_you_mean: Any) -> None:
    from tutor.engine.limits import LimitExceeded
    from tutor.engine.scenario_check import check_scenario

    options = challenge_options(lesson.scenario.engine, challenge.engine)
    events = [*challenge.setup, *challenge.solution]
    named = named_browsers(normalise_event(raw) for raw in events)
    # the lesson's declared browsers apply when the challenge uses them (an unused one is no problem here)
    browsers = {name: b for name, b in lesson.scenario.browsers.items() if name in named}
    browsers.update(challenge.browsers)
    where = _Where(base, len(challenge.setup))
    problems = check_scenario(
        Scenario(engine=options, servers=lesson.scenario.servers, browsers=browsers, events=events)
    )
    for problem in problems:
        parts = tuple(int(p) if p.isdigit() else p for p in str(problem.field).split(".")) if problem.field else ()
        if problem.event is not None:
            rep.error(where.event(problem.event) + parts, problem.message)
        elif parts[:1] == ("browsers",):
            rep.error(base + parts, problem.message, key=True)
        elif parts[:1] == ("servers",):
            pass  # the lesson's own `servers:` has the problem, and it is reported there
        elif parts[:1] == ("engine",):
            if any(getattr(challenge.engine, f) is not UNSET for f in challenge.engine.__struct_fields__):
                rep.error(base + parts, f"with this challenge's engine changes: {problem.message}")
            # else: the lesson's own scenario has the problem, and it is reported there
        else:
            rep.error(base, problem.message)
    if problems:
        return

    if any(verb_of(event) not in challenge.allowed for event in challenge.solution):
        return  # said by _check_static; the run would stop at that event, as it does for a learner

    # the solution is played through ChallengeRun, the loop the app's challenge mode drives
    run: ChallengeRun | None = None
    try:
        run = ChallengeRun(lesson, challenge)
        after_setup = run.result
        setup_why = explain(challenge.goal, run.steps) if after_setup.failed else ""
        for event in challenge.solution:
            if run.finished:
                break
            run.play(event)
        result, played = run.result, len(run.events)
        names_ok = _check_names(challenge.goal, base + ("goal",), run.steps, rep, did_you_mean)
        last = run.steps[-1] if len(run.steps) else None
        why = explain(challenge.goal, run.steps)
    except LimitExceeded as exc:
        rep.error(where.event(exc.event) if exc.event is not None else base, str(exc))
        return
    except Exception as exc:  # never a traceback for a lesson file
        rep.error(base, f"the engine failed while playing this challenge: {type(exc).__name__}: {exc}")
        return
    finally:
        if run is not None:
            run.close()
    if not names_ok:
        return  # a misspelt name is the reason; "not reached" would only repeat it
    goal_path = base + ("goal",)
    if after_setup.reached:
        at = f" ({_step_text(after_setup.step)})" if after_setup.step is not None else ""
        rep.error(
            goal_path,
            f"the goal is reached by `setup` alone{at}: there is nothing left to do",
            "ask for something the setup does not already do (a lone `never` holds at once: "
            "put it under `all:` with a step to reach)",
        )
        return
    if after_setup.failed:
        rep.error(
            goal_path, f"`setup` already breaks the goal's `never`: {setup_why}", "change the setup or the `never`"
        )
        return
    n = len(challenge.solution)
    if result.failed:
        rep.error(base + ("solution", played - 1), f"the solution breaks the goal's `never` at this event: {why}")
    elif not result.reached:
        rep.error(
            goal_path,
            f"the solution does not reach the goal: {why}",
            f"after the solution's last event, the run ends at {_step_text(last)}; "
            "try it with `tutor simulate` (setup + solution)"
            if last
            else None,
        )
    elif played < n:
        rep.error(
            base + ("solution", played),
            f"the goal is already reached after event {played} of the solution; "
            f"the other {n - played} would never be played",
            "remove them (the run ends when the goal is reached)",
        )


def _check_names(goal: Goal, path: NodePath, trace: Sequence[Step], rep: Reporter, did_you_mean: Any) -> bool:
    """Every name a goal compares is a step field or a variable of this run (or ``jar.``/``document.cookie.``
    of any browser)."""
    from tutor.engine.scenario import BROWSER_NAME_PATTERN

    browser = re.compile(BROWSER_NAME_PATTERN)
    variables: list[str] = list(trace[-1].variables) if len(trace) else []
    known = list(STEP_FIELDS) + variables
    ok = True
    for sub, sub_path in _walk_goals(goal, path):
        for kind in ("step", "never", "end"):
            match = goal_part(sub, kind)
            if match is UNSET:
                continue
            for name in match:
                if name in STEP_FIELDS and kind == "end":
                    rep.error(
                        sub_path + (kind, name),
                        f"`end` compares variables after the last step; `{name}` is a step field",
                        f"match it with `step: {{{name}: ...}}`",
                        key=True,
                    )
                    ok = False
                    continue
                if name in known or any(name.startswith(p) and browser.match(name[len(p) :]) for p in BROWSER_PREFIXES):
                    continue
                rep.error(
                    sub_path + (kind, name),
                    f"unknown step field or variable `{name}`",
                    did_you_mean(name, known)
                    or "step fields: " + ", ".join(STEP_FIELDS) + "; variables: " + ", ".join(variables),
                    key=True,
                )
                ok = False
    return ok


__all__ = [
    "BROWSER_PREFIXES",
    "ChallengeOutcome",
    "ChallengeRun",
    "MAX_STARS",
    "challenge_browsers",
    "challenge_options",
    "check_challenges",
    "event_text",
    "flow",
    "goal_text",
    "stars",
    "verb_of",
]
