"""The lesson's code samples, syntax highlighted, with the current step's lines marked (which lines a step
marks in which sample is the lesson model's rule, :meth:`CodeSample.marked`).

A sample is coloured once per theme (dark or light) by :mod:`tutor.ui.widgets.code_colours`. When the
colours are in the cache (any launch after the first) the first frame shows them; otherwise the code is
drawn plain in the first frame and coloured just after it (Pygments and its lexers cost more than the
rest of the first frame's rendering), then kept for the next launch. The colours never change a sample's
size. A step only restyles the marked lines of the text kept in memory, and repaints the sample without
a layout pass (same size).

A line of code wider than the pane ends in ``…`` (the whole sample is in the lesson file). A sample of
``language: text`` is prose, not code (a capture's findings): its lines are wrapped at the width the pane
has, each continuation indented under its line's text (:class:`Wrapped`), with no line numbers, so none
of it is cut; :func:`sample_rows` is how tall it is at a width (the walkthrough sizes its band by it).
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tutor.engine.trace import Step
from tutor.lesson.model import CodeSample
from tutor.ui.styles import Styled
from tutor.ui.text import visible
from tutor.ui.widgets import code_colours

#: How the marked lines of the current phase are shown (with the theme's colour of the component class).
MARK = "▌"
#: The language of a sample that is prose, not code: wrapped, never cut (see the module docstring).
PROSE = "text"
#: How much further than its line's own indent a wrapped line's continuation starts.
HANG = 2


def is_prose(sample: CodeSample) -> bool:
    return sample.language == PROSE


class Wrapped:
    """Rich renderable: lines, each after its gutter, wrapped at spaces to the width they are drawn at
    (a word longer than the row is folded); a continuation row starts :data:`HANG` cells further in than
    its line's text. Textual measures its height at the pane's width, so no width is fixed in advance."""

    def __init__(self, lines: list[tuple[Text, Text]]) -> None:
        self.lines = lines

    def rows(self, console: Console, width: int) -> list[Text]:
        out: list[Text] = []
        for gutter, line in self.lines:
            room = max(1, width - gutter.cell_len)
            indent = len(line.plain) - len(line.plain.lstrip(" "))
            first = line.wrap(console, room)[:1]
            if not first:
                out.append(gutter.copy())
                continue
            out.append(Text.assemble(gutter, first[0]))
            rest = line[len(first[0].plain) :]
            rest = rest[len(rest.plain) - len(rest.plain.lstrip(" ")) :]
            if not rest.plain:
                continue
            hang = min(indent + HANG, max(0, room - 8))  # a narrow pane keeps 8 cells for the text
            pad = Text(" " * (gutter.cell_len + hang), end="")
            out.extend(Text.assemble(pad, part) for part in rest.wrap(console, max(1, room - hang)))
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for row in self.rows(console, options.max_width):
            row.end = "\n"
            row.no_wrap = True
            yield row


class CodeSampleView(Styled, Static):
    """One sample with line numbers; the lines of the current phase are marked."""

    STYLES: ClassVar[tuple[str, ...]] = ("widgets/code_view",)

    COMPONENT_CLASSES = {"code-sample--marked", "code-sample--number"}

    def __init__(self, sample: CodeSample, **kw) -> None:
        super().__init__(**kw)
        self.sample = sample
        self.source = visible(sample.source).rstrip("\n")
        self.highlighted: frozenset[int] = frozenset()
        #: dark theme? -> the sample's lines as highlighted by Pygments (lexed once per theme)
        self._lines: dict[bool, list[Text]] = {}
        self._keep = False
        # border titles are markup when given a str: lesson text goes in as Content, literally
        self.border_title = Content(visible(sample.title))
        if sample.caption:
            self.border_subtitle = Content(visible(sample.caption))

    def on_mount(self) -> None:
        dark = self.app.current_theme.dark
        # kept between launches only in an app that says so (TutorApp; not a capture's, nor a test's host)
        self._keep = bool(getattr(self.app, "CACHE_COLOURS", False))
        lines = code_colours.cached(self.source, self.sample.language, dark) if self._keep else None
        if lines is not None:  # coloured in the first frame
            self._lines[dark] = lines
            self._highlight = True
        else:
            self.call_after_refresh(self._colour)
        self._render_code()
        self.watch(self.app, "theme", lambda _: self._render_code(layout=False), init=False)

    def _colour(self) -> None:
        """Highlight the code (after the first frame; not for a view removed meanwhile, by a reload)."""
        if not self.is_attached:
            return
        self._highlight = True
        self._render_code(layout=False)

    @property
    def coloured(self) -> bool:
        """Whether the code is shown highlighted (it is plain only until just after the first frame)."""
        return getattr(self, "_highlight", False)

    def set_step(self, step: Step | None) -> None:
        """Mark the lines the lesson model says this sample marks at ``step`` (:meth:`CodeSample.marked`)."""
        lines = self.sample.marked(step)
        if lines != self.highlighted:
            self.highlighted = lines
            self._render_code(layout=False)  # the same source, so the same size

    def _code_lines(self, dark: bool) -> list[Text]:
        if not getattr(self, "_highlight", False):
            return [Text(line) for line in self.source.split("\n")]
        lines = self._lines.get(dark)
        if lines is None:
            language = self.sample.language
            lines = self._lines[dark] = code_colours.coloured_lines(self.source, language, dark, keep=self._keep)
        return lines

    def _render_code(self, *, layout: bool = True) -> None:
        dark = self.app.current_theme.dark if self.is_mounted else True
        lines = self._code_lines(dark)
        digits = len(str(len(lines)))
        attached = self.is_mounted and self.is_attached
        marked = self.get_component_rich_style("code-sample--marked") if attached else Style(bold=True)
        number = self.get_component_rich_style("code-sample--number") if attached else Style(dim=True)
        prose = is_prose(self.sample)
        text = Text(no_wrap=True, overflow="crop", end="")
        rows: list[tuple[Text, Text]] = []
        for n, line in enumerate(lines, 1):
            here = n in self.highlighted
            gutter = Text(MARK if here else " ", marked if here else number, end="")
            if not prose:
                gutter.append(f"{n:>{digits}} ", marked if here else number)
            body = line.copy() if here else line
            if here:
                body.stylize(Style(bold=True))
            rows.append((gutter, body))
        if prose:
            self.update(Wrapped(rows), layout=layout)
            return
        for n, (gutter, body) in enumerate(rows):
            if n:
                text.append("\n")
            text.append_text(gutter)
            text.append_text(body)
        self.update(text, layout=layout)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted and self.is_attached:
            self._render_code(layout=False)


def sample_rows(sample: CodeSample, width: int, console: Console) -> int:
    """Rows the sample's text takes at ``width`` (inside its border): one per line of code, a prose
    sample's lines as :class:`Wrapped` draws them (the gutter is the one cell of the mark)."""
    lines = visible(sample.source).rstrip("\n").split("\n")
    if not is_prose(sample):
        return len(lines)
    return len(Wrapped([(Text(" "), Text(line)) for line in lines]).rows(console, width))


class CodeView(Styled, VerticalScroll, can_focus=False):
    """Every code sample of the lesson, one under the other (it follows the step: no focus, no keys;
    the mouse wheel scrolls it)."""

    STYLES: ClassVar[tuple[str, ...]] = ("widgets/code_view",)

    def __init__(self, samples: list[CodeSample], **kw) -> None:
        super().__init__(**kw)
        self.samples = samples

    def compose(self) -> ComposeResult:
        for sample in self.samples:
            yield CodeSampleView(sample)

    def set_step(self, step: Step | None) -> None:
        first: CodeSampleView | None = None
        for view in self.query(CodeSampleView):
            view.set_step(step)
            if first is None and view.highlighted:
                first = view
        if first is not None and first.highlighted:
            if first is not self.query(CodeSampleView).first() and not first.virtual_region.height:
                # a later sample before the first layout (the first step's): its place is known after it
                self.call_after_refresh(self._show_marked, first)
            else:
                self._show_marked(first)

    def _show_marked(self, first: CodeSampleView) -> None:
        """Bring ``first``'s first marked line into view: a line of context above it, none when the pane
        shows only a few lines (short terminals: three)."""
        if not first.highlighted:
            return
        line = min(first.highlighted)
        styled = self.styles.height
        context = 1 if (self.size.height or (styled.value if styled is not None else 0)) > 5 else 0
        top = first.virtual_region.y + first.styles.gutter.top + line - 1 - context
        self.scroll_to(y=max(0, top), animate=False, immediate=True)
