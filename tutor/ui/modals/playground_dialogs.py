"""The playground's two dialogs: :class:`PromptScreen` (one line of text: a duration, a browser's name, a
forged value) and :class:`OptionsScreen` (every engine option; it refuses what the engine's
``check_options`` refuses, the check `tutor check` and `tutor simulate` apply to a scenario)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from tutor.engine.clock import parse_duration
from tutor.engine.headers import header_problem
from tutor.engine.scenario import EngineOptions
from tutor.lesson.option_form import apply_texts, field_text, option_fields
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

    #: Focus starts on the first field (not on the scroll container around the fields).
    AUTO_FOCUS = "#opt-strategy"

    def __init__(self, options: EngineOptions, *, events: int = 0) -> None:
        super().__init__(classes="pg-dialog")
        self.options = options
        self.events = events
        """How many events the run has: applying clears them from the table (they stay exportable)."""
        self._labels: dict[str, str] = {}
        """Each row's label (by the label's id) and each button's (by its id), without the focus mark."""

    def compose(self) -> ComposeResult:
        o = self.options
        with Vertical(classes="pg-dialog-box", id="pg-options-box"):
            title = "Engine options — applying them restarts the run"
            if self.events:
                played = _count(self.events, "event")
                title += f" ({played} played leave{'s' if self.events == 1 else ''} the table; e still exports the run)"
            yield Label(title, classes="pg-dialog-title")
            # not a keyboard stop itself (its focus would not show): Tab moves between the fields, each
            # focused field is scrolled into view
            with VerticalScroll(id="pg-options-scroll", can_focus=False):
                with Grid(id="pg-options-grid"):
                    for label, field in self._fields(o):
                        self._labels[f"label-{field.id}"] = label
                        yield Label(
                            _label_text(label, focused=False), id=f"label-{field.id}", classes="pg-option-label"
                        )
                        yield field
            yield Static("", id="pg-options-error", classes="pg-error")
            with Horizontal(classes="pg-dialog-buttons"):
                apply, cancel = "Apply and restart (ctrl+s)", "Cancel (esc)"
                self._labels.update({"pg-options-apply": apply, "pg-options-cancel": cancel})
                yield Button(_label_text(apply, focused=False), id="pg-options-apply", variant="primary", compact=True)
                yield Button(_label_text(cancel, focused=False), id="pg-options-cancel", compact=True)

    @staticmethod
    def _fields(o: EngineOptions) -> list[tuple[str, Select[str] | Input]]:
        """The dialog's rows: a label and the field (``opt-NAME``) that edits that option, one per engine
        option (:func:`tutor.lesson.option_form.option_fields`: the list comes from the option types)."""
        rows: list[tuple[str, Select[str] | Input]] = []
        for field in option_fields():
            text, id = field_text(o, field), f"opt-{field.name}"
            widget: Select[str] | Input
            if field.choices:
                widget = Select([(v, v) for v in field.choices], value=text, allow_blank=False, compact=True, id=id)
            else:
                widget = Input(text, placeholder=field.hint, compact=True, id=id)
            rows.append((field.label, widget))
        return rows

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The focused field's label, or the focused button, is marked ``▶`` (and bold): with 16 colours, or
        none, the focus is still seen where the field's own focus tint may not show."""
        field: Widget | None = event.widget
        while field is not None and not (field.id or "").startswith(("opt-", "pg-options-")):
            field = field.parent if isinstance(field.parent, Widget) else None
        focused = field.id if field is not None else None
        for label in self.query(".pg-option-label").results(Label):
            mark = label.id == f"label-{focused}"
            if label.has_class("-focused") != mark:
                label.update(_label_text(self._labels[label.id or ""], focused=mark))
                label.set_class(mark, "-focused")
        for button in self.query(".pg-dialog-buttons Button").results(Button):
            mark = button.id == focused
            if button.has_class("-focused") != mark:
                button.label = _label_text(self._labels[button.id or ""], focused=mark)
                button.set_class(mark, "-focused")

    def collect(self) -> EngineOptions:
        """The options on screen; raises :class:`ValueError` with one line when one is invalid (the rule:
        :func:`tutor.lesson.option_form.apply_texts`)."""
        texts: dict[str, str] = {}
        for field in option_fields():
            widget = self.query_one(f"#opt-{field.name}")
            value = widget.value if isinstance(widget, (Input, Select)) else None
            if isinstance(value, str):
                texts[field.name] = value
        return apply_texts(self.options, texts)

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


#: What a label starts with when its field has the focus, and otherwise (the same width: nothing moves).
_MARK = "▶ "
_NO_MARK = "  "


def _label_text(text: str, *, focused: bool) -> str:
    return (_MARK if focused else _NO_MARK) + text


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
