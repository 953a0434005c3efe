"""The lesson's flow graph drawn as a grid of characters: layers left to right, branches with their labels.

The layering (which node goes in which column and row) is :func:`tutor.lesson.flow_layout.layout`'s; this
module only turns it into cells. The rules of the drawing, in one place:

* a column per layer; a node is a block holding its label wrapped at word boundaries (a word is never
  broken) in as few lines as let the graph fit the width (at most :data:`MAX_LINES`); a slot's *port* is
  its first row, where its edges leave and arrive; a row of slots is as tall as its tallest text (a row
  of dummies: one line), rows one blank line apart;
* a *dummy* slot (an edge passing through a layer) is a horizontal line across the column;
* between two columns a gutter: ``─`` leaving the source, a vertical line per source that fans out
  (``split``), the label area, a vertical line per target several edges reach (``merge``), then ``─▶``;
* an edge's label goes on the target's row when the target has one edge in from this gutter (it is a
  branch: "no cookie"), else on the source's row (before the merge: "cookie cleared"); an edge through
  dummies shows its label once, on its first gutter;
* line junctions are chosen from the directions meeting in a cell (``┬ ├ ╰ ┼`` ...);
* a back edge (closing a cycle) is not drawn in the grid: it is listed under it (``↩ label: A → B``);
* when two labels would take the same row of a gutter, or the graph does not fit the width with labels
  wrapped to at most :data:`MAX_LINES` lines, there is no grid (the caller draws its one-line form).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import permutations

from rich.cells import cell_len

from tutor.lesson.flow_layout import Layout, Slot

#: A node's or an edge label's text takes at most this many lines.
MAX_LINES = 4

U, D, L, R = 1, 2, 4, 8
JUNCTIONS = {
    L | R: "─",
    L: "─",
    R: "─",
    U | D: "│",
    U: "│",
    D: "│",
    D | R: "╭",
    D | L: "╮",
    U | R: "╰",
    U | L: "╯",
    U | D | R: "├",
    U | D | L: "┤",
    L | R | D: "┬",
    L | R | U: "┴",
    U | D | L | R: "┼",
}

#: cell kinds, which the widget maps to styles (a node's cells have its index as their kind)
LINE, LABEL, BLANK = "line", "label", "blank"


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


@dataclass
class Grid:
    """The drawn graph: ``rows`` of (text, kind) runs, and the back edges listed under it."""

    rows: list[list[tuple[str, str | int]]]
    back: list[str]
    width: int


class _Canvas:
    def __init__(self, height: int, width: int) -> None:
        self.bits = [[0] * width for _ in range(height)]
        self.text: list[list[tuple[str, str | int] | None]] = [[None] * width for _ in range(height)]

    def hline(self, row: int, a: int, b: int, open_left: bool = False, open_right: bool = False) -> None:
        for c in range(a, b + 1):
            if c > a or open_left:
                self.bits[row][c] |= L
            if c < b or open_right:
                self.bits[row][c] |= R

    def vline(self, col: int, a: int, b: int) -> None:
        a, b = min(a, b), max(a, b)
        for r in range(a, b + 1):
            if r > a:
                self.bits[r][col] |= U
            if r < b:
                self.bits[r][col] |= D

    def put(self, row: int, col: int, text: str, kind: str | int) -> None:
        for i, ch in enumerate(text):
            self.text[row][col + i] = (ch, kind)

    def runs(self) -> list[list[tuple[str, str | int]]]:
        out = []
        for bits_row, text_row in zip(self.bits, self.text, strict=True):
            runs: list[tuple[str, str | int]] = []
            for bits, cell in zip(bits_row, text_row, strict=True):
                ch, kind = cell if cell is not None else ((JUNCTIONS[bits], LINE) if bits else (" ", BLANK))
                if runs and runs[-1][1] == kind:
                    runs[-1] = (runs[-1][0] + ch, kind)
                else:
                    runs.append((ch, kind))
            out.append(runs)
        return out


def narrowest(text: str, lines: int) -> list[str] | None:
    """``text`` wrapped at word boundaries in as few cells as give at most ``lines`` lines (None: it
    cannot be)."""
    words = text.split()
    if not words:
        return [""]
    for width in range(max(cell_len(w) for w in words), cell_len(text) + 1):
        wrapped = wrap_words(text, width)
        if wrapped is not None and len(wrapped) <= lines:
            return wrapped
    return None


def _plan(lay: Layout, labels: list[str], limit: int):
    """Node labels and edge labels each wrapped in as few cells as give at most ``limit`` lines, the
    edges of each gutter, and the widths (None: some text cannot take ``limit`` lines)."""
    nodes = {}
    for i, text in enumerate(labels):
        wrapped_node = narrowest(text, limit)
        if wrapped_node is None:
            return None
        nodes[i] = wrapped_node
    layer_of = {s.node: x for x, layer in enumerate(lay.layers) for s in layer if s.node is not None}
    row_of: dict[tuple[int, Slot], int] = {(x, s): y for x, layer in enumerate(lay.layers) for y, s in enumerate(layer)}
    gutters: list[list[tuple[int, int, list[str] | None, bool]]] = [[] for _ in range(max(0, len(lay.layers) - 1))]
    back: list[tuple[int, int, str | None]] = []
    for a, b, label in lay.edges:
        if layer_of[b] <= layer_of[a]:
            back.append((a, b, label))
            continue
        wrapped = None
        if label:
            wrapped = narrowest(label, limit)
            if wrapped is None:
                return None
        x = layer_of[a]
        path = [Slot(a)] + [Slot(None, (a, b))] * (layer_of[b] - x - 1) + [Slot(b)]
        for k in range(len(path) - 1):
            to_node = k == len(path) - 2
            gutters[x + k].append(
                (row_of[(x + k, path[k])], row_of[(x + k + 1, path[k + 1])], wrapped if k == 0 else None, to_node)
            )
    lines = max([len(v) for v in nodes.values()] + [len(e[2]) for g in gutters for e in g if e[2]] + [1])
    columns = [
        max([cell_len(line) for s in layer if s.node is not None for line in nodes[s.node]] + [1]) + 2
        for layer in lay.layers
    ]
    plans = []
    for edges in gutters:
        fan_in: dict[int, int] = {}
        for _, t, _, _ in edges:
            fan_in[t] = fan_in.get(t, 0) + 1
        splits = sorted({s for s, t, _, _ in edges if s != t and fan_in[t] == 1})
        merges = sorted({t for s, t, _, _ in edges if s != t and fan_in[t] > 1})
        label_width = max([cell_len(line) for _, _, w, _ in edges if w for line in w] + [0])
        area = label_width + 2 if label_width else 1
        splits, merges = _untangle(edges, fan_in, splits, merges, area)
        plans.append((edges, fan_in, splits, merges, area, 1 + len(splits) + area + len(merges) + 2))
    return nodes, lines, columns, plans, back


def _cells(s: int, t: int, col: int | None, end: int) -> set[tuple[int, int]]:
    """The (row, column) cells of one edge in a gutter of ``end + 1`` columns turning at ``col``."""
    if col is None:
        return {(s, c) for c in range(end + 1)}
    cells = {(s, c) for c in range(col + 1)} | {(t, c) for c in range(col, end + 1)}
    return cells | {(r, col) for r in range(min(s, t), max(s, t) + 1)}


def _untangle(edges, fan_in, splits, merges, area):
    """The order of the vertical lines that makes fewest cells shared by edges with neither their
    source nor their target in common (all orders are tried: a lesson's gutter has a few at most)."""
    if len(splits) > 5 or len(merges) > 5:
        return splits, merges
    end = 1 + len(splits) + area + len(merges)
    best = None
    for split_order in permutations(splits):
        for merge_order in permutations(merges):
            drawn = []
            for s, t, _, _ in edges:
                if s == t:
                    col = None
                elif fan_in[t] == 1:
                    col = 1 + split_order.index(s)
                else:
                    col = 1 + len(splits) + area + merge_order.index(t)
                drawn.append((s, t, _cells(s, t, col, end)))
            shared = sum(
                len(a[2] & b[2]) for i, a in enumerate(drawn) for b in drawn[i + 1 :] if a[0] != b[0] and a[1] != b[1]
            )
            if best is None or shared < best[0]:
                best = (shared, list(split_order), list(merge_order))
    assert best is not None  # the loops above try at least one order
    return best[1], best[2]


def draw(lay: Layout, labels: list[str], width: int) -> Grid | None:
    """The graph in at most ``width`` cells, as few rows per node as fit (None when it does not fit or
    its labels would collide)."""
    for limit in range(1, MAX_LINES + 1):
        plan = _plan(lay, labels, limit)
        if plan is None:
            continue
        nodes, lines, columns, plans, back = plan
        total = sum(columns) + sum(p[5] for p in plans)
        if total <= width:
            return _draw(lay, labels, nodes, lines, columns, plans, back, total)
    return None


def _draw(lay, labels, nodes, lines, columns, plans, back, total) -> Grid | None:
    slots = max(len(layer) for layer in lay.layers)
    # each row of slots as tall as its tallest text (a row of dummies: one line), one blank row between
    need = [1] * slots
    for layer in lay.layers:
        for y, slot in enumerate(layer):
            if slot.node is not None:
                need[y] = max(need[y], len(nodes[slot.node]))
    for edges, fan_in, _, _, _, _ in plans:
        for s, t, label, _ in edges:
            if label:
                row = t if s == t or fan_in[t] == 1 else s
                need[row] = max(need[row], len(label))
    ports = [sum(need[:y]) + y for y in range(slots)]
    height = ports[-1] + need[-1]
    canvas = _Canvas(height, total)

    def port(y: int) -> int:
        return ports[y]

    x0 = 0
    for x, layer in enumerate(lay.layers):
        col_width = columns[x]
        for y, slot in enumerate(layer):
            top = port(y)
            if slot.node is None:
                canvas.hline(top, x0, x0 + col_width - 1, open_left=True, open_right=True)
                continue
            text = nodes[slot.node]
            for i in range(need[y]):
                line = text[i] if i < len(text) else ""
                canvas.put(top + i, x0, " " + line + " " * (col_width - 1 - cell_len(line)), slot.node)
        x0 += col_width
        if x == len(plans):
            break
        edges, fan_in, splits, merges, area, gutter = plans[x]
        area_at = x0 + 1 + len(splits)
        used: set[int] = set()
        for s, t, label, to_node in edges:
            src, dst = port(s), port(t)
            end = x0 + gutter - 2
            if s == t:
                canvas.hline(src, x0, end, open_left=True, open_right=True)
                label_row = src
            elif fan_in[t] == 1:
                col = x0 + 1 + splits.index(s)
                canvas.hline(src, x0, col, open_left=True)
                canvas.vline(col, src, dst)
                canvas.hline(dst, col, end, open_right=True)
                label_row = dst
            else:
                col = area_at + area + merges.index(t)
                canvas.hline(src, x0, col, open_left=True)
                canvas.vline(col, src, dst)
                canvas.hline(dst, col, end, open_right=True)
                label_row = src
            if to_node:
                canvas.put(dst, x0 + gutter - 1, "▶", LINE)
            else:  # into a dummy: the line goes on
                canvas.hline(dst, x0 + gutter - 2, x0 + gutter - 1, open_left=True, open_right=True)
            if label:
                label_rows = range(label_row, label_row + len(label))
                if used & set(label_rows):
                    return None  # two labels on one row of this gutter
                used.update(label_rows)
                for i, text in enumerate(label):
                    if i == 0:
                        canvas.put(label_row, area_at, " " + text + " ", LABEL)
                    else:
                        canvas.put(label_row + i, area_at + 1, text, LABEL)
        x0 += gutter
    rows = canvas.runs()
    while rows and all(kind == BLANK for _, kind in rows[-1]):
        rows.pop()
    listed = [f"↩ {label + ': ' if label else ''}{labels[a]} → {labels[b]}" for a, b, label in back]
    return Grid(rows, listed, total)


__all__ = ["Grid", "MAX_LINES", "draw", "wrap_words"]
