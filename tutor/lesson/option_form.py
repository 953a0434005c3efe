"""The playground's options form: every engine option as one labelled field, derived from the engine's
option types (:class:`~tutor.engine.scenario.EngineOptions` and the :class:`CookieOptions` of its
``cookie``), so an option added to the engine is in the dialog without a second list. No Textual: the
dialog (``tutor/ui/modals/playground_dialogs.py``) makes a widget per field and hands back the texts.

- A field's kind comes from its type: ``bool`` is a yes/no choice, a ``Literal`` a choice of its values,
  a ``dict`` (``users``, ``token_extra``) the text ``alice=5000, bob=100``, anything else (durations,
  names, the seed) its text. A nested struct's fields (``cookie``) come in its place, labelled
  ``cookie NAME``.
- :func:`apply_texts` is the one way back: a field whose text is unchanged keeps its value exactly; the
  rest are converted by the types (msgspec) and then checked by ``check_options``, the check
  ``tutor check`` applies to a scenario's ``engine:``. Every problem is one line naming the field.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args, get_origin

import msgspec

from tutor.engine.scenario import Duration, EngineOptions, OptionalDuration

Kind = Literal["yes_no", "choice", "mapping", "text"]

#: What a label adds for an option that matters to one strategy only (a note, not a list of fields: the
#: fields come from the types; ``test_option_form`` holds every name here to a real field).
STRATEGY_NOTES: dict[str, str] = {"token_version": "jwt", "token_extra": "jwt", "secret": "jwt"}

YES, NO = "yes", "no"


@dataclass(frozen=True, slots=True)
class OptionField:
    """One field of the form: where the option lives (``("cookie", "max_age")``), how it is shown."""

    path: tuple[str, ...]
    kind: Kind
    choices: tuple[str, ...] = ()
    """The values of a choice (``yes``/``no`` for a bool, a Literal's values)."""
    duration: bool = False
    """A duration (``30m``, ``none`` where the type allows it): what a refusal of its text says."""

    @property
    def name(self) -> str:
        """The option's own name (unique in the form): the dialog's widget id is ``opt-NAME``."""
        return self.path[-1]

    @property
    def hint(self) -> str:
        """What an empty text field shows (a mapping's form), else ``""``."""
        return "name=value, name=value" if self.kind == "mapping" else ""

    @property
    def label(self) -> str:
        """``strategy``, ``cookie max_age``, ``token_version (jwt)``."""
        note = STRATEGY_NOTES.get(self.name)
        return " ".join(self.path) + (f" ({note})" if note else "")


def _unwrap(hint: Any) -> Any:
    """``Annotated[str, Meta(...)]`` → ``str`` (a type's constraints are msgspec's to check)."""
    while get_origin(hint) is typing.Annotated:
        hint = get_args(hint)[0]
    return hint


def _fields(struct: type, prefix: tuple[str, ...]) -> list[OptionField]:
    hints = typing.get_type_hints(struct, include_extras=True)
    found: list[OptionField] = []
    for f in msgspec.structs.fields(struct):
        declared = hints[f.name]
        hint = _unwrap(declared)
        path = (*prefix, f.name)
        if isinstance(hint, type) and issubclass(hint, msgspec.Struct):
            found += _fields(hint, path)
        elif hint is bool:
            found.append(OptionField(path, "yes_no", (YES, NO)))
        elif get_origin(hint) is Literal:
            found.append(OptionField(path, "choice", tuple(str(a) for a in get_args(hint))))
        elif get_origin(hint) is dict:
            found.append(OptionField(path, "mapping"))
        else:
            found.append(OptionField(path, "text", duration=declared in (Duration, OptionalDuration)))
    return found


def option_fields() -> list[OptionField]:
    """Every engine option, in the order of :class:`EngineOptions`' fields (``cookie``'s in its place)."""
    found = _fields(EngineOptions, ())
    names = [f.name for f in found]
    assert len(set(names)) == len(names), f"two engine options share a name: {names}"
    return found


def _value(options: EngineOptions, field: OptionField) -> Any:
    value: Any = options
    for part in field.path:
        value = getattr(value, part)
    return value


def field_text(options: EngineOptions, field: OptionField) -> str:
    """The field's value as the form shows it: ``yes``/``no``, a choice, ``k=v, k=v`` or the text."""
    value = _value(options, field)
    if field.kind == "yes_no":
        return YES if value else NO
    if field.kind == "mapping":
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def _parse_mapping(field: OptionField, text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for entry in filter(None, (e.strip() for e in text.split(","))):
        key, sep, value = entry.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{field.label}: expected NAME=VALUE, NAME=VALUE (e.g. alice=5000), found {entry!r}")
        out[key.strip()] = value.strip()
    return out


def _option_error(message: str) -> str:
    """msgspec's ``Expected `str` matching regex ... - at `$.idle_timeout``` → a readable line."""
    where = message.rsplit("at `$.", 1)
    path = where[1].rstrip("`") if len(where) == 2 else ""
    field = path.replace("cookie.", "cookie ") or "an option"
    durations = {".".join(f.path) for f in option_fields() if f.duration}
    if "regex" in message and path in durations:
        return f"{field}: expected a duration such as 30m, 8h or 1h30m, or none"
    return f"{field}: {where[0].strip(' -')}"


def apply_texts(options: EngineOptions, texts: Mapping[str, str]) -> EngineOptions:
    """``options`` with the form's texts (field name → text; a field not given keeps its value); raises
    :class:`ValueError` with one line when an option is invalid (by its type or by ``check_options``)."""
    data = msgspec.to_builtins(options)
    for field in option_fields():
        text = texts.get(field.name)
        if text is None or text == field_text(options, field):
            continue  # unchanged: kept exactly
        text = text.strip()
        value: Any
        if field.kind == "yes_no":
            value = text == YES
        elif field.kind == "mapping":
            value = _parse_mapping(field, text)
        else:
            value = text
        target = data
        for part in field.path[:-1]:
            target = target[part]
        target[field.name] = value
    try:
        # strict=False: a text field's digits become the int its type asks for (seed, token_extra's sizes)
        new = msgspec.convert(data, EngineOptions, strict=False)
    except msgspec.ValidationError as exc:
        raise ValueError(_option_error(str(exc))) from None
    # what the types cannot say (a 0s timeout, jwt with sqlite): the engine's one check, as tutor check asks it
    from tutor.engine.scenario_check import check_options

    problems = check_options(new)
    if problems:
        name = (problems[0].field or "").removeprefix("engine.").replace("cookie.", "cookie ")
        raise ValueError(f"{name}: {problems[0].message}" if name else problems[0].message)
    return new


__all__ = ["STRATEGY_NOTES", "OptionField", "apply_texts", "field_text", "option_fields"]
