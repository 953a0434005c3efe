"""Where a loader problem is: :class:`Reporter` turns a path into the file (mapping keys and sequence
indexes, :data:`NodePath`) into a ``FILE:LINE:COL`` problem, after a salvaging validation too (see
:func:`tutor.lesson.validate.salvage`); :func:`tutor.lesson.suggest.did_you_mean` suggests the closest known word. Shared by
the loader, its step references and ``tutor check``'s challenge check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tutor.lesson.yamlsource import Problem, mark_of

if TYPE_CHECKING:
    from yaml.nodes import Node

    from tutor.lesson.schema_types import RawProblem

#: A path into a YAML document: mapping keys and sequence indexes, as the validator's index uses.
NodePath = tuple[str | int, ...]


class Reporter:
    """Positions for object paths, and the problems list.

    After a salvaging validation (schema problems, and the rest of the file kept, see
    :func:`tutor.lesson.validate.salvage`), ``remap`` turns paths into the kept value back into paths in
    the file, and a problem inside a damaged unit (the first two parts of a salvaged place's path: one
    question, ``flow.nodes``, ``scenario.events`` ...) is not reported: a default or placeholder stands
    there, and the schema problem already says what is wrong. A left-out word or number of a list
    (``dropped``) silences only problems at, above or under its own path.
    """

    def __init__(
        self,
        name: str,
        root: Node,
        index: dict[NodePath, Node],
        key_index: dict[NodePath, Node],
        remap: dict[NodePath, list[int]] | None = None,
        damaged: list[NodePath] | None = None,
        dropped: list[NodePath] | None = None,
    ) -> None:
        self.name = name
        self.root = root
        self.index = index
        self.key_index = key_index
        self.remap: dict[NodePath, list[int]] = remap or {}
        self.units: set[NodePath] = {tuple(p[:2]) for p in (damaged or ())}
        self.dropped: set[NodePath] = set(dropped or ())
        self.problems: list[Problem] = []

    def _silenced(self, path: NodePath) -> bool:
        return any(path[: len(u)] == u for u in self.units) or any(
            path[: len(d)] == d or d[: len(path)] == path for d in self.dropped
        )

    def original(self, path: NodePath) -> NodePath:
        """The path in the file of a path into the (salvaged) value."""
        from tutor.lesson.validate import original_path

        return original_path(path, self.remap) if self.remap else path

    def damaged(self, path: NodePath) -> bool:
        """Something at or under ``path``'s unit, or above it, was salvaged."""
        path = self.original(path)
        return any(path[: len(u)] == u or u[: len(path)] == path for u in self.units | self.dropped)

    def node(self, path: NodePath) -> Node:
        while path:
            node = self.index.get(path)
            if node is not None:
                return node
            path = path[:-1]
        return self.index.get((), self.root)

    def error(self, path: NodePath, message: str, hint: str | None = None, *, key: bool = False) -> None:
        path = self.original(path)
        if self._silenced(path):
            return  # about a default or placeholder the schema problem stands for
        node = self.key_index.get(path) if key else None
        if node is None:
            node = self.node(path)
        line, col = mark_of(node)
        self.problems.append(Problem(self.name, line, col, message, hint))

    def raw(self, raw: list[RawProblem]) -> None:
        for node, message, hint in raw:
            line, col = mark_of(node)
            self.problems.append(Problem(self.name, line, col, message, hint))


__all__ = ["NodePath", "Reporter"]
