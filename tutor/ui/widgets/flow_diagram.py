"""The concept flow: the lesson's graph (layers left to right, branches labelled), or a one-line breadcrumb.

One widget draws the whole diagram as text (no widget per node), in one of two layouts chosen from the
terminal's size when it is made (and again when the terminal is resized):

* ``-boxes``: the authored graph (:mod:`tutor.lesson.flow_layout` lays it out, :mod:`.flow_graph` draws
  it): a column per layer, each branch with its label, the current step's node highlighted; labels wrap
  at word boundaries (a word is never broken: when the graph does not fit, the breadcrumb is used
  instead); then the caption on its own lines;
* ``-compact``: one line, the current node after the node leading to it, then the current node's
  labelled branches (``↪ no cookie → Create a new session``).

A step changes neither layout nor height: it repaints the diagram without a layout pass.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from tutor.lesson.flow_layout import layout
from tutor.lesson.model import Flow
from tutor.ui.styles import Styled
from tutor.ui.text import visible
from tutor.ui.widgets.flow_graph import BLANK, LABEL, LINE, Grid, draw, wrap_words

LAYOUTS = ("-boxes", "-compact")
#: On terminals shorter than this the flow is a one-line breadcrumb (rows are worth more than a graph).
COMPACT_BELOW_HEIGHT = 34
#: A node's label in the breadcrumb is cut to this many cells (with "…").
CRUMB_LABEL_WIDTH = 28
#: A branch's target is shortened to no fewer cells than this (else the branch is counted, not shown).
MIN_TARGET = 10
#: The caption under the graph takes at most this many lines.
CAPTION_LINES = 2


class FlowDiagram(Styled, Widget):
    """Draws a lesson's ``flow``; :meth:`set_phase` highlights the nodes of the current phase."""

    STYLES: ClassVar[tuple[str, ...]] = ("widgets/flow_diagram",)

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
        #: node index -> its labelled outgoing edges as (label, target's label)
        self.branches: dict[int, list[tuple[str, str]]] = {}
        order = {n.id: i for i, n in enumerate(flow.nodes)}
        for edge in flow.edges:
            a = order.get(edge.from_)
            if a is not None and edge.label:
                self.branches.setdefault(a, []).append((visible(edge.label), names.get(edge.to, edge.to)))
        self.caption = visible(flow.caption or "")
        ids = [n.id for n in flow.nodes]
        self.graph = layout(ids, [(e.from_, e.to, e.label) for e in flow.edges])
        self._grids: dict[int, Grid | None] = {}
        # the layout is chosen now, from the terminal's size, so the first style pass is the last one
        try:
            size = self.app.size
        except Exception:  # made outside an app (tests of the widget alone)
            size = None
        self.layout_class = self.choose_layout(size.width, size.height) if size else "-boxes"
        self.add_class(self.layout_class)

    # -- layout -------------------------------------------------------------------------------------
    def _grid(self, width: int) -> Grid | None:
        """The graph drawn in ``width`` cells (its shape; the highlight is applied when painting)."""
        if width not in self._grids:
            self._grids[width] = draw(self.graph, self.labels, width - 1)
        return self._grids[width]

    def choose_layout(self, width: int, height: int) -> str:
        if height and height < COMPACT_BELOW_HEIGHT:
            return "-compact"
        if width and self._grid(width) is None:
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
        grid = self._grid(width)
        if grid is None:
            return 1
        return len(grid.rows) + len(grid.back) + len(self._caption_lines(self.app.console, width))

    # -- drawing ------------------------------------------------------------------------------------
    def _branch_text(self, width: int | None = None) -> Text:
        """The current node's labelled branches (``↪ label → target``) in ``width`` cells (None: no limit).

        A branch label is never cut: when the branches do not fit whole, the targets are shortened
        (keeping at least :data:`MIN_TARGET` cells), else left out (``↪ valid  ↪ expired``), and failing
        that the last branches are counted (``↪ +1 more``)."""
        branches = [b for i in self._current for b in self.branches.get(i, [])]

        def line(shown: list[tuple[str, str]], target_width: int | None, more: int) -> str:
            pieces = []
            for label, target in shown:
                if target_width is not None and cell_len(target) > target_width:
                    cut = Text(target)
                    cut.truncate(target_width, overflow="ellipsis")
                    target = cut.plain
                pieces.append(f"↪ {label} → {target}")
            if more:
                pieces.append(f"↪ +{more} more")
            return "  ".join(pieces)

        text = line(branches, None, 0)
        if width is not None and cell_len(text) > width:
            shortened = line(branches, max(MIN_TARGET, 1), 0)
            labels_only = "  ".join(f"↪ {label}" for label, _ in branches)
            if cell_len(shortened) > width and cell_len(labels_only) <= width:
                return Text(labels_only)  # every way out named, without where it leads
            for keep in range(len(branches), -1, -1):
                more = len(branches) - keep
                shown = branches[:keep]
                fixed = cell_len(line([(label, "") for label, _ in shown], None, more))
                target_width = (width - fixed) // keep if keep else 0
                if keep == 0 or target_width >= MIN_TARGET:
                    text = line(shown, target_width if keep else None, more)
                    break
            if cell_len(text) > width:
                text = ""
        return Text(text)

    def render(self) -> Text:
        width = self.size.width
        node = self.get_component_rich_style("flow-diagram--node")
        current = self.get_component_rich_style("flow-diagram--current")
        arrow = self.get_component_rich_style("flow-diagram--arrow")
        edge = self.get_component_rich_style("flow-diagram--edge")
        caption = self.get_component_rich_style("flow-diagram--caption")
        grid = self._grid(width) if self.layout_class != "-compact" and width else None
        if grid is None:
            return self._crumb(width, node, current, arrow, edge)
        here = set(self._current)
        styles = {LINE: arrow, LABEL: edge, BLANK: Style()}
        out = Text(no_wrap=True, overflow="crop", end="")
        for y, runs in enumerate(grid.rows):
            if y:
                out.append("\n")
            out.append(" ")
            for text, kind in runs:
                if isinstance(kind, int):  # a node's cells: the current step's node is highlighted
                    out.append(text, current if kind in here else node)
                else:
                    out.append(text, styles[kind])
        for line in grid.back:
            out.append("\n ")
            out.append(line, arrow)
        for caption_line in self._caption_lines(self.app.console, width):
            out.append("\n ")
            out.append(caption_line.plain, caption)
        return out

    def _crumb(self, width: int, node: Style, current: Style, arrow: Style, edge: Style) -> Text:
        """One line: the current node(s) with their neighbours, then the current node's branches.

        The branches say where the path goes next, so they matter more than the neighbours: when the line
        is too narrow, the labels are cut to :data:`CRUMB_LABEL_WIDTH`, then the neighbours go (the
        current node stays), then the branches' targets are shortened; a branch label is never cut."""
        here = self._current or [0]
        # the neighbours in the graph, not in file order: the node leading here, and (when no labelled
        # branch says where the path goes) the node it leads to
        layer = {s.node: x for x, slots in enumerate(self.graph.layers) for s in slots}
        before = [p for i in here for p in self.graph.predecessors(i) if layer[p] < layer[i] and p not in here]
        after = [b for i in here if i not in self.branches for b, _ in self.graph.successors(i)[:1]]
        with_neighbours = list(dict.fromkeys(before[:1] + list(here) + [b for b in after if b not in here][:1]))
        branch = self._branch_text()
        gap = 3 if branch.plain else 0
        text = Text()
        for near, cap in (
            (with_neighbours, None),
            (with_neighbours, CRUMB_LABEL_WIDTH),
            (list(here), None),
            (list(here), CRUMB_LABEL_WIDTH),
        ):
            text = self._crumb_nodes(near, node, current, arrow, cap)
            if not width or cell_len(text.plain) + gap + cell_len(branch.plain) <= width:
                break
        else:
            branch = self._branch_text(max(0, width - cell_len(text.plain) - gap))
        if branch.plain:
            text.append("   ")
            text.append(branch.plain, edge)
        if width:
            text.truncate(width, overflow="ellipsis")
        return text

    def _crumb_nodes(self, near: list[int], node: Style, current: Style, arrow: Style, cap: int | None) -> Text:
        nodes = self.labels
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        if near and any(self._layer_of(p) < self._layer_of(near[0]) for p in self.graph.predecessors(near[0])):
            text.append("… › ", arrow)
        for n, i in enumerate(near):
            if n:
                text.append(" › ", arrow)
            label = Text(nodes[i])
            if cap is not None:
                label.truncate(cap, overflow="ellipsis")
            text.append(f" {label.plain} ", current if i in self._current else node)
        if near and self.graph.successors(near[-1]) and near[-1] not in self.branches:
            text.append(" › …", arrow)
        return text

    def _layer_of(self, node: int) -> int:
        return next(x for x, slots in enumerate(self.graph.layers) if any(s.node == node for s in slots))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()


__all__ = ["FlowDiagram", "LAYOUTS", "wrap_words"]
