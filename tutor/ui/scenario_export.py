"""What the playground did, written as a scenario file (the start of a new lesson).

Pure functions, no Textual: the playground calls :func:`scenario_to_yaml` and the tests load its output
with :func:`tutor.lesson.loader.load_scenario` and replay it to the same trace.

The file holds only what differs from the defaults: engine options that were changed, the browsers that
are not chromium (top-level ``browsers: {NAME: {kind: ...}}``), and for each event its verb plus the
modifiers that are not the default (``as: attacker``, ``cross_site: true``, ``remember: true`` ...).
A verb without argument or modifiers is written bare (``- logout``), as authors write it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import msgspec
import yaml

from tutor.engine.scenario import (
    BARE_VERBS,
    BrowserOptions,
    EngineOptions,
    Event,
    Steal,
    Tamper,
    Xss,
    event_verb,
    normalise_event,
)

HEADER = "# A scenario recorded in the Session Tutor playground.\n# Run it with: tutor simulate {name}\n"

_DEFAULT_ARGS: dict[str, Any] = {
    "tamper": msgspec.to_builtins(Tamper()),
    "steal": msgspec.to_builtins(Steal()),
    "xss": msgspec.to_builtins(Xss()),
}


def _diff(value: Any, default: Any) -> Any:
    """The parts of ``value`` (builtins) that differ from ``default``; nested dicts are diffed too."""
    if isinstance(value, dict) and isinstance(default, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key not in default:
                out[key] = item
                continue
            if isinstance(item, dict) and isinstance(default[key], dict):
                sub = _diff(item, default[key])
                if sub:
                    out[key] = sub
            elif item != default[key]:
                out[key] = item
        return out
    return value


def options_to_builtins(options: EngineOptions) -> dict[str, Any]:
    """The engine options that differ from :class:`EngineOptions`' defaults."""
    return _diff(msgspec.to_builtins(options), msgspec.to_builtins(EngineOptions()))


def event_to_builtins(event: str | Event) -> str | dict[str, Any]:
    """One event in the scenario syntax, defaults left out."""
    event = normalise_event(event)
    verb = event_verb(event)
    data = _diff(msgspec.to_builtins(event), msgspec.to_builtins(Event()))
    if verb in _DEFAULT_ARGS and isinstance(data.get(verb), dict):
        data[verb] = _diff(data[verb], _DEFAULT_ARGS[verb])
    if verb in BARE_VERBS and data == {verb: None}:
        return verb
    return data


def browsers_to_builtins(browsers: Mapping[str, str] | None) -> dict[str, Any]:
    """``{name: kind}`` → the scenario's ``browsers:`` (chromium, the default kind, left out)."""
    default = BrowserOptions().kind
    return {name: {"kind": kind} for name, kind in sorted((browsers or {}).items()) if kind != default}


def scenario_to_builtins(
    options: EngineOptions, events: Iterable[str | Event], browsers: Mapping[str, str] | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    engine = options_to_builtins(options)
    if engine:
        out["engine"] = engine
    declared = browsers_to_builtins(browsers)
    if declared:
        out["browsers"] = declared
    out["events"] = [event_to_builtins(e) for e in events]
    return out


def scenario_to_yaml(
    options: EngineOptions, events: Sequence[str | Event], browsers: Mapping[str, str] | None = None
) -> str:
    """A scenario file (``engine:``, ``browsers:``, ``events:``) that replays ``events`` with ``options``
    and the browser kinds ``browsers`` (name → chromium|firefox|safari)."""
    return yaml.safe_dump(
        scenario_to_builtins(options, events, browsers),
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )


def next_export_path(folder: Path, stem: str = "playground") -> Path:
    """``playground-1.yaml``, ``-2`` ... the first name not taken in ``folder`` (never overwrites)."""
    n = 1
    while (folder / f"{stem}-{n}.yaml").exists():
        n += 1
    return folder / f"{stem}-{n}.yaml"


def write_export(
    folder: Path, options: EngineOptions, events: Sequence[str | Event], browsers: Mapping[str, str] | None = None
) -> Path:
    """Write the scenario to a new file in ``folder`` and return its path.

    The file is created exclusively (``x`` mode), so a file that appears meanwhile is never overwritten.
    Raises :class:`OSError` when the folder cannot be written.
    """
    text = scenario_to_yaml(options, events, browsers)
    while True:
        path = next_export_path(folder)
        try:
            with path.open("x", encoding="utf-8") as fh:
                fh.write(HEADER.format(name=path.name))
                fh.write(text)
        except FileExistsError:
            continue
        return path


__all__ = [
    "browsers_to_builtins",
    "event_to_builtins",
    "next_export_path",
    "options_to_builtins",
    "scenario_to_builtins",
    "scenario_to_yaml",
    "write_export",
]
