"""The playground: a live sandbox over the session engine.

Every key plays one event on the run's engine (a request as some browser, the clock moving on, a
tampered or stolen cookie ...) and the execution table and variable tracker grow by the steps it
produced. The run itself — who acts, the events, restarts, replays and what an export writes — is a
:class:`tutor.lesson.playground_run.PlaygroundRun` (no Textual); this widget drives it, shows it and
posts what happened. What was played can be exported as a scenario file (``playground-1.yaml`` ...).

Deterministic: the engine is seeded and its clock is virtual, so the same keys give the same screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar, Generic, Literal, TypeVar, cast

import msgspec
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from tutor.engine import Simulation
from tutor.engine.scenario import BrowserOptions, EngineOptions, Event
from tutor.engine.trace import Step
from tutor.lesson.model import Column
from tutor.lesson.playground_run import (
    WRONG_PASSWORD,
    PlaygroundRun,
    Run,
    describe_options,
    tamper_problem,
)
from tutor.ui.modals.dialogs import ValueScreen
from tutor.ui.modals.playground_dialogs import (
    OptionsScreen,
    advance_prompt,
    new_browser_prompt,
    restart_confirm,
    set_cookie_prompt,
    tamper_prompt,
)
from tutor.ui.styles import Styled
from tutor.ui.text import literal, visible
from tutor.ui.widgets.execution_table import ExecutionTable
from tutor.ui.widgets.key_panel import KeyGroup, KeyPanel, PanelKey, bindings_for
from tutor.ui.widgets.playground_controls import PlaygroundControls
from tutor.ui.widgets.playground_export import choose_export, export_run
from tutor.ui.widgets.playground_keys import KEY_GROUPS, MORE_KEYS, SERVER_KEY, with_server_key
from tutor.ui.widgets.variable_tracker import VariableTracker

T = TypeVar("T")

#: The table's columns in the playground.
COLUMNS: tuple[Column, ...] = (
    Column(field="step", heading="#"),
    Column(field="actor", heading="browser"),
    Column(field="action"),
    Column(field="result"),
    Column(field="user"),
    Column(field="session_id", heading="session ID"),
)


class _OfRun(Generic[T]):
    """A read-only attribute of the widget that is its run's (the widget keeps no copy of the run's state)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, view: PlaygroundView, owner: type | None = None) -> T:
        return cast(T, getattr(view.run, self.name))


class PlaygroundView(Styled, Widget, can_focus=True):
    """Send requests as any browser, move the clock, attack the cookie, and watch the session."""

    STYLES: ClassVar[tuple[str, ...]] = ("widgets/playground",)

    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings_for(KEY_GROUPS),
        *bindings_for((KeyGroup("server", (SERVER_KEY,)),)),
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
        servers: Mapping[str, EngineOptions] | None = None,
        **kw,
    ) -> None:
        """``options`` and ``kinds`` (browser name → chromium|firefox|safari, as a scenario's top-level
        ``browsers:`` declares them) are where the playground starts, e.g. the lesson's scenario;
        ``servers``: a scenario's several servers (instead of ``options``; ``v`` picks the one requests go to)."""
        super().__init__(**kw)
        self._servers = servers
        self.run = self._new_run(options, kinds)
        self.columns = COLUMNS  # the table's; with several servers, each step's server after its number
        if self.run.server_names:
            self.key_groups = with_server_key(self.key_groups)
            self.columns = (COLUMNS[0], Column(field="server"), *COLUMNS[1:])
        """The run this widget shows (the rules of a run live there)."""
        self.export_dir = export_dir
        self._enabled: tuple[bool, ...] = ()
        self._options_text = ""
        self.exported: Path | None = None
        """The last file an export wrote."""

    def _new_run(
        self, options: EngineOptions | None, kinds: Mapping[str, str | BrowserOptions] | None
    ) -> PlaygroundRun:
        """The run the playground starts with (a challenge's plays through its :class:`ChallengeRun`)."""
        return PlaygroundRun(options, kinds, servers=self._servers)

    # the run's state, read by the app, the challenge view and tests (``view.events`` is ``view.run.events``)
    options: _OfRun[EngineOptions] = _OfRun()
    sim: _OfRun[Simulation] = _OfRun()
    events: _OfRun[list[Event]] = _OfRun()
    steps: _OfRun[list[Step]] = _OfRun()
    previous_run: _OfRun[Run | None] = _OfRun()
    current_run: _OfRun[Run] = _OfRun()
    kinds: _OfRun[dict[str, str]] = _OfRun()
    browsers: _OfRun[list[str]] = _OfRun()
    browser: _OfRun[str] = _OfRun()
    users: _OfRun[list[str]] = _OfRun()
    user: _OfRun[str] = _OfRun()
    cross_site: _OfRun[bool] = _OfRun()
    scheme: _OfRun[Literal["https", "http"]] = _OfRun()

    def kind_of(self, browser: str) -> str:
        return self.run.kind_of(browser)

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield PlaygroundControls(self.browsers, self.browser, self.users, self.user, id="pg-controls")
        yield Static("", id="pg-options")
        yield Static("", id="pg-status")
        with Vertical(id="pg-panes"):
            yield ExecutionTable(self.columns, id="pg-table")
            yield VariableTracker(self.run.tracked(), id="pg-tracker", classes="pg-tracker", fit_current=True)
        yield KeyPanel(self.key_groups, self._key_enabled, more_key=MORE_KEYS, id="pg-keys")

    @property
    def table(self) -> ExecutionTable:
        return self.query_one("#pg-table", ExecutionTable)

    @property
    def tracker(self) -> VariableTracker:
        return self.query_one("#pg-tracker", VariableTracker)

    @property
    def controls(self) -> PlaygroundControls:
        return self.query_one(PlaygroundControls)

    @property
    def keys(self) -> KeyPanel:
        return self.query_one("#pg-keys", KeyPanel)

    def on_mount(self) -> None:
        self._show_status()

    def on_unmount(self) -> None:
        self.run.close()

    def on_resize(self) -> None:
        """Size classes: a short playground pages its keys and drops the options line and a rule."""
        height = self.size.height
        self.set_class(height < 30, "-short")
        self.set_class(height < 24, "-tiny")

    # -- showing the run -----------------------------------------------------------------------

    def _show_status(self, last: str | None = None, *, alone: bool = False) -> None:
        """Redraw the controls' texts and the status line; ``last`` ends the status line (what just
        happened), or is all of it when ``alone`` or when a new run has no events yet."""
        self.controls.show_mode(self.run.mode_line())
        self.controls.show_users(self.users, self.user)  # the chosen server's (the run decides)
        options = describe_options(self.run.server_options)
        if options != self._options_text:
            self._options_text = options
            self.query_one("#pg-options", Static).update(literal(options), layout=False)
        self.query_one("#pg-status", Static).update(literal(self.run.status_line(last, alone=alone)), layout=False)
        # the key panel and the Footer are redrawn only when a key becomes usable or unusable
        enabled = tuple(self._key_enabled(key) for group in self.key_groups for key in group.keys)
        if enabled != self._enabled:
            self._enabled = enabled
            self.refresh_bindings()
            if self.is_mounted:
                self.keys.refresh()

    def _key_enabled(self, key: PanelKey) -> bool:
        return self.check_action(key.name, ()) is not False

    def _show_steps(self) -> None:
        """The table and the tracker show every step of the run, the tracker with a row per browser."""
        steps = self.steps
        self.controls.show_browsers(self.browsers, self.browser)
        self.table.set_steps(steps)
        self.table.reveal(len(steps))
        tracker = self.tracker
        tracker.set_variables(self.run.tracked())
        tracker.set_steps(steps)
        tracker.reveal(len(steps))

    # -- playing -------------------------------------------------------------------------------

    def play(self, event: Event) -> list[Step]:
        """Play one event, grow the table and tracker, remember it for export."""
        try:
            new = self.run.play(event)
        except (ValueError, KeyError, LookupError) as exc:
            self.notify(markup=False, message=visible(f"cannot play that: {exc}"), severity="error")
            return []
        self._show_steps()
        self._show_status(new[-1].result if new else None)
        self.post_message(self.EventPlayed(event, new))
        return new

    def action_request(self, request: str) -> None:
        self.play(self.run.request_event(request=request))

    def action_login(self, right_password: bool, remember: bool = False) -> None:
        if not self.user:
            self.notify(
                markup=False, message="there is no user to log in as (options.users is empty)", severity="warning"
            )
            return
        self.play(self.run.login_event(right_password, remember))

    def action_logout(self) -> None:
        self.play(self.run.request_event(logout=None))

    def action_advance(self, duration: str) -> None:
        self.play(Event(advance=duration))

    def action_advance_by(self) -> None:
        self.app.push_screen(advance_prompt(), lambda value: self.action_advance(value) if value else None)

    def action_set_cookie(self) -> None:
        """Ask for a Set-Cookie header value; the chosen browser sends GET / and the server answers with
        exactly that header (the ``set_cookie`` event), so the jar shows what the browser made of it."""

        def done(value: str | None) -> None:
            if value:
                self.play(self.run.request_event(set_cookie=value))

        self.app.push_screen(set_cookie_prompt(), done)

    def action_tamper(self) -> None:
        def done(value: str | None) -> None:
            if value:
                self.play(self.run.tamper_event(value))

        jwt = self.options.strategy == "jwt"
        self.app.push_screen(tamper_prompt(self.browser, jwt, tamper_problem), done)

    def action_steal(self) -> None:
        self.play(self.run.steal_event())

    def action_xss(self) -> None:
        self.play(self.run.xss_event())

    def action_clear_cookies(self) -> None:
        self.play(self.run.browser_event(clear_cookies=None))

    def action_restart_server(self) -> None:
        self.play(Event(restart_server=None))

    def action_close_browser(self) -> None:
        self.play(self.run.browser_event(close_browser=None))

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
        self.run.browser = name
        self.controls.show_browser(name)
        self._show_status()

    def choose_user(self, name: str) -> None:
        """Log in as ``name`` from now on (at once, like :meth:`choose_browser`)."""
        self.run.user = name
        self.controls.show_user(name)
        self._show_status()

    def action_next_browser(self) -> None:
        self.choose_browser(self.run.next_browser())

    def action_add_browser(self) -> None:
        def done(value: str | None) -> None:
            if value:
                self.run.add_browser(value)
                self.controls.show_browsers(self.browsers, self.browser)
                self.tracker.set_variables(self.run.tracked())
                self._show_status(f"added browser {value}")

        self.app.push_screen(new_browser_prompt(self.run.browser_name_problem), done)

    def action_next_kind(self) -> None:
        """The current browser follows the next kind's cookie rules (a browser that has acted makes the
        run play again from the start: :meth:`PlaygroundRun.next_kind`)."""
        said, replayed = self.run.next_kind()
        if replayed:
            self._show_replayed(f"{said} · e also exports the old run")
        else:
            self._show_status(said)

    def action_next_server(self) -> None:
        self._show_status(f"requests go to server {self.run.next_server()}")

    def action_next_user(self) -> None:
        if self.users:
            self.choose_user(self.run.next_user())

    @on(PlaygroundControls.BrowserChosen)
    def _browser_chosen(self, event: PlaygroundControls.BrowserChosen) -> None:
        event.stop()
        if event.browser != self.browser:
            self.run.browser = event.browser
            self._show_status()

    @on(PlaygroundControls.UserChosen)
    def _user_chosen(self, event: PlaygroundControls.UserChosen) -> None:
        event.stop()
        if event.user != self.user:
            self.run.user = event.user
            self._show_status()

    def action_toggle_cross_site(self) -> None:
        self.run.cross_site = not self.run.cross_site
        self._show_status()

    def action_toggle_scheme(self) -> None:
        self.run.scheme = "http" if self.run.scheme == "https" else "https"
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
        self.app.push_screen(ValueScreen(event.step, self.columns))

    # -- options, restarts, export ------------------------------------------------------------

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

        def done(answer: str | None) -> None:
            if answer == "export":
                self.export(self.current_run)
            if answer in ("restart", "export"):
                self.restart(options, why)

        self.app.push_screen(restart_confirm(question, len(self.events)), done)

    def set_options(self, options: EngineOptions) -> None:
        """New options (the options dialog already said that applying them restarts the run)."""
        self.restart(options, "new run with the new options")

    def restart(self, options: EngineOptions, why: str) -> None:
        """Start a fresh run with ``options``; the run so far becomes :attr:`previous_run`."""
        self.run.restart(options)
        self.table.set_steps(())
        self.table.reveal(0)
        self._show_steps()
        kept = f" · e still exports the previous run ({self.previous_run.describe()})" if self.previous_run else ""
        self._show_status(f"{why}{kept}")
        self.post_message(self.SimulationReset(self.options))

    def _show_replayed(self, why: str) -> None:
        """The run was played again from the start: the table shows it anew."""
        self.table.set_steps(())
        self.table.reveal(0)
        self._show_steps()
        self._show_status(why, alone=True)
        self.post_message(self.SimulationReset(self.options))

    def action_export(self) -> None:
        choose_export(self)

    def export(self, run: Run) -> Path | None:
        """Write ``run`` as a scenario file in the export folder (never overwriting one)."""
        return export_run(self, run)

    def show_exported(self, path: Path) -> None:
        self._show_status(f"exported {path.name}")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export":
            return self.run.can_export
        if action in ("login",):
            return bool(self.users)
        if action == "next_browser":
            return len(self.browsers) > 1
        if action == "next_user":
            return len(self.users) > 1
        if action == "next_server":
            return bool(self.run.server_names)
        if action in ("toggle_strategy", "options"):
            return not self.run.server_names  # several servers are the scenario's: not changed here
        if action == "more_keys":
            return self.is_mounted and self.keys.page_count > 1
        return True


__all__ = [
    "COLUMNS",
    "WRONG_PASSWORD",
    "PlaygroundView",
    "Run",
]
