"""The scalar half of the YAML walk: text, numbers, booleans, literals and untyped values.

:class:`ScalarWalk` is the base of :class:`tutor.lesson.validate.Validator`: it holds the problems found so far
(``error`` records one at a node) and converts one scalar node against one msgspec type, in the words
the loader prints (YAML 1.1 numbers and booleans as :mod:`tutor.lesson.schema_types` reads them). The
containers (mappings, lists, events, unions) and the index of paths are the Validator's.
"""

from __future__ import annotations

from typing import Any

import msgspec.inspect as mi
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tutor.lesson.schema_types import (
    BOOL_TRUE,
    INVALID,
    PATTERN_MESSAGES,
    RawProblem,
    compiled_pattern,
    describe_node,
    parse_float,
    parse_int,
    scalar_kind,
)
from tutor.lesson.suggest import did_you_mean


class ScalarWalk:
    """Problems collected with their nodes, and the conversions of one scalar node."""

    def __init__(self) -> None:
        self.problems: list[RawProblem] = []

    def error(self, node: Node, message: str, hint: str | None = None) -> Any:
        self.problems.append((node, message, hint))
        return INVALID

    # --- scalars --------------------------------------------------------------------------------------
    def _str(self, node: Node, t: mi.StrType, description: str | None = None) -> Any:
        if not isinstance(node, ScalarNode):
            hint = None
            if isinstance(node, MappingNode) and len(node.value) == 1 and not node.flow_style:
                hint = "text that contains ': ' must be quoted (or written as a block with |)"
            return self.error(node, f"expected text, found {describe_node(node)}", hint)
        kind = scalar_kind(node)
        value = node.value
        if kind == "null":
            return self.error(
                node,
                "expected text, found nothing (null)",
                "write the text after the colon" if not value else f'quote it: "{value}"',
            )
        if kind == "bool":
            return self.error(
                node, f"`{value}` is read as a boolean (true/false) here, not as text", f'quote it: "{value}"'
            )
        if t.min_length is not None and len(value) < t.min_length:
            if t.min_length == 1:
                return self.error(node, "must not be empty")
            return self.error(node, f"must be at least {t.min_length} characters long (it has {len(value)})")
        if t.max_length is not None and len(value) > t.max_length:
            return self.error(node, f"must be at most {t.max_length} characters long (it has {len(value)})")
        if t.pattern is not None and not compiled_pattern(t.pattern).search(value):
            message = PATTERN_MESSAGES.get(t.pattern)
            if message is None:
                message = f"expected {description}" if description else f"does not match the pattern {t.pattern}"
            return self.error(node, f"{message}; found `{value}`")
        return value

    def _int(self, node: Node, t: mi.IntType) -> Any:
        if not isinstance(node, ScalarNode):
            return self.error(node, f"expected a whole number, found {describe_node(node)}")
        kind = scalar_kind(node)
        if kind != "int":
            hint = None
            if kind == "str" and node.style in ("'", '"'):
                hint = "remove the quotes"
            return self.error(node, f"expected a whole number, found {describe_node(node)}", hint)
        try:
            value = parse_int(node.value)
        except ValueError:
            return self.error(node, f"`{node.value}` is not a valid whole number")
        return self._bounds(node, value, t)

    def _float(self, node: Node, t: mi.FloatType) -> Any:
        if not isinstance(node, ScalarNode) or scalar_kind(node) not in ("int", "float"):
            return self.error(node, f"expected a number, found {describe_node(node)}")
        try:
            value: float = float(parse_int(node.value)) if scalar_kind(node) == "int" else parse_float(node.value)
        except ValueError:
            return self.error(node, f"`{node.value}` is not a valid number")
        return self._bounds(node, value, t)

    def _bounds(self, node: Node, value: Any, t: Any) -> Any:
        if t.ge is not None and value < t.ge:
            return self.error(node, f"must be at least {t.ge}; found {node.value}")
        if t.gt is not None and value <= t.gt:
            return self.error(node, f"must be more than {t.gt}; found {node.value}")
        if t.le is not None and value > t.le:
            return self.error(node, f"must be at most {t.le}; found {node.value}")
        if t.lt is not None and value >= t.lt:
            return self.error(node, f"must be less than {t.lt}; found {node.value}")
        if getattr(t, "multiple_of", None) and value % t.multiple_of:
            return self.error(node, f"must be a multiple of {t.multiple_of}")
        return value

    def _bool(self, node: Node) -> Any:
        if not isinstance(node, ScalarNode):
            return self.error(node, f"expected true or false, found {describe_node(node)}")
        if scalar_kind(node) == "bool":
            low = node.value.lower()
            if low in ("true", "false"):
                return low == "true"
            return self.error(
                node,
                f"expected true or false, found `{node.value}`",
                f"write {'true' if low in BOOL_TRUE else 'false'}",
            )
        return self.error(
            node,
            f"expected true or false, found {describe_node(node)}",
            "write true or false, without quotes" if node.style in ("'", '"') else None,
        )

    def _literal(self, node: Node, t: mi.LiteralType) -> Any:
        options = [str(v) for v in t.values]
        ordered = ", ".join(options)
        if not isinstance(node, ScalarNode):
            return self.error(node, f"expected one of {ordered}, found {describe_node(node)}")
        kind = scalar_kind(node)
        for v in t.values:
            if isinstance(v, str) and kind in ("str", "int", "float") and node.value == v:
                return v
            if isinstance(v, bool):
                continue
            if isinstance(v, int) and kind == "int" and parse_int(node.value) == v:
                return v
        if kind == "bool" and node.value in options:
            return self.error(node, f"`{node.value}` is read as a boolean here", f'quote it: "{node.value}"')
        return self.error(node, f"expected one of {ordered}; found `{node.value}`", did_you_mean(node.value, options))

    def _any(self, node: Node) -> Any:
        if isinstance(node, SequenceNode):
            return [self._any(x) for x in node.value]
        if isinstance(node, MappingNode):
            return {self._any(k): self._any(v) for k, v in node.value}
        kind = scalar_kind(node)
        if kind == "null":
            return None
        if kind == "bool":
            return node.value.lower() in BOOL_TRUE
        if kind == "int":
            return parse_int(node.value)
        if kind == "float":
            return parse_float(node.value)
        return node.value
