"""The concept flow: boxes and arrows left to right, or a one-line breadcrumb.

One widget draws the whole diagram as text (no widget per box), in one of two layouts chosen from the
terminal's size when it is made (and again when the terminal is resized):

* ``-boxes``: a box per node in a row, labels wrapped inside at word boundaries (a word is never broken:
  when the longest word does not fit a box, the breadcrumb is used instead); under the row, the labelled
  branches leaving the current node (``↪ no cookie → Create a new session``), then the caption on its own
  lines;
* ``-compact``: one line, the current node with its neighbours and the current node's branches.

A step changes neither layout nor height: it repaints the diagram without a layout pass.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from tutor.lesson.model import Flow
from tutor.ui.text import visible

LAYOUTS = ("-boxes", "-compact")
#: On terminals shorter than this the flow is a one-line breadcrumb (rows are worth more than boxes).
COMPACT_BELOW_HEIGHT = 34
#: The narrowest a box may be (border and padding included).
MIN_BOX_WIDTH = 12
#: The widest a box is drawn.
MAX_BOX_WIDTH = 30
ARROW = " ─▶ "
#: A node's label in the breadcrumb is cut to this many cells (with "…").
CRUMB_LABEL_WIDTH = 28
#: The caption under the boxes takes at most this many lines.
CAPTION_LINES = 2


def wrap_words(text: str, width: int) -> list[str] | None:
    """``text`` wrapped at spaces into lines of at most ``width`` cells; None when a word is wider."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        if cell_len(word) > width:
            return None
        if not line:
            line = word
        elif cell_len(line) + 1 + cell_len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines


class FlowDiagram(Widget):
    """Draws a lesson's ``flow``; :meth:`set_phase` highlights the nodes of the current phase."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "flow-diagram--node",
        "flow-diagram--current",
        "flow-diagram--arrow",
        "flow-diagram--edge",
        "flow-diagram--caption",
    }

    def __init__(self, flow: Flow, **kw) -> None:
        super().__init__(**kw)
        self.flow = flow
        self.phase: str | None = None
        self._current: list[int] = []  # indexes of the highlighted nodes
        self.labels = [visible(n.label) for n in flow.nodes]
        names = {n.id: visible(n.label) for n in flow.nodes}
        #: node index -> its labelled outgoing edges as "label → target"
        self.branches: dict[int, list[str]] = {}
        order = {n.id: i for i, n in enumerate(flow.nodes)}
        for edge in flow.edges:
            a = order.get(edge.from_)
            if a is not None and edge.label:
                self.branches.setdefault(a, []).append(f"{visible(edge.label)} → {names.get(edge.to, edge.to)}")
        self.caption = visible(flow.caption or "")
        # the layout is chosen now, from the terminal's size, so the first style pass is the last one
        try:
            size = self.app.size
        except Exception:  # made outside an app (tests of the widget alone)
            size = None
        self.layout_class = self.choose_layout(size.width, size.height) if size else "-boxes"
        self.add_class(self.layout_class)

    # -- layout -------------------------------------------------------------------------------------
    def _box_width(self, width: int) -> int:
        count = max(1, len(self.labels))
        return min(MAX_BOX_WIDTH, (width - 2 - len(ARROW) * (count - 1)) // count)

    def _box_lines(self, width: int) -> list[list[str]] | None:
        """Each label wrapped inside its box at this terminal width; None when the boxes do not fit."""
        box = self._box_width(width)
        if box < MIN_BOX_WIDTH:
            return None
        wrapped = [wrap_words(label, box - 4) for label in self.labels]
        if any(lines is None for lines in wrapped):
            return None
        return wrapped  # type: ignore[return-value]

    def choose_layout(self, width: int, height: int) -> str:
        if height and height < COMPACT_BELOW_HEIGHT:
            return "-compact"
        if width and self._box_lines(width) is None:
            return "-compact"
        return "-boxes"

    def relayout(self) -> None:
        """Choose the layout again (the terminal's size changed)."""
        size = self.app.size
        layout = self.choose_layout(size.width, size.height)
        if layout != self.layout_class:
            self.remove_class(self.layout_class)
            self.add_class(layout)
            self.layout_class = layout
            self.refresh(layout=True)

    def on_resize(self) -> None:
        self.relayout()

    def set_phase(self, phase: str | None) -> None:
        """Highlight every node whose ``phases`` include ``phase``."""
        if phase == self.phase and self._current is not None and self.is_mounted:
            return
        self.phase = phase
        self._current = [i for i, n in enumerate(self.flow.nodes) if phase is not None and phase in n.phases]
        self.refresh()  # same size: a repaint only

    @property
    def current_nodes(self) -> list[str]:
        return [self.flow.nodes[i].id for i in self._current]

    def _caption_lines(self, console: Console, width: int) -> list[Text]:
        if not self.caption:
            return []
        lines = list(Text(self.caption).wrap(console, width - 2))
        if len(lines) > CAPTION_LINES:
            lines = lines[:CAPTION_LINES]
            lines[-1].truncate(width - 3)
            lines[-1].append("…")
        return lines

    def get_content_height(self, container, viewport, width: int) -> int:
        if self.layout_class == "-compact":
            return 1
        boxes = self._box_lines(width) or [[""]]
        height = 2 + max(len(lines) for lines in boxes)
        if self.branches:
            height += 1
        return height + len(self._caption_lines(self.app.console, width))

    # -- drawing ------------------------------------------------------------------------------------
    def _branch_text(self) -> Text:
        text = Text()
        for i in self._current:
            for branch in self.branches.get(i, []):
                text.append("  ↪ " if text else "↪ ")
                text.append(branch)
        return text

    def render(self) -> Text:
        width = self.size.width
        node = self.get_component_rich_style("flow-diagram--node")
        current = self.get_component_rich_style("flow-diagram--current")
        arrow = self.get_component_rich_style("flow-diagram--arrow")
        edge = self.get_component_rich_style("flow-diagram--edge")
        caption = self.get_component_rich_style("flow-diagram--caption")
        if self.layout_class == "-compact" or not width:
            return self._crumb(width, node, current, arrow, edge)
        boxes = self._box_lines(width)
        if boxes is None:
            return self._crumb(width, node, current, arrow, edge)
        box = self._box_width(width)
        inner = max(len(lines) for lines in boxes)
        middle = 1 + (inner - 1) // 2
        out = Text(no_wrap=True, overflow="crop", end="")
        for y in range(inner + 2):
            if y:
                out.append("\n")
            out.append(" ")
            for i, lines in enumerate(boxes):
                if i:
                    out.append(ARROW if y == middle else " " * len(ARROW), arrow)
                here = i in self._current
                style = current if here else node
                h, v, tl, tr, bl, br = ("━", "┃", "┏", "┓", "┗", "┛") if here else ("─", "│", "╭", "╮", "╰", "╯")
                if y == 0:
                    out.append(tl + h * (box - 2) + tr, style)
                elif y == inner + 1:
                    out.append(bl + h * (box - 2) + br, style)
                else:
                    top = (inner - len(lines)) // 2
                    label = lines[y - 1 - top] if 0 <= y - 1 - top < len(lines) else ""
                    pad = box - 4 - cell_len(label)
                    out.append(v, style)
                    out.append(" " + " " * (pad // 2) + label + " " * (pad - pad // 2) + " ", style)
                    out.append(v, style)
        if self.branches:
            branch = self._branch_text()
            branch.truncate(width - 1, overflow="ellipsis")
            out.append("\n ")
            out.append_text(Text(branch.plain, style=edge) if branch.plain else Text(""))
        for line in self._caption_lines(self.app.console, width):
            out.append("\n ")
            out.append(line.plain, caption)
        return out

    def _crumb(self, width: int, node: Style, current: Style, arrow: Style, edge: Style) -> Text:
        """One line: the current node(s) with their neighbours, then the current node's branches."""
        nodes = self.labels
        here = self._current or [0]
        near = sorted({j for i in here for j in (i - 1, i, i + 1) if 0 <= j < len(nodes)})
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        if near and near[0] > 0:
            text.append("… › ", arrow)
        for n, i in enumerate(near):
            if n:
                text.append(" › ", arrow)
            label = Text(nodes[i])
            label.truncate(CRUMB_LABEL_WIDTH, overflow="ellipsis")
            text.append(f" {label.plain} ", current if i in self._current else node)
        if near and near[-1] < len(nodes) - 1:
            text.append(" › …", arrow)
        branch = self._branch_text()
        if branch.plain:
            text.append("   ")
            text.append(branch.plain, edge)
        if width:
            text.truncate(width, overflow="ellipsis")
        return text

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()


__all__ = ["FlowDiagram", "LAYOUTS"]
