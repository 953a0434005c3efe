"""The code samples' colours kept between launches (tutor/ui/widgets/code_colours.py): read back exactly
as Pygments gave them, used by the next launch instead of Pygments, and never more than colours."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import msgspec
import pytest
from ui_support import make_app, sync

from tutor.lesson.catalog import entries
from tutor.lesson.loader import load_lesson_cached
from tutor.ui.text import visible
from tutor.ui.widgets import code_colours


def _samples() -> list[tuple[str, str, str]]:
    out = []
    for entry in entries([]):
        for n, sample in enumerate(load_lesson_cached(entry.path).lesson.code):
            out.append((f"{entry.id}-{n}", visible(sample.source).rstrip("\n"), sample.language))
    return out


SAMPLES = _samples()


def _entry(home: Path) -> Path:
    (path,) = (home / "cache" / code_colours.FOLDER).glob(f"*{code_colours.SUFFIX}")
    return path


@pytest.mark.parametrize("dark", [True, False], ids=["dark", "light"])
def test_every_built_in_sample_reads_back_as_pygments_coloured_it(home: Path, dark: bool) -> None:
    assert SAMPLES
    for _name, source, language in SAMPLES:
        fresh = code_colours.highlight(source, language, dark)
        assert [line.plain for line in fresh] == source.split("\n")  # one Text per line, no extra one
        assert any(line.spans for line in fresh)
        assert code_colours.cached(source, language, dark) is None
        assert code_colours.store(source, language, dark, fresh)
        again = code_colours.cached(source, language, dark)
        assert again is not None
        assert [(line.plain, line.style or "", line.spans) for line in again] == [
            (line.plain, line.style or "", line.spans) for line in fresh
        ]


def test_an_entry_is_private_and_keyed_by_source_language_and_theme(home: Path) -> None:
    _name, source, language = SAMPLES[0]
    code_colours.coloured_lines(source, language, True)
    path = _entry(home)
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert code_colours.cached(source, language, False) is None
    assert code_colours.cached(source + "\n// more", language, True) is None
    assert code_colours.cached(source, "python", True) is None
    assert code_colours.cached(source, language, True) is not None


def _plant(path: Path, change) -> None:
    key, lines = msgspec.msgpack.decode(path.read_bytes())
    change(lines)
    path.write_bytes(msgspec.msgpack.encode((key, lines)))


@pytest.mark.parametrize(
    "change",
    [
        lambda lines: lines[0][1].append((0, 10_000, "red")),  # a span beyond its line
        lambda lines: lines[0][1].append((5, 2, "red")),  # a span that ends before it starts
        lambda lines: lines.append(("", [])),  # a line the sample does not have
        lambda lines: lines[0][1].append((0, 1, "no such colour")),  # a style that does not parse
        lambda lines: lines.__setitem__(0, "not a line"),  # another shape
    ],
)
def test_a_damaged_entry_is_a_miss(home: Path, change) -> None:
    _name, source, language = SAMPLES[0]
    code_colours.coloured_lines(source, language, True)
    _plant(_entry(home), change)
    assert code_colours.cached(source, language, True) is None
    # ... and the next colouring writes a good one again
    assert code_colours.coloured_lines(source, language, True) == code_colours.cached(source, language, True)


def test_an_entry_brings_colours_only(home: Path) -> None:
    # a planted link or background is dropped: what is read back is a foreground colour and bold/italic
    _name, source, language = SAMPLES[0]
    code_colours.coloured_lines(source, language, True)
    _plant(_entry(home), lambda lines: lines[0][1].append((0, 3, "bold red on blue link https://example.com")))
    lines = code_colours.cached(source, language, True)
    assert lines is not None
    last = lines[0].spans[-1]
    assert (last.start, last.end) == (0, 3)
    assert last.style.bold and last.style.color is not None and last.style.color.name == "red"
    assert last.style.bgcolor is None and last.style.link is None
    assert lines[0].plain == source.split("\n")[0]  # the text is the sample's own, whatever the entry says


def test_lines_that_are_not_the_samples_own_are_not_kept(home: Path) -> None:
    _name, source, language = SAMPLES[0]
    lines = code_colours.highlight(source, language, True)
    assert not code_colours.store(source + "\nextra", language, True, lines)
    assert not (home / "cache" / code_colours.FOLDER).exists()


@sync
async def test_the_next_launch_colours_the_code_in_its_first_frame_without_pygments(home: Path, monkeypatch) -> None:
    from tutor.ui.widgets.code_view import CodeSampleView

    late: list[CodeSampleView] = []  # views coloured after their first frame
    colour = CodeSampleView._colour

    def coloured_late(view: CodeSampleView) -> None:
        late.append(view)
        colour(view)

    monkeypatch.setattr(CodeSampleView, "_colour", coloured_late)

    async def shown() -> list[list[tuple[str, object]]]:
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            views = list(app.screen.walkthrough.query(CodeSampleView))
            assert views and all(view.coloured for view in views)
            return [[(s.text, s.style) for s in view.render_line(1)] for view in views]

    first = await shown()  # highlights with Pygments after the first frame, and keeps the colours
    assert late
    late.clear()

    def no_pygments(*args: object) -> None:
        raise AssertionError("Pygments was run although the colours were in the cache")

    monkeypatch.setattr(code_colours, "highlight", no_pygments)
    assert await shown() == first
    assert not late  # coloured from the cache when mounted: the first frame shows the colours


@pytest.mark.parametrize("dark", [True, False])
def test_plain_text_is_what_pygments_makes_of_it_without_pygments(dark: bool) -> None:
    """A capture's findings pane (`text`): the same lines, tabs and all, and no colour either way."""
    from rich.style import Style
    from rich.syntax import Syntax

    source = 'step 1: a\tb  "q" #x <b>[bold]y[/]\n\n  PHPSESSID: x=1; y\t\n'
    syntax = Syntax(source, "text", theme="ansi_dark" if dark else "ansi_light", background_color="default")
    lexed = list(syntax.highlight(source).split("\n", allow_blank=True))[: source.count("\n") + 1]
    plain = code_colours.highlight(source, "text", dark)
    assert [line.plain for line in plain] == [line.plain for line in lexed] and len(plain) == 4
    # what highlight() keeps of Pygments' styles (foreground colour, bold, italic, underline): nothing
    assert all(not code_colours.foreground_only(span.style) for line in lexed for span in line.spans)
    assert all(not line.style or Style.parse(str(line.style)).color is None for line in lexed)
    assert not any(line.spans or line.style for line in plain)
    assert "text" in code_colours.PLAIN
