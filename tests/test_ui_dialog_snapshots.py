"""SVG snapshots of the playground's dialogs and of the "terminal too small" screen (update with
--snapshot-update): the options dialog and the prompt dialog at 80×24 and 120×40, the options dialog as a
16-colour terminal shows it (the focused field marked ▶ without colour), the lesson screen in a terminal
below its minimum size."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_support import in_16_colours, make_app, only_fixture_lessons

SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "home"))
    only_fixture_lessons(monkeypatch)


def _press(*keys: str):
    async def run_before(pilot) -> None:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_playground_options_dialog(snap_compare, size) -> None:
    assert snap_compare(make_app(mode="play", store=None), terminal_size=size, run_before=_press("O"))


#: Issue 19: the focus is seen with 16 colours: on a text field (five Tabs from the first field:
#: idle_timeout) and on a button (shift+Tab from the first field: Cancel).
FOCUS_KEYS = {"field": ("O", *["tab"] * 5), "button": ("O", "shift+tab")}


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("focus", list(FOCUS_KEYS))
def test_playground_options_dialog_in_16_colours(snap_compare, size, focus) -> None:
    app = in_16_colours(make_app(mode="play", store=None))
    assert snap_compare(app, terminal_size=size, run_before=_press(*FOCUS_KEYS[focus]))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_playground_prompt_dialog(snap_compare, size) -> None:
    # "+": advance the clock by any duration, a one-field prompt with its example
    assert snap_compare(make_app(mode="play", store=None), terminal_size=size, run_before=_press("plus"))


def test_terminal_too_small_for_the_lesson(snap_compare) -> None:
    assert snap_compare(make_app(store=None), terminal_size=(50, 14), run_before=_press())
