"""The playground's two dialogs: :class:`PromptScreen` (one line of text: a duration, a browser's name, a
forged value) and :class:`OptionsScreen` (every engine option; it refuses what the engine's
``check_options`` refuses, the check `tutor check` and `tutor simulate` apply to a scenario)."""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any, ClassVar

import msgspec
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from tutor.engine.clock import parse_duration
from tutor.engine.headers import header_problem
from tutor.engine.scenario import CookieOptions, EngineOptions
from tutor.ui.modals.dialogs import Choice, ConfirmScreen
from tutor.ui.styles import Styled
from tutor.ui.text import count as _count
from tutor.ui.text import literal


class PromptScreen(Styled, ModalScreen[str | None]):
    """Ask for one line of text; ``check`` returns an error message or ``None``."""

    STYLES: ClassVar[tuple[str, ...]] = ("modals/playground_dialogs",)

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str, check: Callable[[str], str | None], placeholder: str = "") -> None:
        super().__init__(classes="pg-dialog")
        self.title_text = title
        self.initial = value
        self.check = check
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="pg-dialog-box"):
            yield Label(self.title_text, classes="pg-dialog-title")
            yield Input(self.initial, placeholder=self.placeholder, id="pg-prompt-input", select_on_focus=False)
            yield Static("", id="pg-prompt-error", classes="pg-error")
            yield Static("Enter: OK · Escape: cancel", classes="pg-dialog-keys")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        problem = self.check(value)
        if problem:
            self.query_one("#pg-prompt-error", Static).update(literal(problem))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class OptionsScreen(Styled, ModalScreen[EngineOptions | None]):
    """Every engine option the playground can change; applying them restarts the simulation."""

    STYLES: ClassVar[tuple[str, ...]] = ("modals/playground_dialogs",)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "apply", "Apply and restart"),
    ]

    DURATIONS = ("idle_timeout", "absolute_timeout", "update_age")
    #: Focus starts on the first field (not on the scroll container around the fields).
    AUTO_FOCUS = "#opt-strategy"

    def __init__(self, options: EngineOptions, *, events: int = 0) -> None:
        super().__init__(classes="pg-dialog")
        self.options = options
        self.events = events
        """How many events the run has: applying clears them from the table (they stay exportable)."""

    def compose(self) -> ComposeResult:
        o, c = self.options, self.options.cookie
        with Vertical(classes="pg-dialog-box", id="pg-options-box"):
            title = "Engine options — applying them restarts the run"
            if self.events:
                played = _count(self.events, "event")
                title += f" ({played} played leave{'s' if self.events == 1 else ''} the table; e still exports the run)"
            yield Label(title, classes="pg-dialog-title")
            with VerticalScroll(id="pg-options-scroll"):
                with Grid(id="pg-options-grid"):
                    yield Label("strategy")
                    yield Select(
                        [(s, s) for s in ("database", "jwt")],
                        value=o.strategy,
                        allow_blank=False,
                        compact=True,
                        id="opt-strategy",
                    )
                    yield Label("store")
                    yield Select(
                        [(s, s) for s in ("memory", "sqlite")],
                        value=o.store,
                        allow_blank=False,
                        compact=True,
                        id="opt-store",
                    )
                    yield Label("rotate_on_login")
                    yield _yes_no(o.rotate_on_login, "opt-rotate_on_login")
                    yield Label("anonymous_sessions")
                    yield _yes_no(o.anonymous_sessions, "opt-anonymous_sessions")
                    yield Label("idle_timeout")
                    yield Input(o.idle_timeout, compact=True, id="opt-idle_timeout")
                    yield Label("absolute_timeout")
                    yield Input(o.absolute_timeout, compact=True, id="opt-absolute_timeout")
                    yield Label("update_age")
                    yield Input(o.update_age, compact=True, id="opt-update_age")
                    yield Label("sign_in")
                    yield _choices(_literal(EngineOptions, "sign_in"), o.sign_in, "opt-sign_in")
                    yield Label("cookie http_only")
                    yield _yes_no(c.http_only, "opt-http_only")
                    yield Label("cookie secure")
                    yield _yes_no(c.secure, "opt-secure")
                    yield Label("cookie same_site")
                    yield Select(
                        [(s, s) for s in ("strict", "lax", "none", "unset")],
                        value=c.same_site,
                        allow_blank=False,
                        compact=True,
                        id="opt-same_site",
                    )
                    yield Label("cookie expires")
                    yield _choices(_literal(CookieOptions, "expires"), c.expires, "opt-expires")
                    yield Label("cookie max_age")
                    yield Input(c.max_age, compact=True, id="opt-max_age")
                    yield Label("cookie remember_max_age")
                    yield Input(c.remember_max_age, compact=True, id="opt-remember_max_age")
            yield Static("", id="pg-options-error", classes="pg-error")
            with Horizontal(classes="pg-dialog-buttons"):
                yield Button("Apply and restart (ctrl+s)", id="pg-options-apply", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="pg-options-cancel", compact=True)

    def collect(self) -> EngineOptions:
        """The options on screen; raises :class:`ValueError` with one line when one is invalid."""

        def text(name: str) -> str:
            return self.query_one(f"#opt-{name}", Input).value.strip()

        def flag(name: str) -> bool:
            return self.query_one(f"#opt-{name}", Select).value == "yes"

        def choice(name: str) -> Any:
            return self.query_one(f"#opt-{name}", Select).value

        cookie = msgspec.to_builtins(self.options.cookie)
        cookie.update(
            http_only=flag("http_only"),
            secure=flag("secure"),
            same_site=choice("same_site"),
            expires=choice("expires"),
            max_age=text("max_age"),
            remember_max_age=text("remember_max_age"),
        )
        data = msgspec.to_builtins(self.options)
        data.update(
            strategy=choice("strategy"),
            store=choice("store"),
            rotate_on_login=flag("rotate_on_login"),
            anonymous_sessions=flag("anonymous_sessions"),
            idle_timeout=text("idle_timeout"),
            absolute_timeout=text("absolute_timeout"),
            update_age=text("update_age"),
            sign_in=choice("sign_in"),
            cookie=cookie,
        )
        try:
            options = msgspec.convert(data, EngineOptions)
        except msgspec.ValidationError as exc:
            raise ValueError(_option_error(str(exc))) from None
        # what the types cannot say (a 0s timeout, jwt with sqlite): the engine's one check, as tutor check asks it
        from tutor.engine.scenario_check import check_options

        problems = check_options(options)
        if problems:
            field = (problems[0].field or "").removeprefix("engine.").replace("cookie.", "cookie ")
            raise ValueError(f"{field}: {problems[0].message}" if field else problems[0].message)
        return options

    def action_apply(self) -> None:
        try:
            options = self.collect()
        except ValueError as exc:
            self.query_one("#pg-options-error", Static).update(literal(str(exc)))
            return
        self.dismiss(options)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#pg-options-apply")
    def _apply_pressed(self) -> None:
        self.action_apply()

    @on(Button.Pressed, "#pg-options-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        """Enter on a field goes on to the next one (applying, which restarts the run, is ctrl+s or the
        button: Enter on a field never closes the dialog unasked)."""
        event.stop()
        self.focus_next()


def _literal(struct: type, name: str) -> tuple[str, ...]:
    """The values a Literal-typed field of an engine struct takes (the type is the one list)."""
    return tuple(typing.get_args(typing.get_type_hints(struct)[name]))


def _choices(values: tuple[str, ...], value: str, id: str) -> Select[str]:
    return Select([(v, v) for v in values], value=value, allow_blank=False, compact=True, id=id)


def _yes_no(value: bool, id: str) -> Select[str]:
    return Select(
        [("yes", "yes"), ("no", "no")], value="yes" if value else "no", allow_blank=False, compact=True, id=id
    )


def _option_error(message: str) -> str:
    """msgspec's ``Expected `str` matching regex ... - at `$.idle_timeout``` → a readable line."""
    where = message.rsplit("at `$.", 1)
    field = where[1].rstrip("`").replace("cookie.", "cookie ") if len(where) == 2 else "an option"
    if "regex" in message:
        return f"{field}: expected a duration such as 30m, 8h or 1h30m, or none"
    return f"{field}: {where[0].strip(' -')}"


# -- the playground's questions, built here so that the widget only pushes them --------------------


def _duration_problem(text: str) -> str | None:
    try:
        parse_duration(text)
    except ValueError as exc:
        return str(exc)
    return None


def _header_problem(text: str) -> str | None:
    found = header_problem(text)
    return None if found is None else f"not a Set-Cookie header: {found}"


def advance_prompt() -> PromptScreen:
    return PromptScreen("Advance the clock by (e.g. 90s, 31m, 2h, 1d)", "", _duration_problem, "31m")


def set_cookie_prompt() -> PromptScreen:
    title = "A Set-Cookie header for GET / (e.g. theme=dark; Expires=Wed, 31 Dec 2026; Domain=.org)"
    return PromptScreen(title, "", _header_problem, "theme=dark; Max-Age=3600; Secure; SameSite=Lax")


def tamper_prompt(browser: str, jwt: bool, check: Callable[[str], str | None]) -> PromptScreen:
    title = (
        f"Tamper with {browser}'s token: claim=value keeps the signature (e.g. sub=bob), or a whole new value"
        if jwt
        else f"Tamper with {browser}'s session cookie: the new value"
    )
    return PromptScreen(title, "sub=bob" if jwt else "forged-session-id", check)


def new_browser_prompt(check: Callable[[str], str | None]) -> PromptScreen:
    return PromptScreen("Name of the new browser (e.g. phone, attacker)", "", check, "phone")


def restart_confirm(question: str, events: int) -> ConfirmScreen:
    """Restart (answers ``restart``), export first (``export``) or keep playing (``cancel``)."""
    detail = (
        f"The run restarts: the {_count(events, 'event')} played so far leave the table. "
        "They are kept: e exports them later as the previous run."
    )
    choices = [
        Choice("y", "Yes, restart", "restart"),
        Choice("e", "Export this run first, then restart", "export"),
        Choice("n", "No, keep playing", "cancel"),
    ]
    return ConfirmScreen(question, detail, choices)


def export_choice(current: str, previous: str) -> ConfirmScreen:
    """Which run to export (answers ``current`` or ``previous``); the arguments describe them."""
    choices = [
        Choice("c", f"This run ({current})", "current"),
        Choice("p", f"The previous run, before the restart ({previous})", "previous"),
    ]
    return ConfirmScreen("Export which run?", "", choices)


__all__ = [
    "OptionsScreen",
    "PromptScreen",
    "advance_prompt",
    "export_choice",
    "new_browser_prompt",
    "restart_confirm",
    "set_cookie_prompt",
    "tamper_prompt",
]
