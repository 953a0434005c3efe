"""The playground: a live sandbox over the session engine.

Every key plays one event on a :class:`tutor.engine.Simulation` (a request as some browser, the clock
moving on, a tampered or stolen cookie ...) and the execution table and variable tracker grow by the
steps it produced. Changing an engine option starts a fresh simulation with the new options. What was
played can be exported as a scenario file (``playground-1.yaml`` ...) to start a new lesson from.

Deterministic: the engine is seeded and its clock is virtual, so the same keys give the same screen.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

import msgspec
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Label, Select, Static

from tutor.engine import Simulation
from tutor.engine.clock import format_clock, parse_duration
from tutor.engine.cookies import header_problem
from tutor.engine.scenario import (
    BROWSER_KINDS,
    BROWSER_NAME_PATTERN,
    BrowserOptions,
    EngineOptions,
    Event,
    Steal,
    Tamper,
    Xss,
)
from tutor.engine.trace import Step, document_cookie_variable, jar_browser, jar_variable
from tutor.lesson.model import Column, Tracked
from tutor.ui.modals.dialogs import Choice, ConfirmScreen, ValueScreen
from tutor.ui.modals.playground_dialogs import OptionsScreen, PromptScreen
from tutor.ui.scenario_export import write_export
from tutor.ui.text import count as _count
from tutor.ui.text import format_value, literal, visible
from tutor.ui.widgets.execution_table import ExecutionTable
from tutor.ui.widgets.key_panel import KeyGroup, KeyPanel, PanelKey, bindings_for
from tutor.ui.widgets.playground_keys import KEY_GROUPS, MORE_KEYS
from tutor.ui.widgets.variable_tracker import VariableTracker

#: The table's columns in the playground.
COLUMNS: tuple[Column, ...] = (
    Column(field="step", heading="#"),
    Column(field="actor", heading="browser"),
    Column(field="action"),
    Column(field="result"),
    Column(field="user"),
    Column(field="session_id", heading="session ID"),
)

#: Clock jumps on the number keys.
ADVANCES: tuple[str, ...] = ("1m", "10m", "31m", "1h", "1d")

#: The password sent by "log in with a wrong password".
WRONG_PASSWORD = "not-the-password"


def tracked_variables(strategy: str, browsers: list[str], *, same_site: bool = False) -> list[Tracked]:
    """The tracker's rows: what the server and each browser hold (and, once a request went cross-site,
    which SameSite rule decided whether its cookie went along)."""
    rows = [
        Tracked(variable="clock"),
        Tracked(variable="status"),
        Tracked(variable="session"),
        Tracked(variable="cookieStore"),
        Tracked(variable="store") if strategy == "database" else Tracked(variable="token"),
    ]
    if same_site:
        rows.append(Tracked(variable="same_site"))
    for name in browsers:
        rows.append(Tracked(variable=jar_variable(name)))
        rows.append(Tracked(variable=document_cookie_variable(name), label=f"document.cookie ({name})"))
    return rows


def describe_options(options: EngineOptions) -> str:
    """One line naming the options in force."""
    c = options.cookie
    parts = [
        options.strategy,
        f"{options.store} store",
        "rotate on login" if options.rotate_on_login else "no rotation",
        f"idle {options.idle_timeout}",
        f"absolute {options.absolute_timeout}",
    ]
    flags = [f"cookie {c.name}:"]
    if c.http_only:
        flags.append("HttpOnly")
    if c.secure:
        flags.append("Secure")
    if c.same_site != "unset":
        flags.append(f"SameSite={c.same_site.capitalize()}")
    if c.max_age != "none":
        flags.append(f"Max-Age={c.max_age}")
    return " · ".join(parts) + " · " + " ".join(flags)


@dataclass(frozen=True)
class Run:
    """What a run was: its options, its browsers' kinds and the events played (what an export writes)."""

    options: EngineOptions
    events: tuple[Event, ...]
    browsers: dict[str, str] = field(default_factory=dict)
    """Browser name → kind, for the browsers that are not chromium."""

    def describe(self) -> str:
        return f"{_count(len(self.events), 'event')}, {self.options.strategy}"


# -----------------------------------------------------------------------------------------------------
# the playground


class PlaygroundView(Widget, can_focus=True):
    """Send requests as any browser, move the clock, attack the cookie, and watch the session."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings_for(KEY_GROUPS),
        Binding(MORE_KEYS, "more_keys", "More keys (when they do not all fit)", show=False),
    ]

    key_groups: tuple[KeyGroup, ...] = KEY_GROUPS
    """The keys the key panel shows (a challenge's playground shows fewer)."""

    class EventPlayed(Message):
        """An event was played; ``steps`` are the steps it added."""

        def __init__(self, event: Event, steps: list[Step]) -> None:
            super().__init__()
            self.event = event
            self.steps = steps

    class SimulationReset(Message):
        """The simulation started again (reset, or new options)."""

        def __init__(self, options: EngineOptions) -> None:
            super().__init__()
            self.options = options

    def __init__(
        self,
        options: EngineOptions | None = None,
        *,
        kinds: Mapping[str, str | BrowserOptions] | None = None,
        export_dir: Path | None = None,
        **kw,
    ) -> None:
        """``options`` and ``kinds`` (browser name → chromium|firefox|safari, as a scenario's top-level
        ``browsers:`` declares them) are where the playground starts, e.g. the lesson's scenario."""
        super().__init__(**kw)
        self.options = options if options is not None else EngineOptions()
        self.export_dir = export_dir
        self.events: list[Event] = []
        self.steps: list[Step] = []
        self.browsers: list[str] = ["browser"]
        self.browser = "browser"
        self.users: list[str] = list(self.options.users)
        self.user = self.users[0] if self.users else ""
        self.cross_site = False
        self.scheme: Literal["https", "http"] = "https"
        declared = {
            name: k if isinstance(k, BrowserOptions) else BrowserOptions(kind=k)  # type: ignore[arg-type]
            for name, k in (kinds or {}).items()
        }
        self.kinds: dict[str, str] = {name: b.kind for name, b in declared.items() if b.kind != "chromium"}
        """Browser name → kind (chromium, firefox, safari) for browsers that are not chromium; kept when
        the run restarts, like the options."""
        self.third_party: dict[str, str] = {name: b.third_party for name, b in declared.items() if b.third_party}
        """Browser name → third-party policy, where a lesson or challenge declared one (kept on restarts)."""
        self.sim: Simulation | None = None
        self.previous_run: Run | None = None
        """The run before the last restart, kept so that it can still be exported."""
        self._tracker_serial = 0
        self._same_site_shown = False
        self._enabled: tuple[bool, ...] = ()
        self._mode_text = ""
        self._options_text = ""
        self.exported: Path | None = None
        """The last file an export wrote."""

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="pg-controls"):
            yield Label("as", classes="pg-label")
            yield Select(
                [(literal(b), b) for b in self.browsers],
                value=self.browser,
                allow_blank=False,
                compact=True,
                id="pg-browser",
            )
            yield Label("user", classes="pg-label")
            yield Select(
                [(literal(u), u) for u in self.users],
                value=self.user if self.users else Select.NULL,
                allow_blank=not self.users,
                prompt="(no users)",
                compact=True,
                id="pg-user",
            )
            yield Static("", id="pg-request-mode")
        yield Static("", id="pg-options")
        yield Static("", id="pg-status")
        with Vertical(id="pg-panes"):
            yield ExecutionTable(COLUMNS, id="pg-table")
            yield self._new_tracker()
        yield KeyPanel(self.key_groups, self._key_enabled, more_key=MORE_KEYS, id="pg-keys")

    def _new_tracker(self) -> VariableTracker:
        self._tracker_serial += 1
        return VariableTracker(
            tracked_variables(self.options.strategy, self.browsers, same_site=self._same_site_shown),
            id=f"pg-tracker-{self._tracker_serial}",
            classes="pg-tracker",
            fit_current=True,
        )

    @property
    def table(self) -> ExecutionTable:
        return self.query_one("#pg-table", ExecutionTable)

    @property
    def tracker(self) -> VariableTracker:
        return self.query_one(".pg-tracker", VariableTracker)

    @property
    def keys(self) -> KeyPanel:
        return self.query_one("#pg-keys", KeyPanel)

    def on_mount(self) -> None:
        self.sim = self._new_simulation()
        self._show_status()

    def _browser_options(self) -> dict[str, str | BrowserOptions]:
        """What the engine is given for the browsers: a kind, or a declaration with its third-party policy."""
        out: dict[str, str | BrowserOptions] = dict(self.kinds)
        for name, policy in self.third_party.items():
            out[name] = BrowserOptions(kind=self.kinds.get(name, "chromium"), third_party=policy)  # type: ignore[arg-type]
        return out

    def _new_simulation(self) -> Simulation:
        """The engine the playground starts with (a challenge's is its :class:`ChallengeRun`'s)."""
        return Simulation(self.options, browsers=self._browser_options())

    def _engine_play(self, event: Event) -> list[Step]:
        """Play ``event`` in the engine (a challenge plays it through its run, which judges the goal)."""
        assert self.sim is not None
        return list(self.sim.play(event))

    def on_unmount(self) -> None:
        if self.sim is not None:
            self.sim.close()
            self.sim = None

    def on_resize(self) -> None:
        """Size classes: a short playground pages its keys and drops the options line and a rule."""
        height = self.size.height
        self.set_class(height < 30, "-short")
        self.set_class(height < 24, "-tiny")

    # -- status --------------------------------------------------------------------------------

    def _show_status(self, last: str | None = None, *, alone: bool = False) -> None:
        """Redraw the controls' texts and the status line; ``last`` ends the status line (what just
        happened), or is all of it when ``alone`` or when a new run has no events yet."""
        site = "cross-site" if self.cross_site else "same-site"
        mode = f"{self.kind_of(self.browser)} · {self.options.strategy} · {self.scheme} · {site}"
        if mode != self._mode_text:
            self._mode_text = mode
            self.query_one("#pg-request-mode", Static).update(literal(mode), layout=False)
        options = describe_options(self.options)
        if options != self._options_text:
            self._options_text = options
            self.query_one("#pg-options", Static).update(literal(options), layout=False)
        clock = self.steps[-1].variables.get("clock") if self.steps else None
        if isinstance(clock, int):
            clock_text = format_clock(clock)
        elif isinstance(clock, str):
            clock_text = clock
        else:
            clock_text = "+0s" if clock is None else format_value(clock)
        if last and (alone or not self.events):
            status = last  # a new run or a replay: what happened matters more than the counters
        else:
            status = f"clock {clock_text} · {_count(len(self.events), 'event')}, {_count(len(self.steps), 'step')}"
            if last:
                status += f" · {last}"
            elif not self.events:
                status += " · press g to send GET /, l to log in"
        self.query_one("#pg-status", Static).update(literal(status), layout=False)
        # the key panel and the Footer are redrawn only when a key becomes usable or unusable
        enabled = (
            bool(self.events or self.previous_run),
            bool(self.users),
            len(self.browsers) > 1,
            len(self.users) > 1,
        )
        if enabled != self._enabled:
            self._enabled = enabled
            self.refresh_bindings()
            if self.is_mounted:
                self.keys.refresh()

    def _key_enabled(self, key: PanelKey) -> bool:
        return self.check_action(key.name, ()) is not False

    # -- playing -------------------------------------------------------------------------------

    def play(self, event: Event) -> list[Step]:
        """Play one event, grow the table and tracker, remember it for export."""
        try:
            new = self._engine_play(event)
        except (ValueError, KeyError, LookupError) as exc:
            self.notify(markup=False, message=visible(f"cannot play that: {exc}"), severity="error")
            return []
        self.events.append(event)
        self._show_played(new)
        self._show_status(new[-1].result if new else None)
        self.post_message(self.EventPlayed(event, new))
        return new

    def _show_played(self, new: list[Step]) -> None:
        """Grow the table and tracker by ``new`` steps."""
        self.steps.extend(new)
        self._sync_browsers(new)
        self.table.set_steps(self.steps)
        self.table.reveal(len(self.steps))
        self.tracker.set_steps(self.steps)
        self._reveal_tracker(self.tracker)

    def _sync_browsers(self, new: list[Step] | None = None) -> None:
        """Browsers the engine created (an attacker receiving stolen cookies) join the Select and tracker;
        the first cross-site request adds the tracker's ``same_site`` row."""
        known = list(self.browsers)
        for step in self.steps[-1:]:
            for key in step.variables:
                name = jar_browser(key)
                if name is not None and name not in known:
                    known.append(name)
        same_site = self._same_site_shown or any(s.variables.get("same_site") is not None for s in new or ())
        if known != self.browsers or same_site != self._same_site_shown:
            self._same_site_shown = same_site
            self._set_browsers(known)

    def _set_browsers(self, browsers: list[str]) -> None:
        self.browsers = browsers
        select = self.query_one("#pg-browser", Select)
        with select.prevent(Select.Changed):
            select.set_options([(literal(b), b) for b in browsers])
            select.value = self.browser
        self._replace_tracker()

    def _replace_tracker(self) -> None:
        """Swap in a tracker with a row per browser (its rows are fixed when it is made)."""
        old = self.tracker
        old.remove_class("pg-tracker")
        new = self._new_tracker()
        new.set_steps(self.steps)
        mounted = self.query_one("#pg-panes").mount(new, after=old)
        old.remove()

        async def fill() -> None:
            await mounted
            self._reveal_tracker(new)

        self.call_later(fill)

    def _reveal_tracker(self, tracker: VariableTracker) -> None:
        """Show every step in the tracker, once it is mounted (a new tracker fills itself then)."""
        if tracker.is_mounted and tracker.parent is not None:
            tracker.reveal(len(self.steps))

    def _event(self, **verb: Any) -> Event:
        return Event(**verb, as_=self.browser)

    def _request_event(self, **verb: Any) -> Event:
        return Event(**verb, as_=self.browser, cross_site=self.cross_site, scheme=self.scheme)

    def action_request(self, request: str) -> None:
        self.play(self._request_event(request=request))

    def action_login(self, right_password: bool, remember: bool = False) -> None:
        if not self.user:
            self.notify(
                markup=False, message="there is no user to log in as (options.users is empty)", severity="warning"
            )
            return
        password = None if right_password else WRONG_PASSWORD
        self.play(self._request_event(login=self.user, password=password, remember=remember))

    def action_logout(self) -> None:
        self.play(self._request_event(logout=None))

    def action_advance(self, duration: str) -> None:
        self.play(Event(advance=duration))

    def action_advance_by(self) -> None:
        def check(text: str) -> str | None:
            try:
                parse_duration(text)
            except ValueError as exc:
                return str(exc)
            return None

        def done(value: str | None) -> None:
            if value:
                self.action_advance(value)

        self.app.push_screen(PromptScreen("Advance the clock by (e.g. 90s, 31m, 2h, 1d)", "", check, "31m"), done)

    def action_set_cookie(self) -> None:
        """Ask for a Set-Cookie header value; the chosen browser sends GET / and the server answers with
        exactly that header (the ``set_cookie`` event), so the jar shows what the browser made of it."""

        def check(text: str) -> str | None:
            found = header_problem(text)
            return None if found is None else f"not a Set-Cookie header: {found}"

        def done(value: str | None) -> None:
            if value:
                self.play(self._request_event(set_cookie=value))

        title = "A Set-Cookie header for GET / (e.g. theme=dark; Expires=Wed, 31 Dec 2026; Domain=.org)"
        self.app.push_screen(PromptScreen(title, "", check, "theme=dark; Max-Age=3600; Secure; SameSite=Lax"), done)

    def action_tamper(self) -> None:
        jwt = self.options.strategy == "jwt"
        title = (
            f"Tamper with {self.browser}'s token: claim=value keeps the signature (e.g. sub=bob), or a whole new value"
            if jwt
            else f"Tamper with {self.browser}'s session cookie: the new value"
        )
        initial = "sub=bob" if jwt else "forged-session-id"

        def check(text: str) -> str | None:
            if not text:
                return "type a value"
            if any(ch in text for ch in ";, \t"):
                return "a cookie value cannot contain ';', ',' or spaces"
            return None

        def done(value: str | None) -> None:
            if not value:
                return
            if jwt and "=" in value and "." not in value:
                claim, _, raw = value.partition("=")
                tamper = Tamper(claims={claim: _claim_value(raw)})
            else:
                tamper = Tamper(value=value)
            self.play(self._event(tamper=tamper))

        self.app.push_screen(PromptScreen(title, initial, check), done)

    def _other_browser(self) -> str:
        return "attacker" if self.browser != "attacker" else "browser"

    def action_steal(self) -> None:
        self.play(Event(steal=Steal(from_=self.browser, to=self._other_browser())))

    def action_xss(self) -> None:
        self.play(self._event(xss=Xss(to=self._other_browser())))

    def action_clear_cookies(self) -> None:
        self.play(self._event(clear_cookies=None))

    def action_restart_server(self) -> None:
        self.play(Event(restart_server=None))

    def action_close_browser(self) -> None:
        self.play(self._event(close_browser=None))

    def action_sign_out_everywhere(self) -> None:
        if not self.user:
            self.notify(
                markup=False, message="there is no user to sign out (options.users is empty)", severity="warning"
            )
            return
        self.play(Event(sign_out_everywhere=self.user))

    def action_rotate_secret(self) -> None:
        self.play(Event(rotate_secret=None))

    # -- choosing who acts and how ------------------------------------------------------------

    def choose_browser(self, name: str) -> None:
        """Act as ``name`` from now on: the state changes at once, so the very next key already uses it
        (a Select.Changed message would arrive only after keys already queued)."""
        self.browser = name
        select = self.query_one("#pg-browser", Select)
        with select.prevent(Select.Changed):
            select.value = name
        self._show_status()

    def choose_user(self, name: str) -> None:
        """Log in as ``name`` from now on (at once, like :meth:`choose_browser`)."""
        self.user = name
        select = self.query_one("#pg-user", Select)
        with select.prevent(Select.Changed):
            select.value = name
        self._show_status()

    def action_next_browser(self) -> None:
        i = self.browsers.index(self.browser)
        self.choose_browser(self.browsers[(i + 1) % len(self.browsers)])

    def action_add_browser(self) -> None:
        def check(text: str) -> str | None:
            if not re.fullmatch(BROWSER_NAME_PATTERN, text):
                return "a name starts with a letter: letters, digits, - and _ (at most 32)"
            if text in self.browsers:
                return f"there is already a browser called {text}"
            return None

        def done(value: str | None) -> None:
            if value:
                self.browser = value
                self._set_browsers([*self.browsers, value])
                self._show_status(f"added browser {value}")

        self.app.push_screen(PromptScreen("Name of the new browser (e.g. phone, attacker)", "", check, "phone"), done)

    def kind_of(self, browser: str) -> str:
        return self.kinds.get(browser, "chromium")

    def action_next_kind(self) -> None:
        """The current browser follows the next kind's cookie rules. A browser that has not acted yet
        just changes; one that has makes the run play again from the start with the new kind (a run's
        kinds hold from its first event, as a scenario's ``browsers:`` declares them), and the run as
        it was stays exportable."""
        assert self.sim is not None
        name = self.browser
        kind = BROWSER_KINDS[(BROWSER_KINDS.index(self.kind_of(name)) + 1) % len(BROWSER_KINDS)]
        before = self.current_run
        if kind == "chromium":
            self.kinds.pop(name, None)
        else:
            self.kinds[name] = kind
        if not self._browser_used(name):
            self.sim.set_browser_kind(name, kind)
            self._show_status(f"{name} is {kind} now")
            return
        self.replay(before, f"{name} is {kind} now: {_count(len(self.events), 'event')} replayed")

    def _browser_used(self, name: str) -> bool:
        """Has any event of this run acted as ``name`` or put cookies into its jar? (the engine's rule)"""
        return any(event.touches(name) for event in self.events)

    def action_next_user(self) -> None:
        if self.users:
            i = self.users.index(self.user)
            self.choose_user(self.users[(i + 1) % len(self.users)])

    @on(Select.Changed, "#pg-browser")
    def _browser_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str) and event.value != self.browser:
            self.browser = event.value
            self._show_status()

    @on(Select.Changed, "#pg-user")
    def _user_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str) and event.value != self.user:
            self.user = event.value
            self._show_status()

    def action_toggle_cross_site(self) -> None:
        self.cross_site = not self.cross_site
        self._show_status()

    def action_toggle_scheme(self) -> None:
        self.scheme = "http" if self.scheme == "https" else "https"
        self._show_status()

    def action_more_keys(self) -> None:
        self.keys.next_page()

    @on(KeyPanel.Pressed)
    async def _key_clicked(self, event: KeyPanel.Pressed) -> None:
        """A key clicked in the panel does what typing it does (nothing, when it is not usable now)."""
        event.stop()
        if self._key_enabled(event.key):
            await self.run_action(event.key.action)

    @on(ExecutionTable.ValueRequested)
    def _value_requested(self, event: ExecutionTable.ValueRequested) -> None:
        event.stop()
        self.app.push_screen(ValueScreen(event.step, COLUMNS))

    # -- options, restarts, export ------------------------------------------------------------

    @property
    def current_run(self) -> Run:
        return Run(self.options, tuple(self.events), self._run_kinds())

    def _run_kinds(self) -> dict[str, str]:
        """The kinds this run's export must declare: those of the browsers its events used."""
        return {name: kind for name, kind in self.kinds.items() if self._browser_used(name)}

    def action_toggle_strategy(self) -> None:
        strategy = "jwt" if self.options.strategy == "database" else "database"
        self.confirm_restart(
            msgspec.structs.replace(self.options, strategy=strategy),
            f"Switch from {self.options.strategy} to {strategy} sessions?",
            f"new run with {strategy}",
        )

    def action_options(self) -> None:
        def done(options: EngineOptions | None) -> None:
            if options is not None and options != self.options:
                self.set_options(options)

        self.app.push_screen(OptionsScreen(self.options, events=len(self.events)), done)

    def action_reset(self) -> None:
        self.confirm_restart(self.options, "Start the run again?", "new run")

    def confirm_restart(self, options: EngineOptions, question: str, why: str) -> None:
        """Restart with ``options``, asking first when events would be cleared (the run is kept for export)."""
        if not self.events:
            self.restart(options, why)
            return
        n = len(self.events)
        detail = (
            f"The run restarts: the {_count(n, 'event')} played so far leave the table. "
            "They are kept: e exports them later as the previous run."
        )
        choices = [
            Choice("y", "Yes, restart", "restart"),
            Choice("e", "Export this run first, then restart", "export"),
            Choice("n", "No, keep playing", "cancel"),
        ]

        def done(answer: str | None) -> None:
            if answer == "export":
                self.export(self.current_run)
            if answer in ("restart", "export"):
                self.restart(options, why)

        self.app.push_screen(ConfirmScreen(question, detail, choices), done)

    def set_options(self, options: EngineOptions) -> None:
        """New options (the options dialog already said that applying them restarts the run)."""
        self.restart(options, "new run with the new options")

    def restart(self, options: EngineOptions, why: str) -> None:
        """Start a fresh simulation with ``options``; the run so far becomes :attr:`previous_run`."""
        if self.events:
            self.previous_run = self.current_run
        self.options = options
        self.reset(why)

    def reset(self, why: str) -> None:
        if self.sim is not None:
            self.sim.close()
        self.sim = Simulation(self.options, browsers=self._browser_options())
        self.events = []
        self.steps = []
        self.table.set_steps(())
        self.table.reveal(0)
        self.browser = "browser"
        self.browsers = []  # force the Select and tracker to be rebuilt
        self._same_site_shown = False
        self._set_browsers(["browser"])
        kept = f" · e still exports the previous run ({self.previous_run.describe()})" if self.previous_run else ""
        self._show_status(f"{why}{kept}")
        self.post_message(self.SimulationReset(self.options))

    def replay(self, before: Run, why: str) -> None:
        """Play this run's events again from the start in a fresh simulation (with new kinds); ``before``,
        the run as it was, becomes :attr:`previous_run`. The browsers and the selection stay."""
        events = list(self.events)
        self.previous_run = before
        if self.sim is not None:
            self.sim.close()
        self.sim = Simulation(self.options, browsers=self._browser_options())
        self.events, self.steps = [], []
        for event in events:
            self.steps.extend(self.sim.play(event))
            self.events.append(event)
        self.table.set_steps(())
        self.table.reveal(0)
        self.table.set_steps(self.steps)
        self.table.reveal(len(self.steps))
        self._same_site_shown = any(s.variables.get("same_site") is not None for s in self.steps)
        self._replace_tracker()
        self._show_status(f"{why} · e also exports the old run", alone=True)
        self.post_message(self.SimulationReset(self.options))

    def action_export(self) -> None:
        runs = [run for run in (self.current_run if self.events else None, self.previous_run) if run is not None]
        if not runs:
            self.notify(markup=False, message="nothing to export yet: play some events first", severity="warning")
            return
        if len(runs) == 1:
            self.export(runs[0])
            return
        current, previous = runs
        choices = [
            Choice("c", f"This run ({current.describe()})", "current"),
            Choice("p", f"The previous run, before the restart ({previous.describe()})", "previous"),
        ]

        def done(answer: str | None) -> None:
            if answer is not None:
                self.export(current if answer == "current" else previous)

        self.app.push_screen(ConfirmScreen("Export which run?", "", choices), done)

    def export(self, run: Run) -> Path | None:
        """Write ``run`` as a scenario file in the export folder (never overwriting one)."""
        folder = self.export_dir if self.export_dir is not None else Path.cwd()
        try:
            path = write_export(folder, run.options, run.events, run.browsers)
        except OSError as exc:
            self.notify(
                markup=False,
                message=visible(f"cannot write a scenario in {folder}: {exc.strerror or exc}"),
                severity="error",
            )
            return None
        self.exported = path
        self.notify(
            markup=False, message=visible(f"wrote {path}  (run it with: tutor simulate {path.name})"), title="Exported"
        )
        self._show_status(f"exported {path.name}")
        return path

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export":
            return bool(self.events or self.previous_run)
        if action in ("login",):
            return bool(self.users)
        if action == "next_browser":
            return len(self.browsers) > 1
        if action == "next_user":
            return len(self.users) > 1
        if action == "more_keys":
            return self.is_mounted and self.keys.page_count > 1
        return True


def _claim_value(raw: str) -> str | int | bool | None:
    """``"42"`` → 42, ``"true"`` → True, ``"null"`` → None, anything else stays text."""
    if raw in ("true", "false"):
        return raw == "true"
    if raw in ("null", "none"):
        return None
    try:
        return int(raw)
    except ValueError:
        return raw


__all__ = [
    "COLUMNS",
    "PlaygroundView",
    "Run",
    "describe_options",
    "tracked_variables",
]
