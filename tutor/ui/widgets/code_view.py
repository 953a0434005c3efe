"""The lesson's code samples, syntax highlighted, with the current phase's lines marked."""

from __future__ import annotations

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.content import Content
from textual.containers import VerticalScroll
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
        # border titles are markup when given a str: lesson text goes in as Content, literally
        self.border_title = Content(visible(sample.title))
        if sample.caption:
            self.border_subtitle = Content(visible(sample.caption))

    def on_mount(self) -> None:
        self._render_syntax()
        self.watch(self.app, "theme", lambda _: self._render_syntax(), init=False)

    def set_phase(self, phase: str | None) -> None:
        lines = frozenset(self.sample.lines.get(phase, ())) if phase else frozenset()
        if lines != self.highlighted:
            self.highlighted = lines
            self._render_syntax()

    def _render_syntax(self) -> None:
        dark = self.app.current_theme.dark if self.is_mounted else True
        self.update(
            Syntax(
                self.source,
                self.sample.language,
                theme="ansi_dark" if dark else "ansi_light",
                line_numbers=True,
                highlight_lines=set(self.highlighted),
                word_wrap=False,
                background_color="default",
            )
        )


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
