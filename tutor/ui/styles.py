"""The app's one CSS convention: every style sheet belongs to one module, and a widget brings its own.

- Styles are Textual CSS in ``.tcss`` files, never in Python (no ``DEFAULT_CSS``, no ``CSS`` strings, no
  ``CSS_PATH``): a module's sheet lies beside it, named like it (``widgets/quiz.py`` ->
  ``widgets/quiz.tcss``), and styles that module's widgets and screens and how they place their children
  (the walkthrough's sheet lays out the band its code, narration and tracker share). Colours come from the
  theme's variables only (``$primary``, ``$accent`` ...).
- A class names the sheets it needs in ``STYLES`` (paths under ``tutor/ui/`` without ``.tcss``) and
  inherits :class:`Styled`, which reads them into the running app's stylesheet when the first instance is
  built, before it is mounted: it is styled from its first frame, and only the sheets of what has been on
  screen are ever parsed (the walkthrough's first frame reads no quiz or playground sheet).
- A sheet that restyles another module's widget with a selector of the same specificity comes after that
  module's sheet: the class lists that sheet first (``ChallengesView``: playground, then challenge).
- No app lists a widget's sheet: the tutor and the test hosts get the same styles from the widgets
  themselves (``tests/test_styles.py`` holds the tree to this).

This is Textual's own ``DEFAULT_CSS`` mechanism (a widget's CSS is added when the widget is registered,
without restyling what is on screen) with the rules kept in files and at the priority of app CSS.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual.message_pump import NoActiveAppError

UI = Path(__file__).parent


def sheet_path(name: str) -> Path:
    """The file of the sheet ``name`` (``"widgets/quiz"`` -> ``tutor/ui/widgets/quiz.tcss``)."""
    return UI / f"{name}.tcss"


def read_sheets(app: Any, names: tuple[str, ...]) -> None:
    """Read each sheet of ``names`` into ``app``'s stylesheet unless it is there already.

    Nothing on screen is restyled (a new sheet styles its own widgets, none of which is mounted yet); the
    stylesheet parses the new source when the next widget is registered."""
    stylesheet = app.stylesheet
    for name in names:
        path = sheet_path(name)
        if (str(path), "") not in stylesheet.source:
            stylesheet.read(path)


class Styled:
    """A widget or screen whose styles are the sheets named in :attr:`STYLES` (read when the first instance
    is built in a running app; see the module's docstring). List it before the Textual base class."""

    STYLES: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.STYLES:
            try:
                app = self.app  # type: ignore[attr-defined]  # (Styled is mixed into a Textual DOMNode)
            except NoActiveAppError:  # built outside an app (a test of its rendering): no stylesheet yet
                return
            read_sheets(app, self.STYLES)
