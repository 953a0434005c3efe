"""Walk a YAML node tree against msgspec types, collecting *every* problem with its position.

msgspec's own ``convert`` stops at the first error and cannot choose the branch of the untagged
``str | Event`` union, so this module walks nodes and :func:`msgspec.inspect.type_info` types together and
builds the Struct objects itself (keyword arguments, so the Struct's own defaults apply).

:func:`validate` returns ``(value, problems, index)``: ``value`` is :data:`INVALID` when anything was wrong;
``index`` maps the path of every value (``("questions", 2, "choices", 0)``, YAML key names and list
indices) to its node, so later semantic checks can point at exact positions.
"""

from __future__ import annotations

from typing import Any

import msgspec
import msgspec.inspect as mi
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tutor.engine.scenario import BARE_VERBS, VERB_MODIFIERS, VERBS, Event
from tutor.lesson.schema_types import (
    INVALID,
    Path,
    RawProblem,
    describe_node,
    parse_float,
    parse_int,
    placeholder,
    scalar_kind,
    struct_fields,
    type_info,
    type_name,
    unwrap,
)
from tutor.lesson.suggest import did_you_mean
from tutor.lesson.validate_scalars import ScalarWalk


class Validator(ScalarWalk):
    """One walk: call :meth:`convert` on the root, then read ``problems`` and ``index``. The containers,
    events and unions are walked here; the scalars are :class:`ScalarWalk`'s.

    With ``salvage=True`` the walk keeps what it can of a value that has problems, so the checks that
    come after the schema can still look at the rest of the file (every problem in one run): an unknown
    or duplicate key is left out, a bad value of a field that has a default takes the default, a bad
    required value takes a placeholder of its type (:func:`placeholder`), a bad list item or mapping
    entry is left out. Every such place is recorded in ``damaged`` (its path; a left-out scalar list item
    in ``dropped``, as nothing stands for it), and a list that lost items maps the kept items to their indexes in the file in ``remap`` (see :func:`original_path`).
    Only an event is never salvaged (a scenario that lost one would run differently).
    """

    def __init__(self, salvage: bool = False) -> None:
        super().__init__()
        self.index: dict[Path, Node] = {}
        self.key_index: dict[Path, Node] = {}
        self.salvage = salvage
        self.value: Any = INVALID
        """What :func:`salvage` kept (set by it)."""
        self.damaged: list[Path] = []
        self.dropped: list[Path] = []
        self.remap: dict[Path, list[int]] = {}

    # --- dispatch -------------------------------------------------------------------------------------
    def convert(self, node: Node, t: mi.Type, path: Path, description: str | None = None) -> Any:
        self.index[path] = node
        if isinstance(t, mi.Metadata):
            desc = (t.extra_json_schema or {}).get("description") if t.extra_json_schema else None
            return self.convert(node, t.type, path, desc)
        if isinstance(t, mi.StructType):
            return self._struct(node, t, path)
        if isinstance(t, mi.UnionType):
            return self._union(node, t, path, description)
        if isinstance(t, (mi.ListType, mi.VarTupleType)):
            return self._list(node, t, path)
        if isinstance(t, mi.DictType):
            return self._dict(node, t, path)
        if isinstance(t, mi.StrType):
            return self._str(node, t, description)
        if isinstance(t, mi.IntType):
            return self._int(node, t)
        if isinstance(t, mi.BoolType):
            return self._bool(node)
        if isinstance(t, mi.FloatType):
            return self._float(node, t)
        if isinstance(t, mi.LiteralType):
            return self._literal(node, t)
        if isinstance(t, mi.NoneType):
            if isinstance(node, ScalarNode) and scalar_kind(node) == "null":
                return None
            return self.error(
                node,
                f"expected nothing (null), found {describe_node(node)}",
                "leave the value empty, e.g. `- logout:` or just `- logout`",
            )
        if isinstance(t, mi.AnyType):
            return self._any(node)
        return self.error(node, f"unsupported type {type(t).__name__} in the format")  # pragma: no cover

    # --- containers -----------------------------------------------------------------------------------
    def _struct(self, node: Node, t: mi.StructType, path: Path) -> Any:
        if not isinstance(node, MappingNode):
            return self.error(
                node, f"expected a mapping (key: value lines) for {t.cls.__name__}, found {describe_node(node)}"
            )
        if t.cls is Event:
            return self._event(node, t, path)
        by_name, names, required = struct_fields(t)
        kwargs: dict[str, Any] = {}
        seen: dict[str, Node] = {}
        ok = True
        salvage = self.salvage
        for key_node, value_node in node.value:
            key = self._key_text(key_node)
            if key is None:
                ok = self._damage(path + ("<key>",)) and ok
                continue
            if key in seen:
                first = seen[key]
                self.error(
                    key_node, f"duplicate key `{key}` (first at line {first.start_mark.line + 1})", "remove one of them"
                )
                ok = self._damage(path + (key,)) and ok
                continue
            seen[key] = key_node
            f = by_name.get(key)
            if f is None:
                hint = did_you_mean(key, names)
                if (
                    hint is None
                    and node.flow_style
                    and isinstance(value_node, ScalarNode)
                    and scalar_kind(value_node) == "null"
                ):
                    hint = 'a comma inside { } starts a new entry: quote text that contains commas, e.g. label: "a, b"'
                self.error(
                    key_node, f"unknown field `{key}` in {t.cls.__name__}", hint or "known fields: " + ", ".join(names)
                )
                ok = self._damage(path + (key,)) and ok
                continue
            sub = path + (key,)
            self.key_index[sub] = key_node
            value = self.convert(value_node, f.type, sub)
            if value is INVALID:
                if salvage and not f.required:
                    self._damage(sub)  # the field's default applies
                elif salvage and (filler := placeholder(f.type)) is not INVALID:
                    self._damage(sub)
                    kwargs[f.name] = filler
                else:
                    ok = False
            else:
                kwargs[f.name] = value
        for f in required:
            if f.encode_name not in seen:
                self.error(node, f"missing field `{f.encode_name}` in {t.cls.__name__}")
                filler = placeholder(f.type) if salvage else INVALID
                if filler is INVALID:
                    ok = False
                else:
                    self._damage(path + (f.encode_name,))
                    kwargs[f.name] = filler
        if not ok:
            return INVALID
        return self._build(node, t, kwargs)

    def _damage(self, path: Path) -> bool:
        """Record a salvaged place; the return value is the struct's new ``ok`` (False unless salvaging)."""
        if self.salvage:
            self.damaged.append(path)
        return self.salvage

    def _build(self, node: Node, t: mi.StructType, kwargs: dict[str, Any]) -> Any:
        try:
            return t.cls(**kwargs)
        except (TypeError, ValueError, msgspec.ValidationError) as exc:  # pragma: no cover - defensive
            return self.error(node, f"invalid {t.cls.__name__}: {exc}")

    def _event(self, node: MappingNode, t: mi.StructType, path: Path) -> Any:
        by_name, names, _required = struct_fields(t)
        kwargs: dict[str, Any] = {}
        seen: dict[str, Node] = {}
        verbs: list[tuple[str, Node]] = []
        unknown: list[tuple[str, Node]] = []
        modifiers: list[tuple[str, Node]] = []
        ok = True
        for key_node, value_node in node.value:
            key = self._key_text(key_node)
            if key is None:
                ok = False
                continue
            if key in seen:
                self.error(
                    key_node,
                    f"duplicate key `{key}` (first at line {seen[key].start_mark.line + 1})",
                    "remove one of them",
                )
                ok = False
                continue
            seen[key] = key_node
            f = by_name.get(key)
            if f is None:
                unknown.append((key, key_node))
                ok = False
                continue
            if key in VERBS:
                verbs.append((key, key_node))
                if len(verbs) > 1:
                    self.error(
                        key_node,
                        f"an event has exactly one verb; `{key}` is a second one after `{verbs[0][0]}`",
                        "write two events, one per list item",
                    )
                    ok = False
            elif key in VERB_MODIFIERS:
                modifiers.append((key, key_node))
            sub = path + (key,)
            self.key_index[sub] = key_node
            if (
                key in BARE_VERBS
                and isinstance(value_node, MappingNode)
                and value_node.value
                and all(isinstance(k, ScalarNode) and k.value in by_name for k, _ in value_node.value)
            ):  # `- restart_server:` with the event's own fields indented under the verb
                fields = ", ".join(f"`{k.value}`" for k, _ in value_node.value)
                first = value_node.value[0][0].value
                self.error(
                    value_node,
                    f"expected nothing after `{key}:` (it takes no value), found a mapping "
                    f"of {fields}, fields of the event itself",
                    f"align `{first}:` with `{key}` (one level less indented) to make it a field of the event",
                )
                ok = False
                continue
            value = self.convert(value_node, f.type, sub)
            if value is INVALID:
                ok = False
            else:
                kwargs[f.name] = value
        if not verbs:
            if unknown:
                word, _ = unknown[0]
                hint = did_you_mean(word, VERBS) or "an event is one of: " + ", ".join(VERBS)
                self.error(node, f"unknown event `{word}`", hint)
                unknown = unknown[1:]
            else:
                self.error(node, "unknown event: it has no verb", "an event is one of: " + ", ".join(VERBS))
            ok = False
        for word, key_node in unknown:
            self.error(
                key_node,
                f"unknown field `{word}` in an event",
                did_you_mean(word, names) or "known fields: " + ", ".join(names),
            )
        if verbs:
            verb = verbs[0][0]
            for mod, key_node in modifiers:
                allowed = VERB_MODIFIERS[mod]
                if verb not in allowed:
                    self.error(
                        key_node,
                        f"`{mod}` does not apply to a `{verb}` event",
                        f"`{mod}` goes with: " + ", ".join(v for v in VERBS if v in allowed),
                    )
                    ok = False
        if not ok:
            return INVALID
        return self._build(node, t, kwargs)

    def _bare_event(self, node: ScalarNode) -> Any:
        word = node.value
        if scalar_kind(node) != "str" or word not in VERBS:
            if scalar_kind(node) == "null":
                return self.error(node, "empty event", "an event is one of: " + ", ".join(VERBS))
            return self.error(
                node, f"unknown event `{word}`", did_you_mean(word, VERBS) or "an event is one of: " + ", ".join(VERBS)
            )
        if word not in BARE_VERBS:
            example = {
                "request": "request: GET /dashboard",
                "login": "login: alice",
                "advance": "advance: 31m",
                "tamper": "tamper: {value: forged}",
                "steal": "steal: {to: attacker}",
                "xss": "xss: {to: attacker}",
                "set_cookie": "set_cookie: theme=dark; Path=/",
                "document_cookie": "document_cookie: theme=dark",
            }.get(word, f"{word}: ...")
            return self.error(node, f"the `{word}` event needs an argument", f"write it as `- {example}`")
        return word

    def _list(self, node: Node, t: Any, path: Path) -> Any:
        if not isinstance(node, SequenceNode):
            return self.error(
                node,
                f"expected a list, found {describe_node(node)}",
                "write one item per line, each starting with '- '",
            )
        out = []
        kept: list[int] = []
        ok = True
        item_type = t.item_type
        for i, item in enumerate(node.value):
            value = self.convert(item, item_type, path + (i,))
            if value is INVALID:  # salvaging: the item is left out
                if isinstance(item, ScalarNode):  # one word or number of a list: nothing else stands for it
                    self.dropped.append(path + (i,))
                    ok = self.salvage and ok
                else:
                    ok = self._damage(path + (i,)) and ok
                continue
            out.append(value)
            kept.append(i)
        if len(kept) < len(node.value):
            self.remap[path] = kept
        count = len(node.value)
        min_length = getattr(t, "min_length", None)
        max_length = getattr(t, "max_length", None)
        if min_length is not None and count < min_length:
            ok = self._damage(path) and ok
            self.error(node, f"expected at least {min_length} item{'s' if min_length != 1 else ''}, found {count}")
        if max_length is not None and count > max_length:
            ok = self._damage(path) and ok
            self.error(node.value[max_length], f"at most {max_length} items are allowed, found {count}")
        return out if ok else INVALID

    def _dict(self, node: Node, t: mi.DictType, path: Path) -> Any:
        if not isinstance(node, MappingNode):
            return self.error(node, f"expected a mapping (key: value lines), found {describe_node(node)}")
        out: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        ok = True
        for key_node, value_node in node.value:
            key = self.convert(key_node, t.key_type, path + ("<key>",))
            if key is INVALID:
                ok = self._damage(path + ("<key>",)) and ok
                continue
            if key in out:
                self.error(
                    key_node,
                    f"duplicate key `{key_node.value}` (first at line {first_line[key]})",
                    "remove one of them",
                )
                ok = self._damage(path + (key,)) and ok
                continue
            first_line[key] = key_node.start_mark.line + 1
            sub = path + (key,)
            self.key_index[sub] = key_node
            value = self.convert(value_node, t.value_type, sub)
            if value is INVALID:
                ok = self._damage(sub) and ok  # salvaging: the entry is left out
                continue
            out[key] = value
        self.index.pop(path + ("<key>",), None)
        count = len(node.value)
        if t.min_length is not None and count < t.min_length:
            ok = self._damage(path) and ok
            self.error(node, f"expected at least {t.min_length} entries")
        if t.max_length is not None and count > t.max_length:
            ok = self._damage(path) and ok
            self.error(node, f"expected at most {t.max_length} entries")
        return out if ok else INVALID

    def _key_text(self, key_node: Node) -> str | None:
        if not isinstance(key_node, ScalarNode):
            self.error(key_node, "a key must be plain text, not a list or mapping")
            return None
        if scalar_kind(key_node) == "bool":
            self.error(
                key_node,
                f"`{key_node.value}` is read as a boolean here, not a field name",
                f'quote it: "{key_node.value}"',
            )
            return None
        return str(key_node.value)  # a scalar's value is its text

    # --- unions ---------------------------------------------------------------------------------------
    def _union(self, node: Node, t: mi.UnionType, path: Path, description: str | None) -> Any:
        types = t.types
        struct_t = next((x for x in types if isinstance(unwrap(x), mi.StructType)), None)
        struct_u = unwrap(struct_t) if struct_t is not None else None
        if struct_t is not None and isinstance(struct_u, mi.StructType) and struct_u.cls is Event:
            if isinstance(node, ScalarNode):
                return self._bare_event(node)
            if isinstance(node, MappingNode):
                return self.convert(node, struct_t, path)
            return self.error(
                node,
                f"expected an event, found {describe_node(node)}",
                "write `- request: GET /` or a bare verb such as `- logout`",
            )
        if isinstance(node, MappingNode):
            branch = next((x for x in types if isinstance(unwrap(x), (mi.StructType, mi.DictType))), None)
        elif isinstance(node, SequenceNode):
            branch = next((x for x in types if isinstance(unwrap(x), (mi.ListType, mi.VarTupleType))), None)
        else:
            kind = scalar_kind(node)
            wanted: tuple[type, ...] = {
                "null": (mi.NoneType,),
                "bool": (mi.BoolType,),
                "int": (mi.IntType, mi.FloatType),
                "float": (mi.FloatType,),
                "str": (mi.StrType, mi.LiteralType),
            }[kind]
            branch = None
            for cls in wanted:
                branch = next((x for x in types if isinstance(unwrap(x), cls)), None)
                if branch is not None:
                    break
            if branch is None and kind != "null":
                # a plain number or boolean where text is accepted: the str branch explains or accepts it
                branch = next((x for x in types if isinstance(unwrap(x), (mi.StrType, mi.LiteralType))), None)
        if branch is None:
            expected = " or ".join(dict.fromkeys(type_name(x) for x in types))
            return self.error(node, f"expected {expected}, found {describe_node(node)}")
        return self.convert(node, branch, path, description)


def validate(node: Node, tp: Any, base: Path = ()) -> tuple[Any, list[RawProblem], dict[Path, Node], dict[Path, Node]]:
    """Convert ``node`` to ``tp``; return (value or INVALID, problems, value-node index, key-node index)."""
    v = Validator()
    value = v.convert(node, type_info(tp), base)
    if v.problems:
        value = INVALID
    return value, v.problems, v.index, v.key_index


def salvage(node: Node, tp: Any, base: Path = ()) -> Validator:
    """Convert ``node`` to ``tp`` keeping what can be kept (see :class:`Validator`); the result is the
    validator, with ``value`` set (:data:`INVALID` only when nothing could be kept)."""
    v = Validator(salvage=True)
    v.value = v.convert(node, type_info(tp), base)
    return v


def original_path(path: Path, remap: dict[Path, list[int]]) -> Path:
    """The path in the file of a path into a salvaged value (list indexes shifted by left-out items)."""
    out: Path = ()
    for part in path:
        if isinstance(part, int) and out in remap:
            kept = remap[out]
            part = kept[part] if 0 <= part < len(kept) else part
        out += (part,)
    return out


__all__ = [
    "INVALID",
    "Validator",
    "did_you_mean",
    "original_path",
    "parse_float",
    "parse_int",
    "placeholder",
    "salvage",
    "type_info",
    "validate",
]
