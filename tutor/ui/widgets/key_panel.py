"""A grouped key panel: every key of a widget written on screen, grouped by what it does.

The Footer shows a handful of keys and cuts the rest; a playground with thirty keys needs them all in
view. :class:`KeyPanel` lays the groups out for its width (several groups on a line when they fit, a
group's keys wrapped when they do not) and, when its height is too small for all of them, shows one page
at a time; its border title then says which page it is and names the key that turns the page.

The groups are data (:class:`KeyGroup` of :class:`PanelKey`), and :func:`bindings_for` makes the widget's
bindings from the same data, so the panel, the help screen and the bindings cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Offset, Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from tutor.ui.styles import Styled


@dataclass(frozen=True)
class PanelKey:
    """One key: what it is bound to and how it is described."""

    key: str
    """Textual's key name (``plus``, ``ctrl+r``)."""
    action: str
    """The action string (``request('GET /')``)."""
    description: str
    """The full description: the help screen and the command palette show it."""
    label: str
    """The short label in the panel."""
    display: str | None = None
    """How the key is written (``+`` for ``plus``); the key name when not given."""
    verb: str | None = None
    """The event verb the key plays (``request``), or ``None`` for a key that plays no event; a
    challenge keeps only the keys of its allowed verbs."""

    @property
    def shown(self) -> str:
        return self.display or self.key

    @property
    def name(self) -> str:
        """The action's name without its arguments (``request``): the one place an action string is
        taken apart."""
        return self.action.partition("(")[0]


@dataclass(frozen=True)
class KeyGroup:
    title: str
    keys: tuple[PanelKey, ...]


def bindings_for(groups: Sequence[KeyGroup]) -> list[Binding]:
    """The bindings of every key in ``groups`` (not shown in the Footer: the panel shows them)."""
    return [
        Binding(k.key, k.action, k.description, show=False, key_display=k.display)
        for group in groups
        for k in group.keys
    ]


#: One line of the panel: (text, component class or "", index of the key a click on it presses, or -1).
Line = list[tuple[str, str, int]]

GAP = "  "
GROUP_GAP = "   "


class KeyPanel(Styled, Widget):
    """The keys of ``groups``, laid out for the width, paged when the height is short.

    A key (or its label) can also be clicked: the panel then posts :class:`KeyPanel.Pressed` (its owner
    runs the key's action, as if the key had been typed).
    """

    STYLES: ClassVar[tuple[str, ...]] = ("widgets/key_panel",)

    class Pressed(Message):
        """A key in the panel was clicked."""

        def __init__(self, key: PanelKey) -> None:
            super().__init__()
            self.key = key

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-panel--title",
        "key-panel--key",
        "key-panel--disabled",
    }

    page: reactive[int] = reactive(0)

    def __init__(
        self,
        groups: Sequence[KeyGroup],
        enabled: Callable[[PanelKey], bool] | None = None,
        *,
        more_key: str = "n",
        title: str = "keys",
        **kw,
    ) -> None:
        super().__init__(**kw)
        self.groups = tuple(groups)
        self.enabled = enabled or (lambda key: True)
        self.more_key = more_key
        self.title = title
        self.title_width = max((cell_len(g.title) for g in self.groups), default=0) + 1
        self.keys = [key for group in self.groups for key in group.keys]
        self.page_count = 1
        """How many pages the last render needed (1: every key is on screen)."""
        self._title = ""
        self._targets: list[list[tuple[int, int, int]]] = []
        """Per line shown: (first cell, end cell, key index) of each clickable key and its label."""

    # -- layout (pure: width in, lines out) ---------------------------------------------------------
    def layout_lines(self, width: int) -> list[Line]:
        """The panel's lines for ``width`` cells: groups side by side when they fit, keys wrapped."""
        lines: list[Line] = []
        current: Line = []
        used = 0
        for group in self.groups:
            block = self._group_lines(group, width)
            block_width = sum(cell_len(text) for text, _, _ in block[0])
            if len(block) == 1 and current and used + cell_len(GROUP_GAP) + block_width <= width:
                current.append((GROUP_GAP, "", -1))
                current.extend(block[0])
                used += cell_len(GROUP_GAP) + block_width
                continue
            if current:
                lines.append(current)
            lines.extend(block[:-1])
            current = list(block[-1])
            used = sum(cell_len(text) for text, _, _ in current)
        if current:
            lines.append(current)
        return lines

    def _group_lines(self, group: KeyGroup, width: int) -> list[Line]:
        """One group: its title, then its keys, wrapped under the first key when the width is short."""
        title = group.title.ljust(self.title_width)
        indent = " " * self.title_width
        lines: list[Line] = []
        line: Line = [(title, "key-panel--title", -1)]
        used = cell_len(title)
        first = True
        for key in group.keys:
            index = self.keys.index(key)
            style = "key-panel--key" if self.enabled(key) else "key-panel--disabled"
            label_style = "" if style == "key-panel--key" else "key-panel--disabled"
            piece = cell_len(key.shown) + 1 + cell_len(key.label)
            gap = "" if first else GAP
            if not first and used + cell_len(gap) + piece > width:
                lines.append(line)
                line, used, gap = [(indent, "", -1)], cell_len(indent), ""
            line.extend([(gap, "", -1), (key.shown, style, index), (" ", "", index), (key.label, label_style, index)])
            used += cell_len(gap) + piece
            first = False
        lines.append(line)
        return lines

    def marker(self, page: int, pages: int) -> str:
        """The panel's title: which page is shown and the key that shows the next one."""
        if pages <= 1:
            return self.title
        return f"{self.title} {page + 1}/{pages} · {self.more_key}: more keys"

    def pages_for(self, size: Size) -> list[list[Line]]:
        """The lines of each page for ``size`` (one page when everything fits)."""
        lines = self.layout_lines(size.width)
        height = max(1, size.height)
        return [lines[i : i + height] for i in range(0, len(lines), height)] or [[]]

    # -- Textual -------------------------------------------------------------------------------------
    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.layout_lines(width))

    def render(self) -> Text:
        pages = self.pages_for(self.content_size)
        self.page_count = len(pages)
        page = self.page % len(pages)
        title = self.marker(page, len(pages))
        if title != self._title:  # setting a border title refreshes: only when it changes
            self._title = title
            self.border_title = title
        text = Text(no_wrap=True, overflow="crop", end="")
        self._targets = []
        for row, line in enumerate(pages[page]):
            if row:
                text.append("\n")
            x = 0
            targets: list[tuple[int, int, int]] = []
            for piece, component, index in line:
                text.append(piece, self._style(component))
                if index >= 0:
                    targets.append((x, x + cell_len(piece), index))
                x += cell_len(piece)
            self._targets.append(targets)
        return text

    def _style(self, component: str) -> Style:
        # the whole style: a theme's muted text is "auto 60%", which only resolves against the background
        # (partial styles came out white on a light theme)
        return self.get_component_rich_style(component) if component else Style()

    def key_at(self, offset: Offset) -> PanelKey | None:
        """The key drawn at ``offset`` (in the content region) on the page shown, if any."""
        if 0 <= offset.y < len(self._targets):
            for start, end, index in self._targets[offset.y]:
                if start <= offset.x < end:
                    return self.keys[index]
        return None

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        key = self.key_at(offset) if offset is not None else None
        if key is not None:
            event.stop()
            self.post_message(self.Pressed(key))

    def next_page(self) -> None:
        """Show the next page (the first after the last)."""
        self.page = (self.page + 1) % max(1, self.page_count)


__all__ = ["KeyGroup", "KeyPanel", "PanelKey", "bindings_for"]
