"""The playground's top line (:class:`PlaygroundControls`): who acts (the browser), who logs in (the user)
and how the next request goes (the request mode: kind, strategy, scheme, same-site or cross-site).

It holds no state of the run: the :class:`~tutor.ui.widgets.playground.PlaygroundView` tells it what to
show, and a choice the learner makes in one of its selects is posted (``BrowserChosen``, ``UserChosen``)
for the view to apply to its run.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Label, Select, Static

from tutor.ui.styles import Styled
from tutor.ui.text import literal


class PlaygroundControls(Styled, Horizontal):
    """``as [browser ▼]  user [user ▼]  request mode``."""

    STYLES: ClassVar[tuple[str, ...]] = ("widgets/playground_controls",)

    class BrowserChosen(Message):
        """The learner picked ``browser`` in the browser select."""

        def __init__(self, browser: str) -> None:
            super().__init__()
            self.browser = browser

    class UserChosen(Message):
        """The learner picked ``user`` in the user select."""

        def __init__(self, user: str) -> None:
            super().__init__()
            self.user = user

    def __init__(self, browsers: list[str], browser: str, users: list[str], user: str, **kw) -> None:
        super().__init__(**kw)
        self._browsers, self._browser = list(browsers), browser
        self._users, self._user = list(users), user
        self._shown_browsers = list(browsers)
        self._mode_text = ""

    def compose(self) -> ComposeResult:
        yield Label("as", classes="pg-label")
        yield Select(
            [(literal(b), b) for b in self._browsers],
            value=self._browser,
            allow_blank=False,
            compact=True,
            id="pg-browser",
        )
        yield Label("user", classes="pg-label")
        yield Select(_user_options(self._users), value=self._user, allow_blank=False, compact=True, id="pg-user")
        yield Static("", id="pg-request-mode")

    def show_browsers(self, browsers: list[str], browser: str) -> None:
        """The browser select offers ``browsers`` (changed only when they did) with ``browser`` chosen."""
        select = self.query_one("#pg-browser", Select)
        with select.prevent(Select.Changed):
            if browsers != self._shown_browsers:
                select.set_options([(literal(b), b) for b in browsers])
                self._shown_browsers = list(browsers)
            select.value = browser

    def show_browser(self, browser: str) -> None:
        select = self.query_one("#pg-browser", Select)
        with select.prevent(Select.Changed):
            select.value = browser

    def show_users(self, users: list[str], user: str) -> None:
        """The user select offers ``users`` (changed only when they did: another server, new options) with
        ``user`` chosen (``""`` when there are none)."""
        select = self.query_one("#pg-user", Select)
        with select.prevent(Select.Changed):
            if users != self._users:
                select.set_options(_user_options(users))
                self._users = list(users)
            if select.value != user:
                select.value = user

    def show_user(self, user: str) -> None:
        select = self.query_one("#pg-user", Select)
        with select.prevent(Select.Changed):
            select.value = user

    def show_mode(self, text: str) -> None:
        """The request mode line (redrawn only when it changed, with no layout)."""
        if text != self._mode_text:
            self._mode_text = text
            self.query_one("#pg-request-mode", Static).update(literal(text), layout=False)

    @on(Select.Changed, "#pg-browser")
    def _browser_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str):
            self.post_message(self.BrowserChosen(event.value))

    @on(Select.Changed, "#pg-user")
    def _user_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str):
            self.post_message(self.UserChosen(event.value))


def _user_options(users: list[str]) -> list[tuple[Text, str]]:
    """The user select's options: one per user, or the one ``(no users)`` (value ``""``, the run's user then)."""
    return [(literal(u), u) for u in users] or [(Text("(no users)"), "")]
