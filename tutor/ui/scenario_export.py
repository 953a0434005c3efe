"""What the playground did, written as a scenario file (the start of a new lesson).

Pure functions, no Textual: the playground calls :func:`scenario_to_yaml` and the tests load its output
with :func:`tutor.lesson.loader.load_scenario` and replay it to the same trace.

The file holds only what differs from the defaults: engine options that were changed, the browsers that
are not chromium (top-level ``browsers: {NAME: {kind: ...}}``), and for each event its verb plus the
modifiers that are not the default (``as: attacker``, ``cross_site: true``, ``remember: true`` ...).
A verb without argument or modifiers is written bare (``- logout``), as authors write it.
"""

from __future__ import annotations

import os
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
from tutor.files import MAX_TRIES, create_numbered

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
    options: EngineOptions,
    events: Iterable[str | Event],
    browsers: Mapping[str, str] | None = None,
    servers: Mapping[str, EngineOptions] | None = None,
) -> dict[str, Any]:
    """The scenario as builtins; with ``servers`` (several side by side), ``servers:`` instead of ``engine:``."""
    out: dict[str, Any] = {}
    if servers:
        out["servers"] = {name: options_to_builtins(o) for name, o in servers.items()}
    else:
        engine = options_to_builtins(options)
        if engine:
            out["engine"] = engine
    declared = browsers_to_builtins(browsers)
    if declared:
        out["browsers"] = declared
    out["events"] = [event_to_builtins(e) for e in events]
    return out


def scenario_to_yaml(
    options: EngineOptions,
    events: Sequence[str | Event],
    browsers: Mapping[str, str] | None = None,
    servers: Mapping[str, EngineOptions] | None = None,
) -> str:
    """A scenario file (``engine:``, ``browsers:``, ``events:``) that replays ``events`` with ``options``
    and the browser kinds ``browsers`` (name → chromium|firefox|safari)."""
    return yaml.safe_dump(
        scenario_to_builtins(options, events, browsers, servers),
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )


def next_export_path(folder: Path, stem: str = "playground") -> Path:
    """``playground-1.yaml``, ``-2`` ... the first name in ``folder`` with nothing there (not even a
    dangling link); only a guess: :func:`write_export` creates the file without looking first."""
    n = 1
    while os.path.lexists(folder / f"{stem}-{n}.yaml") and n < MAX_TRIES:
        n += 1
    return folder / f"{stem}-{n}.yaml"


def write_export(
    folder: Path,
    options: EngineOptions,
    events: Sequence[str | Event],
    browsers: Mapping[str, str] | None = None,
    servers: Mapping[str, EngineOptions] | None = None,
) -> Path:
    """Write the scenario to a new file in ``folder`` and return its path.

    The file is created with ``O_CREAT | O_EXCL | O_NOFOLLOW`` (:func:`tutor.files.create_numbered`): a file or
    a link (dangling or not) that is there already, or appears meanwhile, is never written through or over,
    and a folder where no name is free gives up after a bounded number of tries. Raises :class:`OSError`.
    """
    text = scenario_to_yaml(options, events, browsers, servers)
    return create_numbered(folder, "playground", ".yaml", render=lambda path: HEADER.format(name=path.name) + text)


__all__ = [
    "browsers_to_builtins",
    "event_to_builtins",
    "next_export_path",
    "options_to_builtins",
    "scenario_to_builtins",
    "scenario_to_yaml",
    "write_export",
]
