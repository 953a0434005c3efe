"""The lesson's code samples, syntax highlighted, with the current phase's lines marked.

Pygments runs once per sample and theme (dark or light), after the first frame (the code is drawn plain
in it, then coloured: Pygments and its lexers cost more than the rest of the first frame's rendering);
a step only restyles the marked lines of the text kept in memory, and repaints the sample without a
layout pass (same size).
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tutor.lesson.model import CodeSample
from tutor.ui.styles import Styled
from tutor.ui.text import visible

#: How the marked lines of the current phase are shown (with the theme's colour of the component class).
MARK = "▌"


def _foreground_only(line: Text) -> Text:
    """A highlighted line without background colours (the pane's own background shows, in any theme)."""
    line.style = Style(color=Style.parse(str(line.style)).color) if line.style else ""
    line.spans = [
        type(span)(
            span.start,
            span.end,
            Style(color=style.color, bold=style.bold, italic=style.italic, underline=style.underline),
        )
        for span in line.spans
        for style in [span.style if isinstance(span.style, Style) else Style.parse(span.style)]
    ]
    return line


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
        # border titles are markup when given a str: lesson text goes in as Content, literally
        self.border_title = Content(visible(sample.title))
        if sample.caption:
            self.border_subtitle = Content(visible(sample.caption))

    def on_mount(self) -> None:
        self._render_code()
        self.call_after_refresh(self._colour)
        self.watch(self.app, "theme", lambda _: self._render_code(layout=False), init=False)

    def _colour(self) -> None:
        """Highlight the code (after the first frame; not for a view removed meanwhile, by a reload)."""
        if not self.is_attached:
            return
        self._highlight = True
        self._render_code(layout=False)

    def set_phase(self, phase: str | None) -> None:
        lines = frozenset(self.sample.lines.get(phase, ())) if phase else frozenset()
        if lines != self.highlighted:
            self.highlighted = lines
            self._render_code(layout=False)  # the same source, so the same size

    def _code_lines(self, dark: bool) -> list[Text]:
        if not getattr(self, "_highlight", False):
            return [Text(line) for line in self.source.split("\n")]
        lines = self._lines.get(dark)
        if lines is None:
            from rich.syntax import Syntax  # imports Pygments: not before the first frame

            syntax = Syntax(
                self.source,
                self.sample.language,
                theme="ansi_dark" if dark else "ansi_light",
                background_color="default",
            )
            lines = self._lines[dark] = [
                _foreground_only(line) for line in syntax.highlight(self.source).split("\n", allow_blank=True)
            ]
        return lines

    def _render_code(self, *, layout: bool = True) -> None:
        dark = self.app.current_theme.dark if self.is_mounted else True
        lines = self._code_lines(dark)
        digits = len(str(len(lines)))
        attached = self.is_mounted and self.is_attached
        marked = self.get_component_rich_style("code-sample--marked") if attached else Style(bold=True)
        number = self.get_component_rich_style("code-sample--number") if attached else Style(dim=True)
        text = Text(no_wrap=True, overflow="crop", end="")
        for n, line in enumerate(lines, 1):
            if n > 1:
                text.append("\n")
            here = n in self.highlighted
            text.append(MARK if here else " ", marked if here else number)
            text.append(f"{n:>{digits}} ", marked if here else number)
            start = len(text)
            text.append_text(line)
            if here:
                text.stylize(Style(bold=True), start, len(text))
        self.update(text, layout=layout)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted and self.is_attached:
            self._render_code(layout=False)


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

    def set_phase(self, phase: str | None) -> None:
        first: CodeSampleView | None = None
        for view in self.query(CodeSampleView):
            view.set_phase(phase)
            if first is None and view.highlighted:
                first = view
        if first is not None and first.highlighted:
            # bring the first highlighted line into view: a line of context above it, none when the pane
            # shows only a few lines (short terminals: three)
            line = min(first.highlighted)
            styled = self.styles.height
            context = 1 if (self.size.height or (styled.value if styled is not None else 0)) > 5 else 0
            top = first.virtual_region.y + first.styles.gutter.top + line - 1 - context
            self.scroll_to(y=max(0, top), animate=False, immediate=True)
