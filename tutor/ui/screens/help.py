"""The help screen: the keys of the screen it was opened from, generated from its bindings."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tutor.ui.styles import Styled

#: The app-wide bindings the help lists (the rest are Textual's usual focus and clipboard keys).
APP_ACTIONS_LISTED = frozenset({"quit"})
#: Textual's generic actions every screen has; not worth a line in the help.
GENERIC_ACTIONS = frozenset({"focus_next", "focus_previous", "copy", "copy_text", "help_quit", "command_palette"})


def describe_bindings(app, screen) -> list[tuple[str, str]]:
    """(keys, description) rows for the keys that work on ``screen`` now: one row per action, in order.

    Bindings of Textual's own widgets (cursor movement in a list, editing in an input) are left out;
    the app's, the screen's and this app's widgets' bindings are listed, the innermost first.
    """
    rows: dict[tuple[int, str], tuple[list[str], str]] = {}
    taken: set[str] = set()
    for namespace, bindings in screen._modal_binding_chain:
        if type(namespace).__module__.startswith("textual.") and namespace is not app:
            continue
        for key, binding in bindings:
            if not binding.description or binding.action == "command_palette" or key in taken:
                continue
            action = binding.action.rpartition(".")[2]  # Screen binds tab to "app.focus_next"
            if action in GENERIC_ACTIONS or (namespace is app and binding.action not in APP_ACTIONS_LISTED):
                continue  # focus moving and copying are Textual's own, the same everywhere
            if app._check_action_state(binding.action, namespace) is False:
                continue
            taken.add(key)
            row_key = (id(namespace), binding.action)
            display = app.get_key_display(binding)
            if row_key in rows:
                if display not in rows[row_key][0]:
                    rows[row_key][0].append(display)
            else:
                rows[row_key] = ([display], binding.description)
    return [(" / ".join(keys), description) for keys, description in rows.values()]


class HelpScreen(Styled, ModalScreen[None]):
    """Lists the keys of the screen beneath (and of the widget that had focus there)."""

    STYLES: ClassVar[tuple[str, ...]] = ("screens/help",)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help"),
    ]

    def __init__(self, title: str, rows: list[tuple[str, str]], **kw) -> None:
        super().__init__(**kw)
        self.help_title = title
        self.rows = rows

    def compose(self) -> ComposeResult:
        width = max((cell_len(keys) for keys, _ in self.rows), default=0)
        table = Text()
        for index, (keys, description) in enumerate(self.rows):
            if index:
                table.append("\n")
            table.append(keys + " " * (width - cell_len(keys)), style="bold")
            table.append(f"   {description}")
        with VerticalScroll(id="help-body") as body:
            body.border_title = f"Keys: {self.help_title}"
            body.border_subtitle = "Esc closes"
            yield Static(table, id="help-keys")

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
