"""The lesson's code samples, syntax highlighted, with the current phase's lines marked."""

from __future__ import annotations

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tutor.lesson.model import CodeSample
from tutor.ui.text import visible


class CodeSampleView(Static):
    """One sample: ``Syntax`` with line numbers; ``highlight_lines`` follow the phase."""

    def __init__(self, sample: CodeSample, **kw) -> None:
        super().__init__(**kw)
        self.sample = sample
        self.source = visible(sample.source).rstrip("\n")
        self.highlighted: frozenset[int] = frozenset()
        #: (dark, highlighted lines) -> Syntax: Pygments lexes the sample once per highlight set and theme
        self._syntax_cache: dict[tuple[bool, frozenset[int]], Syntax] = {}
        # border titles are markup when given a str: lesson text goes in as Content, literally
        self.border_title = Content(visible(sample.title))
        if sample.caption:
            self.border_subtitle = Content(visible(sample.caption))

    def on_mount(self) -> None:
        self._render_syntax()
        self.watch(self.app, "theme", self._theme_changed, init=False)

    def _theme_changed(self, _theme: str) -> None:
        self._syntax_cache.clear()
        self._render_syntax(layout=True)

    def set_phase(self, phase: str | None) -> None:
        lines = frozenset(self.sample.lines.get(phase, ())) if phase else frozenset()
        if lines != self.highlighted:
            self.highlighted = lines
            # the same source, so the same size: only the marked lines change
            self._render_syntax(layout=False)

    def _render_syntax(self, *, layout: bool = True) -> None:
        dark = self.app.current_theme.dark if self.is_mounted else True
        key = (dark, self.highlighted)
        syntax = self._syntax_cache.get(key)
        if syntax is None:
            syntax = self._syntax_cache[key] = Syntax(
                self.source,
                self.sample.language,
                theme="ansi_dark" if dark else "ansi_light",
                line_numbers=True,
                highlight_lines=set(self.highlighted),
                word_wrap=False,
                background_color="default",
            )
        self.update(syntax, layout=layout)


class CodeView(VerticalScroll):
    """Every code sample of the lesson, one under the other."""

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
            # bring the first highlighted line into view
            line = min(first.highlighted)
            self.scroll_to(y=max(0, first.virtual_region.y + line - 2), animate=False)
