"""Fast constructors for the engine's frozen, slotted dataclasses.

A frozen dataclass's generated ``__init__`` sets every field through ``object.__setattr__`` by name,
which costs several times more than filling the slots through their descriptors. The engine makes
one :class:`~tutor.engine.trace.Step` per phase (and a request, cookies, rows per event), so the hot
paths build these objects with :func:`slot_constructor` instead. The result is the very same kind of
object (same class, same field values); only the way it is filled differs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields, is_dataclass
from types import MemberDescriptorType
from typing import Any


def slot_constructor(cls: type, names: Sequence[str]) -> Callable[..., Any]:
    """A function taking the fields ``names`` positionally (all of them, in order) and returning a
    filled instance of ``cls``. Falls back to ``cls`` itself (called positionally) whenever the class
    is not a plain slotted dataclass whose fields are exactly ``names`` (e.g. a field was added)."""
    names = tuple(names)
    ok = (
        is_dataclass(cls)
        and tuple(f.name for f in fields(cls)) == names
        and getattr(cls, "__post_init__", None) is None
        and all(isinstance(cls.__dict__.get(n), MemberDescriptorType) for n in names)
        and all(n.isidentifier() and not n.startswith("_") for n in names)
    )
    if not ok:
        return cls
    namespace: dict[str, Any] = {"_new": cls.__new__, "_cls": cls}
    lines = [f"def make({', '.join(names)}):", "    _o = _new(_cls)"]
    for i, n in enumerate(names):
        namespace[f"_s{i}"] = cls.__dict__[n].__set__
        lines.append(f"    _s{i}(_o, {n})")
    lines.append("    return _o")
    exec("\n".join(lines), namespace)  # the same technique dataclasses itself uses
    make = namespace["make"]
    make.__qualname__ = f"{cls.__qualname__}.<fast constructor>"
    return make


__all__ = ["slot_constructor"]
