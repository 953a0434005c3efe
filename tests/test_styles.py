"""The one CSS convention (tutor/ui/styles.py, docs/ARCHITECTURE.md "Styles"): every style is in a .tcss
file beside the module it styles, a class names its sheets in ``STYLES``, and the widget reads them itself,
so no app (the tutor or a test host) lists a widget's sheet."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.css.stylesheet import Stylesheet
from ui_support import sync

from tutor.ui import styles

ROOT = Path(__file__).resolve().parents[1]
UI = ROOT / "tutor" / "ui"
SHEETS = sorted(UI.rglob("*.tcss"))
#: Class attributes that put styles somewhere else than a widget's own sheet.
OTHER_WAYS = {"DEFAULT_CSS", "CSS", "CSS_PATH"}


def classes(path: Path) -> list[ast.ClassDef]:
    return [node for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.ClassDef)]


def class_attributes(cls: ast.ClassDef) -> dict[str, ast.expr]:
    found: dict[str, ast.expr] = {}
    for item in cls.body:
        if isinstance(item, ast.Assign):
            for target in item.targets:
                if isinstance(target, ast.Name) and item.value is not None:
                    found[target.id] = item.value
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name) and item.value is not None:
            found[item.target.id] = item.value
    return found


def named_sheets() -> dict[str, list[str]]:
    """Every ``STYLES`` entry in tutor/ui -> the classes naming it."""
    named: dict[str, list[str]] = {}
    for path in UI.rglob("*.py"):
        for cls in classes(path):
            value = class_attributes(cls).get("STYLES")
            if value is None:
                continue
            for name in ast.literal_eval(value):
                named.setdefault(name, []).append(f"{path.relative_to(UI)}:{cls.name}")
    return named


def test_no_styles_outside_the_sheets() -> None:
    """No DEFAULT_CSS, CSS or CSS_PATH in the app or in a test host."""
    offenders = [
        f"{path.relative_to(ROOT)}:{cls.name}.{name}"
        for path in [*UI.rglob("*.py"), *(ROOT / "tests").glob("*.py")]
        for cls in classes(path)
        for name in class_attributes(cls).keys() & OTHER_WAYS
    ]
    assert offenders == []


def test_every_sheet_is_named_by_a_class_of_its_module_and_every_name_is_a_sheet() -> None:
    named = named_sheets()
    on_disk = {str(path.relative_to(UI).with_suffix("")) for path in SHEETS}
    assert set(named) == on_disk
    for name in on_disk:
        assert (UI / f"{name}.py").is_file(), f"{name}.tcss lies beside no module"
        module = f"{Path(name).name}.py"
        assert any(owner.split(":")[0].endswith(module) for owner in named[name]), (
            f"{name}.tcss is named by no class of {module}: {named[name]}"
        )


@pytest.mark.parametrize("path", SHEETS, ids=lambda p: str(p.relative_to(UI)))
def test_every_sheet_parses(path: Path) -> None:
    """A sheet is parsed only when its widget is first built: parse each one here."""
    sheet = Stylesheet(variables=App().get_css_variables())  # the theme's $primary ...
    sheet.read(path)
    sheet.parse()
    assert sheet.rules


def test_sheets_use_theme_colours_only() -> None:
    """No colour literal (``#abc``, ``rgb(``, a named colour after ``color:``): theme variables only."""
    import re

    literal = re.compile(r"(?:color|background|border[a-z-]*)\s*:[^;]*?(?:#[0-9a-fA-F]{3,8}\b|rgba?\()")
    assert [str(p.relative_to(UI)) for p in SHEETS if literal.search(p.read_text())] == []


class BareHost(App[None]):
    """A host that lists no sheet: what it shows is styled by the widgets' own sheets."""

    def __init__(self, widget_factory) -> None:
        super().__init__()
        self.widget_factory = widget_factory

    def compose(self) -> ComposeResult:
        yield self.widget_factory()


def read_sheets(app: App) -> list[str]:
    """The app's sheets from tutor/ui in the order they were read, as ``widgets/quiz``."""
    return [
        str(Path(location).relative_to(UI).with_suffix(""))
        for location, _ in app.stylesheet.source
        if location.endswith(".tcss") and Path(location).is_relative_to(UI)
    ]


@sync
async def test_a_host_gets_the_widgets_styles_from_the_widgets() -> None:
    from quiz_host import load_quiz_lesson

    from tutor.ui.recorder import Recorder
    from tutor.ui.widgets.quiz import QuizView
    from tutor.ui.widgets.variable_tracker import VariableTracker

    loaded = load_quiz_lesson()
    app = BareHost(lambda: QuizView(loaded, "visual", Recorder(None), 0, id="quiz"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        sheets = read_sheets(app)
        assert {"widgets/quiz", "widgets/execution_table", "widgets/variable_tracker"} <= set(sheets)
        assert "widgets/playground" not in sheets
        tracker = app.query_one("#quiz-tracker", VariableTracker)
        # variable_tracker.tcss's padding and quiz.tcss's border both reached the tracker
        assert tracker.styles.padding.left == 1 and tracker.styles.border_top[0] == "round"


@sync
async def test_the_challenge_sheet_is_read_after_the_playground_sheet_it_overrides() -> None:
    from tutor.lesson.loader import load_lesson
    from tutor.ui.widgets.challenge import ChallengesView

    loaded = load_lesson(ROOT / "lessons" / "login-and-rotation.yaml")
    app = BareHost(lambda: ChallengesView(loaded, id="challenges-view"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        sheets = read_sheets(app)
        assert sheets.index("widgets/playground") < sheets.index("widgets/challenge")


@sync
async def test_the_walkthroughs_first_frame_reads_only_its_own_sheets() -> None:
    from ui_support import make_app

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        sheets = set(read_sheets(app))
        assert {"screens/lesson", "widgets/walkthrough", "widgets/execution_table"} <= sheets
        assert sheets.isdisjoint({"widgets/quiz", "widgets/playground", "widgets/challenge", "screens/picker"})
        app.screen.switch_mode("practice")
        await pilot.pause()
        assert "widgets/quiz" in read_sheets(app)


def test_a_widget_built_outside_an_app_reads_nothing() -> None:
    from tutor.ui.widgets.narration import Narration

    assert isinstance(Narration(), styles.Styled)
