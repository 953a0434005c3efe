"""Tiny host apps for the quiz and playground widget tests: they mount only QuizView or PlaygroundView.

Shared by tests/test_ui_quiz.py, tests/test_ui_quiz_snapshots.py, tests/test_ui_playground.py and
tests/test_e2e_progress.py, so those tests do not depend on the app shell or the lesson screen. A host
lists no style sheet: the widgets bring their own (tutor/ui/styles.py), as in the app.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import Footer
from ui_support import sync  # noqa: F401  (re-exported for the quiz tests)

from tutor.ui.recorder import RecordingApp

FIXTURES = Path(__file__).parent / "fixtures"
QUIZ_LESSON = FIXTURES / "quiz_lesson.yaml"


def load_quiz_lesson():
    from tutor.lesson.loader import load_lesson

    return load_lesson(QUIZ_LESSON)


class QuizHost(RecordingApp):
    """A QuizView (and a Footer) on an otherwise empty screen; messages it posts are kept."""

    def __init__(
        self, mode: str, store=None, seed: int = 0, loaded=None, theme: str | None = None, shuffle: bool = False
    ) -> None:
        # shuffle=False: practice and visual keep file order, so tests can name choices by position
        # (the app shuffles every mode; test_practice_choices_are_shuffled_in_the_app checks that)
        super().__init__()
        self.shuffle = shuffle
        self.mode = mode
        self.recorder.store = store  # the widget records through the app's recorder, as in the app
        self.seed = seed
        self.loaded = loaded if loaded is not None else load_quiz_lesson()
        self.messages: list[Message] = []
        if theme:
            self.theme = theme

    def compose(self) -> ComposeResult:
        from tutor.ui.widgets.quiz import QuizView

        yield QuizView(self.loaded, self.mode, self.recorder, self.seed, shuffle=self.shuffle, id="quiz")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#quiz").focus()

    def on_quiz_view_step_requested(self, message) -> None:
        self.messages.append(message)

    def on_quiz_view_answer_submitted(self, message) -> None:
        self.messages.append(message)

    def on_quiz_view_test_finished(self, message) -> None:
        self.messages.append(message)


class PlaygroundHost(App):
    """A PlaygroundView (and a Footer); exports go to ``export_dir``."""

    def __init__(
        self, options=None, export_dir: Path | None = None, theme: str | None = None, kinds=None, servers=None
    ) -> None:
        super().__init__()
        self.options = options
        self.kinds = kinds
        self.servers = servers
        self.export_dir = export_dir
        if theme:
            self.theme = theme

    def compose(self) -> ComposeResult:
        from tutor.ui.widgets.playground import PlaygroundView

        yield PlaygroundView(
            self.options, kinds=self.kinds, export_dir=self.export_dir, servers=self.servers, id="playground"
        )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#playground").focus()


def active_keys(app: App) -> set[str]:
    """Keys the Footer can show right now (``check_action`` hides the others)."""
    return {key for key, active in app.screen.active_bindings.items() if active.enabled}
