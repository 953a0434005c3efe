"""What the schema validator (:mod:`tutor.lesson.validate`) knows besides the walk: the msgspec type
information it walks (cached), the friendly words for the formats' patterns (:data:`PATTERN_MESSAGES`),
YAML 1.1 numbers and booleans as PyYAML's implicit resolvers recognised them, how a node or a type is
named in a message, and the placeholder a salvaged value takes (:func:`placeholder`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import msgspec
import msgspec.inspect as mi
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tutor.engine.scenario import BROWSER_NAME_PATTERN, REQUEST_PATTERN, Event
from tutor.lesson.catalog import ID_MESSAGE, ID_PATTERN
from tutor.lesson.yamlsource import BOOL_TAG, FLOAT_TAG, INT_TAG, NULL_TAG

Path = tuple[Any, ...]
_N = TypeVar("_N", int, float)


class _Invalid:
    __slots__ = ()

    def __repr__(self) -> str:
        return "INVALID"


#: Returned in place of a value that had problems.
INVALID: Any = _Invalid()

#: (node, message, hint)
RawProblem = tuple[Node, str, "str | None"]

# --- friendly messages for the patterns used by the formats -----------------------------------------
PATTERN_MESSAGES: dict[str, str] = {
    r"^([0-9]+[smhd])+(?!\n)$": "expected a duration such as 90s, 31m, 2h or 7d",
    r"^(none|([0-9]+[smhd])+)(?!\n)$": "expected a duration such as 90s, 31m, 2h or 7d, or none",
    ID_PATTERN.pattern: ID_MESSAGE,
    BROWSER_NAME_PATTERN: "expected a browser name: a letter, then letters, digits, _ or - (at most 32)",
    REQUEST_PATTERN: "expected a request such as GET /dashboard or POST /login (a method, one space, a path from /)",
    r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?!\n)$": "expected a cookie name (letters, digits and !#$%&'*+-.^_`|~; no spaces)",
    r"^/": "expected a path starting with /",
    r"^[a-z][a-z0-9_-]{0,39}(?!\n)$": "expected a mark: a lower-case letter, then lower-case letters, digits, _ or - (at most 40)",
    r"^[a-z][a-z0-9_-]{0,39}(\.[a-z_]+)?(?!\n)$": "expected a step number, or a mark such as `login` or `login.set_cookie`",
}

_compiled: dict[str, re.Pattern[str]] = {}
_type_cache: dict[Any, mi.Type] = {}
_fields_cache: dict[type, tuple[dict[str, mi.Field], tuple[str, ...], tuple[mi.Field, ...]]] = {}


def type_info(tp: Any) -> mi.Type:
    """``msgspec.inspect.type_info`` of ``tp``, cached."""
    info = _type_cache.get(tp)
    if info is None:
        info = _type_cache[tp] = mi.type_info(tp)
    return info


def compiled_pattern(p: str) -> re.Pattern[str]:
    rx = _compiled.get(p)
    if rx is None:
        rx = _compiled[p] = re.compile(p)
    return rx


def struct_fields(t: mi.StructType) -> tuple[dict[str, mi.Field], tuple[str, ...], tuple[mi.Field, ...]]:
    cached = _fields_cache.get(t.cls)
    if cached is None:
        by_name = {f.encode_name: f for f in t.fields}
        cached = _fields_cache[t.cls] = (by_name, tuple(by_name), tuple(f for f in t.fields if f.required))
    return cached


# --- YAML 1.1 numbers, as the implicit resolvers recognised them ------------------------------------


def _signed(value: str) -> tuple[int, str]:
    """A number's sign and the rest (PyYAML's ``construct_yaml_int``/``construct_yaml_float``: ``+``/``-``)."""
    if value[:1] in "+-":
        return (-1 if value[0] == "-" else 1), value[1:]
    return 1, value


def _base_60(value: str, number: Callable[[str], _N]) -> _N:
    """YAML 1.1's sexagesimal ``1:30:00`` (PyYAML: each ``:``-part a digit in base 60), for ints and floats."""
    total = number("0")
    for part in value.split(":"):
        total = total * 60 + number(part)
    return total


def parse_int(text: str) -> int:
    sign, value = _signed(text.replace("_", ""))
    if value == "0":
        return 0
    if value.startswith("0b"):
        return sign * int(value[2:], 2)
    if value.startswith("0x"):
        return sign * int(value[2:], 16)
    if value.startswith("0o"):
        return sign * int(value[2:], 8)
    if value.startswith("0"):
        return sign * int(value, 8)
    if ":" in value:
        return sign * _base_60(value, int)
    return sign * int(value)


def parse_float(text: str) -> float:
    sign, value = _signed(text.replace("_", "").lower())
    if value == ".inf":
        return sign * float("inf")
    if value == ".nan":
        return float("nan")
    if ":" in value:
        return sign * _base_60(value, float)
    return sign * float(value)


BOOL_TRUE = frozenset({"yes", "true", "on", "y"})


def scalar_kind(node: ScalarNode) -> str:
    """``null``, ``bool``, ``int``, ``float`` or ``str``: what the (implicit or explicit) tag says."""
    tag = node.tag
    if tag == NULL_TAG:
        return "null"
    if tag == BOOL_TAG:
        return "bool"
    if tag == INT_TAG:
        return "int"
    if tag == FLOAT_TAG:
        return "float"
    return "str"


def describe_node(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    kind = scalar_kind(node)
    return {
        "null": "nothing (null)",
        "bool": f"the boolean {node.value}",
        "int": f"the number {node.value}",
        "float": f"the number {node.value}",
    }.get(kind, "text")


def type_name(t: mi.Type) -> str:
    if isinstance(t, mi.Metadata):
        return type_name(t.type)
    if isinstance(t, mi.StrType):
        return "text"
    if isinstance(t, mi.IntType):
        return "a whole number"
    if isinstance(t, mi.FloatType):
        return "a number"
    if isinstance(t, mi.BoolType):
        return "true or false"
    if isinstance(t, mi.NoneType):
        return "nothing (null)"
    if isinstance(t, (mi.ListType, mi.VarTupleType)):
        return "a list"
    if isinstance(t, (mi.StructType, mi.DictType)):
        return "a mapping"
    if isinstance(t, mi.LiteralType):
        return "one of " + ", ".join(str(v) for v in t.values)
    if isinstance(t, mi.UnionType):
        return " or ".join(type_name(x) for x in t.types)
    return "a value"


def unwrap(t: mi.Type) -> mi.Type:
    while isinstance(t, mi.Metadata):
        t = t.type
    return t


def placeholder(t: mi.Type) -> Any:
    """A stand-in of type ``t`` for a required value that was missing or wrong (salvaging): empty text,
    the lowest number, an empty list or mapping, a struct of placeholders; :data:`INVALID` for a type
    that has none (an event). The place is recorded as damaged, so no check reports about it."""
    t = unwrap(t)
    if isinstance(t, mi.StrType):
        return ""
    if isinstance(t, (mi.IntType, mi.FloatType)):
        low = t.ge if t.ge is not None else (t.gt + 1 if t.gt is not None else 0)
        return float(low) if isinstance(t, mi.FloatType) else low
    if isinstance(t, mi.BoolType):
        return False
    if isinstance(t, mi.NoneType):
        return None
    if isinstance(t, mi.LiteralType):
        return t.values[0]
    if isinstance(t, (mi.ListType, mi.VarTupleType)):
        return []
    if isinstance(t, mi.DictType):
        return {}
    if isinstance(t, mi.UnionType):
        for branch in t.types:
            value = placeholder(branch)
            if value is not INVALID:
                return value
        return INVALID
    if isinstance(t, mi.StructType) and t.cls is not Event:
        kwargs = {}
        for f in t.fields:
            if f.required:
                value = placeholder(f.type)
                if value is INVALID:
                    return INVALID
                kwargs[f.name] = value
        try:
            return t.cls(**kwargs)
        except (TypeError, ValueError, msgspec.ValidationError):  # pragma: no cover - defensive
            return INVALID
    return INVALID
