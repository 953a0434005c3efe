"""The lesson format: one YAML file is one lesson.

These msgspec structs are the single source of truth for the format: the loader validates YAML against
them (reporting every problem with its line and column), `tutor schema` prints their JSON Schema, and the
app reads the resulting objects. Field docstrings become the schema's descriptions, which editors show.
"""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType, field

from tutor.engine.goals import Goal
from tutor.engine.scenario import (
    BARE_EVENT_PATTERN,
    VERBS,
    BrowserName,
    BrowserOptions,
    Duration,
    Event,
    OptionalDuration,
    Scenario,
    ServerName,
)
from tutor.engine.trace import PHASES, SERVER_VARIABLE, STEP_FIELDS, Step

# Every format struct says kw_only=True, forbid_unknown_fields=True, frozen=True in its own class line:
# mypy reads a struct's keywords only when they are written out (not from a ** dict).

Id = Annotated[
    str, Meta(pattern=r"^[a-z0-9][a-z0-9-]{0,63}(?!\n)$", description="lower-case letters, digits and dashes")
]
Text = Annotated[str, Meta(min_length=1)]
StepNumber = Annotated[int, Meta(ge=1, description="a step of this lesson's execution table (1-based)")]
MarkRef = Annotated[
    str,
    Meta(
        pattern=r"^[a-z][a-z0-9_-]{0,39}(\.[a-z_]+)?(?!\n)$",
        description="`NAME` (the first table row of the scenario event with `mark: NAME`) or `NAME.phase` "
        "(its first row of that phase)",
    ),
]
#: A step reference: a row number, or a mark that follows its event when the scenario changes.
#: `load_lesson` resolves every reference, so a loaded lesson holds only numbers.
StepRef = StepNumber | MarkRef
Mark = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_-]{0,39}(?!\n)$", description="the mark of a scenario event")]
# `enum` is what editors complete (`tutor schema`); the loader checks phases itself, with "did you mean".
Phase = Annotated[
    str,
    Meta(description="a phase name from the engine: " + ", ".join(PHASES), extra_json_schema={"enum": list(PHASES)}),
]
#: A step field or a tracked variable (`tutor schema` lists both; see :func:`trace_names`).
TraceName = Annotated[
    str,
    Meta(
        description="a step field (" + ", ".join(STEP_FIELDS) + ") or a tracked variable (clock, session, "
        "cookieStore, jar.<browser>, document.cookie.<browser> ...)"
    ),
]


class FlowNode(Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    id: Id
    label: Text
    phases: list[Phase] = []
    """The phases during which this node is highlighted."""


class FlowEdge(Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    from_: Id = field(name="from")
    to: Id
    label: str | None = None


class Flow(Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """The concept flow, drawn as a diagram; the current step's node is highlighted."""

    nodes: Annotated[list[FlowNode], Meta(min_length=1)]
    edges: list[FlowEdge] = []
    caption: str | None = None


class CodeSample(Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    title: Text
    language: Annotated[
        str,
        Meta(
            description="a Pygments lexer name: typescript, tsx, javascript, python, yaml ...; text: prose, "
            "wrapped at the pane's width (code is never wrapped: a longer line ends in …)"
        ),
    ] = "typescript"
    source: Text
    lines: dict[Phase, list[Annotated[int, Meta(ge=1)]]] = {}
    """Which source lines to highlight during each phase."""
    server: ServerName | None = None
    """With several `servers:` in the scenario: the server this code runs on. The sample marks its lines
    only on steps that go to that server (without it, on every step of the phase)."""
    caption: str | None = None

    def marked(self, step: Step | None) -> frozenset[int]:
        """The lines this sample marks at ``step`` (none before the first): those of the step's phase,
        when the step goes to this sample's server (a sample without `server:` follows every step)."""
        if step is None:
            return frozenset()
        variables = step.variables
        # one server: no `server` variable, and the check allowed `server:` only naming that one
        if self.server is not None and SERVER_VARIABLE in variables and variables[SERVER_VARIABLE] != self.server:
            return frozenset()
        return frozenset(self.lines.get(step.phase, ()))


class Column(Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    field: TraceName
    heading: str | None = None


class Table(Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """The execution table: which trace steps become rows and which columns they show."""

    columns: Annotated[list[Column], Meta(min_length=1)]
    phases: list[Phase] | None = None
    """Only steps of these phases become rows (renumbered 1, 2, 3 ...); default: every step."""


class Tracked(Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    variable: TraceName
    label: str | None = None


class Narration(Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """What the narrator says at a step, or at every step of a phase (a step entry wins)."""

    step: StepRef | None = None
    phase: Phase | None = None
    text: Text
    at: Mark | None = None
    """The event this entry was written for: `tutor check` reports a `step` number whose row is no longer
    one of that event's rows (after the scenario changed)."""


class KeyMoment(Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    question: Text
    answer: Text
    steps: list[StepRef] = []


class Choice(Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    text: Text
    correct: bool = False
    feedback: str | None = None
    """Shown when this choice is picked."""


class TraceAnswer(Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """Which value of the trace is the right answer; `tutor check` verifies the marked choice equals it."""

    step: StepRef
    field: TraceName


class QuestionCode(Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    language: str = "typescript"
    source: Text


class Question(Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    id: Id
    difficulty: Literal["easy", "medium", "hard"]
    prompt: Text
    code: QuestionCode | None = None
    choices: Annotated[list[Choice], Meta(min_length=2, max_length=6)]
    multiple: bool = False
    """More than one choice is correct; the learner must pick all of them."""
    hints: list[Text] = []
    """A ladder of hints, shown one at a time."""
    solution: list[Text] = []
    """The step-by-step solution."""
    mistakes: list[Text] = []
    """Common mistakes."""
    steps: list[StepRef] = []
    """Rows of the execution table the question is about (numbers or marks): in practice and the visual
    quiz a "see step N" link to each opens it in the walkthrough (`s` the first; not in a test or a
    review, where they would give answers away), and `tutor show` lists them. A trace
    question (``answer:``) is shown with the trace up to the last of them and that row highlighted
    (:func:`tutor.lesson.quiz_session.context_step`; without ``steps:``, up to the answer's row), so
    the last one should come before the answer's row: the highlighted row must not print the answer."""
    answer: TraceAnswer | None = None
    """Makes this a trace question: the right choice must equal this trace value."""
    predict: StepRef | None = None
    """Makes this a predict question, asked in the walkthrough before this step is revealed."""


class CookieOverrides(Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """Cookie attributes a challenge changes; the others stay as the lesson's `scenario.engine.cookie`
    has them (the fields and their meanings are those of the scenario's `engine: cookie:`)."""

    name: (
        Annotated[str, Meta(pattern=r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?!\n)$", description="Cookie name.")] | UnsetType
    ) = UNSET
    http_only: bool | UnsetType = UNSET
    secure: bool | UnsetType = UNSET
    same_site: Literal["strict", "lax", "none", "unset"] | UnsetType = UNSET
    """`unset` leaves the attribute out: chromium treats it as Lax (with a 2-minute exception for
    top-level cross-site POSTs), firefox and safari as None."""
    max_age: OptionalDuration | UnsetType = UNSET
    expires: Literal["none", "sliding"] | UnsetType = UNSET
    remember_max_age: Duration | UnsetType = UNSET
    path: Annotated[str, Meta(pattern=r"^/")] | UnsetType = UNSET


class EngineOverrides(Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """Engine options a challenge changes; the others stay as the lesson's `scenario.engine` has them
    (the fields and their meanings are those of the scenario's `engine:`)."""

    strategy: Literal["database", "jwt"] | UnsetType = UNSET
    idle_timeout: OptionalDuration | UnsetType = UNSET
    absolute_timeout: OptionalDuration | UnsetType = UNSET
    update_age: OptionalDuration | UnsetType = UNSET
    rotate_on_login: bool | UnsetType = UNSET
    anonymous_sessions: bool | UnsetType = UNSET
    store: Literal["memory", "sqlite"] | UnsetType = UNSET
    cookie: CookieOverrides | UnsetType = UNSET
    seed: int | UnsetType = UNSET
    secret: Annotated[str, Meta(min_length=32)] | UnsetType = UNSET
    users: dict[str, str] | UnsetType = UNSET
    """Replaces the lesson's accounts (name → password)."""
    host: str | UnsetType = UNSET
    sign_in: Literal["next-auth", "server-action"] | UnsetType = UNSET
    token_version: bool | UnsetType = UNSET
    token_extra: dict[str, Annotated[int, Meta(ge=1, le=20000)]] | UnsetType = UNSET
    """Replaces the lesson's map (user → characters of extra token data)."""


#: A verb a challenge lets the learner use.
Verb = Literal[VERBS]  # type: ignore[valid-type]
#: One event, as in a scenario's `events:` (a bare verb such as `logout`, or a mapping).
EventItem = Annotated[str, Meta(pattern=BARE_EVENT_PATTERN)] | Event


class Challenge(Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """A puzzle played in the playground: reach the goal by playing events on the lesson's engine."""

    id: Id
    title: Text
    brief: Text
    """What to do, shown while the learner plays."""
    engine: EngineOverrides = EngineOverrides()
    """Changes to the lesson's engine options for this challenge (the rest stay)."""
    browsers: dict[BrowserName, BrowserOptions] = {}
    """Browsers of another kind than chromium, as the scenario's top-level `browsers:` (added to the
    lesson's)."""
    setup: list[EventItem] = []
    """Events played before the learner starts."""
    allowed: Annotated[list[Verb], Meta(min_length=1)]
    """The verbs the learner may use (only their keys are offered)."""
    goal: Goal
    """What the learner must reach; `tutor check` plays `solution` to prove it can be reached."""
    par: Annotated[int, Meta(ge=1)]
    """The number of events in the shortest known solution."""
    solution: Annotated[list[EventItem], Meta(min_length=1)]
    """Events that reach the goal after `setup`: `tutor check` plays them through the engine."""
    hints: list[Text] = []
    """A ladder of hints, shown one at a time; each costs a star."""


class Lesson(Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    id: Id
    title: Text
    summary: Text
    level: Literal["beginner", "intermediate", "advanced"]
    minutes: Annotated[int, Meta(ge=1, le=240)]
    tags: list[str] = []
    prerequisites: list[Id] = []
    flow: Flow
    code: Annotated[list[CodeSample], Meta(min_length=1)]
    scenario: Scenario
    table: Table
    tracker: list[Tracked] = []
    narration: list[Narration] = []
    moments: list[KeyMoment] = []
    snapshot: Text
    transcript: Text
    questions: list[Question] = []
    challenges: list[Challenge] = []


def trace_names() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """``(step fields, variables, per-browser prefixes)`` as the engine records them.

    The variables are read from a step the engine really records (one ``clear_cookies`` event), so this
    list can never drift from the engine; ``jar.browser`` becomes the prefix ``jar.`` (any browser's name
    may follow it). Used by `tutor schema` and `tutor new`, which import the engine anyway.
    """
    from tutor.engine import Simulation
    from tutor.engine.scenario import EngineOptions

    sim = Simulation(EngineOptions())
    try:
        step = sim.play("clear_cookies")[-1]
    finally:
        sim.close()
    browser = "." + step.actor
    variables = tuple(name for name in step.variables)
    prefixes = tuple(name[: -len(browser) + 1] for name in variables if name.endswith(browser))
    return STEP_FIELDS, variables, prefixes
