"""The concept flow: boxes and arrows, left-to-right or top-to-bottom, or a one-line breadcrumb.

Each node is its own widget, so the current one is highlighted with a CSS class (``-current``) and the
whole layout switches with a class on the diagram (``-horizontal``, ``-vertical``, ``-compact``):

* ``-horizontal``: equal-width boxes in a row (labels wrap inside them), arrows between them;
* ``-vertical``: boxes one under the other, when the row would be too narrow and there is height to spare;
* ``-compact``: a one-line breadcrumb of the current node and its neighbours (short terminals), drawn as one
  line of text so that stepping changes no widget's size.

Edges between consecutive nodes are the arrows; every other edge (branches, loops) is listed under the
diagram as ``↪ from → to: label``.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container
from textual.events import Resize
from textual.widgets import Static

from tutor.lesson.model import Flow, FlowNode
from tutor.ui.text import literal, visible

LAYOUTS = ("-horizontal", "-vertical", "-compact")
#: On terminals shorter than this the flow is a one-line breadcrumb (rows are worth more than boxes).
COMPACT_BELOW_HEIGHT = 34
#: The narrowest a box may be in the left-to-right layout (its label wraps inside).
MIN_BOX_WIDTH = 12
#: Rows the rest of the walkthrough needs when the flow is drawn top-to-bottom.
ROWS_FOR_THE_REST = 30
#: An arrow's label is written on the arrow only when it is this short; longer ones go in the edge list.
ARROW_LABEL_MAX = 10
ARROW_WIDTH = 5
#: A node's label in the breadcrumb is cut to this many cells (with "…").
CRUMB_LABEL_WIDTH = 24


class FlowNodeBox(Static):
    """One node of the flow."""

    def __init__(self, node: FlowNode, **kw) -> None:
        super().__init__(literal(node.label), **kw)
        self.node = node


class FlowArrow(Static):
    """The arrow between two consecutive nodes (with its label when that is short)."""

    def __init__(self, label: str | None, **kw) -> None:
        super().__init__(**kw)
        self.label_text = visible(label) if label else ""

    def set_direction(self, direction: str) -> None:
        label = self.label_text
        if direction == "-horizontal":
            text = f"{label}\n──▶" if label else "\n──▶"
        elif direction == "-vertical":
            text = f"▼ {label}" if label else "▼"
        else:
            text = "›"
        self.update(literal(text))


class FlowDiagram(Container):
    """Draws a lesson's ``flow``; :meth:`set_phase` highlights the nodes of the current phase."""

    #: styles of the breadcrumb (compact layout), set in app.tcss like the boxes'
    COMPONENT_CLASSES: ClassVar[set[str]] = {"flow-diagram--node", "flow-diagram--current", "flow-diagram--arrow"}

    def __init__(self, flow: Flow, **kw) -> None:
        super().__init__(**kw)
        self.flow = flow
        self.phase: str | None = None
        self._current: list[int] = []  # indexes of the highlighted nodes
        self._arrows_drawn: str | None = None  # the layout the arrows are drawn for
        self.layout_class = "-horizontal"
        self.add_class(self.layout_class)
        order = {n.id: i for i, n in enumerate(flow.nodes)}
        labels = {n.id: n.label for n in flow.nodes}
        #: index i -> label of the arrow from node i to node i + 1 (None: an arrow without label)
        self.arrows: dict[int, str | None] = {}
        self.other_edges: list[str] = []
        for edge in flow.edges:
            a, b = order.get(edge.from_), order.get(edge.to)
            short = edge.label is None or len(edge.label) <= ARROW_LABEL_MAX
            if a is not None and b == a + 1 and a not in self.arrows:
                self.arrows[a] = edge.label if short else None
                if short:
                    continue
            text = f"{labels.get(edge.from_, edge.from_)} → {labels.get(edge.to, edge.to)}"
            self.other_edges.append(f"{text}: {edge.label}" if edge.label else text)

    def compose(self) -> ComposeResult:
        with Container(classes="flow-nodes"):
            for index, node in enumerate(self.flow.nodes):
                if index:
                    yield FlowArrow(self.arrows.get(index - 1), classes="-joined" if index - 1 in self.arrows else "")
                yield FlowNodeBox(node)
        edges = "   ".join(f"↪ {e}" for e in self.other_edges)
        yield Static(classes="flow-crumb")
        yield Static(literal(edges), classes="flow-edges" + ("" if edges else " -empty"))
        caption = self.flow.caption or ""
        yield Static(literal(caption), classes="flow-caption" + ("" if caption else " -empty"))

    def on_mount(self) -> None:
        self._apply_layout(self.size.width)
        # the breadcrumb's colours come from the CSS of the component classes: draw it again for a new theme
        self.watch(self.app, "theme", lambda _: self.call_after_refresh(self._redraw_crumb), init=False)

    def on_resize(self, event: Resize) -> None:
        self._apply_layout(event.size.width)

    def relayout(self) -> None:
        """Choose the layout again (the terminal's height changed)."""
        self._apply_layout(self.size.width)

    def choose_layout(self, width: int) -> str:
        height = self.app.size.height if self.is_attached else 0
        if height and height < COMPACT_BELOW_HEIGHT:
            return "-compact"
        count = len(self.flow.nodes)
        arrows = sum(max(ARROW_WIDTH, len(visible(self.arrows.get(i) or "")) + 2) for i in range(count - 1))
        if width <= 0 or (width - arrows) // count >= MIN_BOX_WIDTH:
            return "-horizontal"
        if height - ROWS_FOR_THE_REST >= 4 * count:
            return "-vertical"
        return "-compact"

    def _apply_layout(self, width: int) -> None:
        layout = self.choose_layout(width)
        if layout != self.layout_class:
            self.remove_class(self.layout_class)
            self.add_class(layout)
            self.layout_class = layout
        if layout != self._arrows_drawn:
            self._arrows_drawn = layout
            for arrow in self.query(FlowArrow):
                arrow.set_direction(layout)
        self._update_window()

    def set_phase(self, phase: str | None) -> None:
        """Highlight every node whose ``phases`` include ``phase``."""
        if phase == self.phase and self.is_mounted:
            return
        self.phase = phase
        self._update_window()

    def _update_window(self) -> None:
        """Mark the current node(s): boxes in the diagram, or the one-line breadcrumb in the compact layout.

        The breadcrumb (current node(s) and their neighbours) is one line of text, so a step changes no
        widget's size or visibility: no layout pass, no restyle of the boxes. The boxes get their
        ``-current`` class only while they are shown (and when the layout changes back to them).
        """
        phase = self.phase
        self._current = [i for i, n in enumerate(self.flow.nodes) if phase is not None and phase in n.phases]
        if self.layout_class == "-compact":
            self._draw_crumb()
            return
        for i, box in enumerate(self.query(FlowNodeBox)):
            box.set_class(i in self._current, "-current")

    def _draw_crumb(self) -> None:
        crumbs = self.query(".flow-crumb")
        if not crumbs:
            return
        nodes = self.flow.nodes
        current = self._current or [0]
        near = {j for i in current for j in (i - 1, i, i + 1) if 0 <= j < len(nodes)}
        node_style = self.get_component_rich_style("flow-diagram--node")
        current_style = self.get_component_rich_style("flow-diagram--current")
        arrow_style = self.get_component_rich_style("flow-diagram--arrow")
        text = Text(no_wrap=True, overflow="crop", end="")
        for i in sorted(near):
            if i - 1 in near:  # the arrow between two shown neighbours
                text.append("›", arrow_style)
            label = literal(nodes[i].label)
            label.no_wrap = True
            label.truncate(CRUMB_LABEL_WIDTH, overflow="ellipsis")
            label = Text(" ") + label + Text(" ")
            label.stylize(current_style if i in self._current else node_style)
            text.append_text(label)
        crumbs.first(Static).update(text, layout=False)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._redraw_crumb()

    def _redraw_crumb(self) -> None:
        if self.layout_class == "-compact" and self.is_mounted:
            self._draw_crumb()

    @property
    def current_nodes(self) -> list[str]:
        return [self.flow.nodes[i].id for i in self._current]
