"""The lesson screen's two one-line bars: the mode strip (``ModeStrip``: the lesson's modes, a click
switches) and the key bar (``KeyBar``: the keys of the focused part of the screen, a click runs one).

Both are drawn as one text each (no widget per mode or per key) and are used by ``LessonScreen``
(tutor/ui/screens/lesson.py), which re-exports ``ModeStrip``.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget

from tutor.lesson.modes import MODES
from tutor.ui.styles import Styled


class ModeStrip(Styled, Widget):
    """One line naming the lesson's modes, the active one highlighted; a click switches mode.

    One widget instead of a tab bar of eight tabs (the tab bar and its panes were a fifth of the
    start-up time)."""

    STYLES: ClassVar[tuple[str, ...]] = ("widgets/lesson_bars",)

    COMPONENT_CLASSES: ClassVar[set[str]] = {"mode-strip--active", "mode-strip--mode", "mode-strip--key"}

    class ModeClicked(Message):
        def __init__(self, mode: str) -> None:
            super().__init__()
            self.mode = mode

    def __init__(self, active: str, modes: tuple[str, ...] = tuple(MODES), **kw) -> None:
        super().__init__(**kw)
        self.active = active
        self.modes = modes
        self._spans: list[tuple[int, int, str]] = []

    def set_active(self, mode: str) -> None:
        if mode != self.active:
            self.active = mode
            self.refresh()

    def render(self) -> Text:
        active = self.get_component_rich_style("mode-strip--active")
        plain = self.get_component_rich_style("mode-strip--mode")
        key = self.get_component_rich_style("mode-strip--key")
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        self._spans = []
        # each label padded by a space when they all fit so, else one space between them (80 columns)
        roomy = sum(len(MODES[mode][0]) + 2 for mode in self.modes) <= self.size.width
        for mode in self.modes:
            label = MODES[mode][0]
            if not roomy and self._spans:
                text.append(" ", plain)
            start = len(text)
            text.append(f" {label} " if roomy else label, active if mode == self.active else plain)
            self._spans.append((start, len(text), mode))
        if len(text) + 11 <= self.size.width:  # the hint only when it fits whole
            text.append(" [ ] switch", key)
        return text

    def get_content_height(self, container, viewport, width: int) -> int:
        return 1

    def offset_of(self, mode: str) -> int:
        """Where ``mode``'s label starts on the strip (x, in cells)."""
        self.render()
        return next(start for start, _end, name in self._spans if name == mode) + self.styles.padding.left

    def on_click(self, event: events.Click) -> None:
        for start, end, mode in self._spans:
            if start <= event.x - self.styles.padding.left < end:
                self.post_message(self.ModeClicked(mode))
                return


class KeyBar(Styled, Widget):
    """The keys of the focused part of the screen on one line (``key description``, like Textual's Footer),
    drawn as one text: a change of keys repaints it, where the Footer mounts a widget per key again.
    A click on a key runs it; ``?`` lists every key."""

    STYLES: ClassVar[tuple[str, ...]] = ("widgets/lesson_bars",)

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description", "key-bar--disabled"}

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self._spans: list[tuple[int, int, str]] = []  # (start, end, key) of each key on the line

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, lambda _screen: self.refresh())

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        description = self.get_component_rich_style("key-bar--description")
        disabled = self.get_component_rich_style("key-bar--disabled")
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        self._spans = []
        seen: set[str] = set()
        # help and the command palette are kept at the right end, always on screen; the others fill the
        # line from the left (cut with "…" on a narrow terminal: `?` lists them all)
        tail: list[tuple[Binding, bool]] = []
        bindings = self.screen.active_bindings
        palette = bindings.get(self.app.COMMAND_PALETTE_BINDING)
        for _node, binding, enabled, _tooltip in bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            if binding.action.endswith("help"):
                tail.append((binding, enabled))
                continue
            start = len(text)
            text.append(f" {self.app.get_key_display(binding)} ", key_style if enabled else disabled)
            text.append(f"{binding.description} ", description if enabled else disabled)
            self._spans.append((start, len(text), binding.key))
        if palette is not None and self.app.ENABLE_COMMAND_PALETTE:
            tail.append((palette[1], True))
        end = Text(no_wrap=True, end="")
        end_spans = []
        for binding, enabled in tail:
            start = len(end)
            end.append(f" {self.app.get_key_display(binding)} ", key_style if enabled else disabled)
            said = "palette" if palette is not None and binding is palette[1] else binding.description
            end.append(f"{said} ", description)
            end_spans.append((start, len(end), binding.key))
        width = self.size.width
        if width and len(text) + len(end) > width:
            text.truncate(max(0, width - len(end)), overflow="ellipsis")
            self._spans = [(a, min(b, len(text)), k) for a, b, k in self._spans if a < len(text)]
        gap = max(1, width - len(text) - len(end)) if width else 1
        offset = len(text) + gap
        text.append(" " * gap)
        text.append_text(end)
        self._spans += [(offset + a, offset + b, k) for a, b, k in end_spans]
        return text

    def get_content_height(self, container, viewport, width: int) -> int:
        return 1

    async def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return


__all__ = ["KeyBar", "ModeStrip"]
