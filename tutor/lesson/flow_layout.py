"""A layered (Sugiyama-style) layout of a lesson's small flow graph, as pure data.

The rules, in one place:

* the graph is the lesson's ``flow``: its nodes in file order and its authored ``edges`` (edges naming an
  unknown node are ignored here; ``tutor check`` reports them);
* a back edge (one that closes a cycle, found by a depth-first search from the nodes in file order) is
  left out of the layering, so every graph gets layers;
* a node's layer is the length of the longest path reaching it (sources in layer 0);
* an edge spanning more than one layer passes through a *dummy* slot (``None``) in each layer between;
* inside a layer, slots are ordered by the mean position of their predecessors in the previous layer
  (one barycentre sweep, ties kept in file order).

A graph without edges is laid out as one chain in file order (the format's behaviour before ``edges``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Slot:
    """One place in a layer: a node (``node`` is its index) or a dummy carrying the edge ``edge``."""

    node: int | None
    edge: tuple[int, int] | None = None


@dataclass
class Layout:
    layers: list[list[Slot]]
    #: (from index, to index, label) for every edge drawn, in file order
    edges: list[tuple[int, int, str | None]] = field(default_factory=list)

    def position(self, node: int) -> tuple[int, int]:
        """(layer, row) of a node."""
        for x, layer in enumerate(self.layers):
            for y, slot in enumerate(layer):
                if slot.node == node:
                    return x, y
        raise KeyError(node)

    def successors(self, node: int) -> list[tuple[int, str | None]]:
        return [(b, label) for a, b, label in self.edges if a == node]

    def predecessors(self, node: int) -> list[int]:
        return [a for a, b, _ in self.edges if b == node]


def layout(ids: list[str], edges: list[tuple[str, str, str | None]]) -> Layout:
    """Lay out the nodes ``ids`` (file order) joined by ``edges`` (from id, to id, label)."""
    index = {node: i for i, node in enumerate(ids)}
    drawn = [(index[a], index[b], label) for a, b, label in edges if a in index and b in index and a != b]
    if not drawn:
        drawn = [(i, i + 1, None) for i in range(len(ids) - 1)]
    out: dict[int, list[int]] = {i: [] for i in range(len(ids))}
    for a, b, _ in drawn:
        out[a].append(b)
    # back edges, by depth-first search in file order (iterative: no recursion limit to meet)
    state = [0] * len(ids)  # 0 new, 1 on the stack, 2 done
    back: set[tuple[int, int]] = set()
    for root in range(len(ids)):
        if state[root]:
            continue
        stack = [(root, iter(out[root]))]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state[nxt] == 1:
                back.add((node, nxt))
            elif state[nxt] == 0:
                state[nxt] = 1
                stack.append((nxt, iter(out[nxt])))
    forward = [(a, b) for a, b, _ in drawn if (a, b) not in back]
    # longest-path layering (the graph without back edges is acyclic: relax len(ids) times at most)
    layer = [0] * len(ids)
    for _ in range(len(ids)):
        changed = False
        for a, b in forward:
            if layer[b] < layer[a] + 1:
                layer[b] = layer[a] + 1
                changed = True
        if not changed:
            break
    count = max(layer) + 1 if ids else 0
    layers: list[list[Slot]] = [[] for _ in range(count)]
    for i in range(len(ids)):
        layers[layer[i]].append(Slot(i))
    # dummies for long edges
    for a, b in forward:
        for x in range(layer[a] + 1, layer[b]):
            layers[x].append(Slot(None, (a, b)))
    # one barycentre sweep, left to right
    for x in range(1, count):
        prev = {slot: y for y, slot in enumerate(layers[x - 1])}

        def parents(slot: Slot, x: int = x, prev: dict[Slot, int] = prev) -> list[int]:
            if slot.node is None:
                a, b = slot.edge  # type: ignore[misc]
                if layer[a] == x - 1:
                    return [prev[Slot(a)]]
                return [prev[Slot(None, (a, b))]]
            found = []
            for a, b in forward:
                if b != slot.node:
                    continue
                if layer[a] == x - 1:
                    found.append(prev[Slot(a)])
                elif layer[a] < x - 1:
                    found.append(prev[Slot(None, (a, b))])
            return found

        def key(item: tuple[int, Slot]) -> tuple[float, int]:
            y, slot = item
            ps = parents(slot)
            return (sum(ps) / len(ps) if ps else float(y), y)

        layers[x] = [slot for _, slot in sorted(enumerate(layers[x]), key=key)]
    return Layout(layers, drawn)


__all__ = ["Layout", "Slot", "layout"]
