"""The session engine: a deterministic, pure-Python model of the web session lifecycle.

No Textual or Rich import is allowed anywhere below this package (tests/test_layers.py proves it).

DESIGN — the variables every step records (JSON values; read-only). A run keeps them in one
``VariableLog`` of *changes* and each ``Step.variables`` is a ``StepVariables`` view of it (a Mapping that
reads and compares like the plain dict; ``dict(step.variables)`` gives that dict), so memory grows with
steps × what changed, whatever the number of browsers. Limits: ``tutor/engine/limits.py``.

- ``clock``: the virtual clock, ``+0s``, ``+31m``, ``+1d2h``.
- ``request``: ``"GET /dashboard"`` during a request, else ``None``.
- ``cookieStore``: what the handler's ``await cookies()`` sees, ``{name: value}``: the request's cookies
  plus what the response has set or deleted so far; ``None`` outside a request.
- ``session``: the server's view of the current session, ``None`` or
  ``{id, user, created, last_seen, expires}`` (database; times as clock strings) /
  ``{id, user, created, expires}`` (jwt; ``id`` is the token's ``sid``).
- ``status``: the response status once sent, else ``None``.
- ``set_cookie``: the last ``Set-Cookie`` header the response carries, else ``None``.
- ``store``: database: every row as a dict (as ``session``); jwt: ``None``.
- ``token``: jwt: the decoded payload (``sub``, ``sid``, ``iat``, ``exp``, ``auth_time``, and
  ``remember`` after a "remember me" login) of the token in play; else ``None``.
- ``same_site``: during a cross-site request, the SameSite rule that decided whether the session cookie
  went with it, in words (``SameSite unset → Lax (chromium default), cookie 40s old: Lax+POST exception,
  sent``); ``None`` otherwise.
- ``jar.<browser>``: that browser's cookies, one string each; ``document.cookie.<browser>``: what page
  scripts see. Present for every browser that exists (``browser`` always does).
- Several servers side by side (a scenario's ``servers:``; tutor/engine/servers.py): ``store``,
  ``secrets`` and ``token_versions`` become one per server, ``store.<server>`` ...; ``server`` names the
  server the step goes to (``None`` for the clock and the jar-only events); each ``jar.<browser>`` line
  starts with the cookie's domain; ``document.cookie.<browser>`` is the first server's page.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tutor.engine.clock import format_duration, parse_duration
    from tutor.engine.limits import LimitExceeded
    from tutor.engine.scenario import EngineOptions, Event, Scenario
    from tutor.engine.scenario_check import ScenarioProblem, check_options, check_scenario
    from tutor.engine.simulation import Simulation, run_scenario
    from tutor.engine.trace import PHASES, Step, Trace

#: Public name -> the submodule that defines it. The names are resolved on first use (PEP 562), so
#: ``import tutor.engine.scenario`` (which every lesson load does) does not import the simulation, the
#: server, the cookie jar (and its Public Suffix List), ``hmac``/``hashlib``, PyJWT or ``sqlite3``.
_EXPORTS: dict[str, str] = {
    "PHASES": "trace",
    "EngineOptions": "scenario",
    "LimitExceeded": "limits",
    "Event": "scenario",
    "Scenario": "scenario",
    "ScenarioProblem": "scenario_check",
    "Simulation": "simulation",
    "Step": "trace",
    "Trace": "trace",
    "check_options": "scenario_check",
    "check_scenario": "scenario_check",
    "format_duration": "clock",
    "parse_duration": "clock",
    "run_scenario": "simulation",
}

__all__ = [
    "PHASES",
    "EngineOptions",
    "Event",
    "LimitExceeded",
    "Scenario",
    "ScenarioProblem",
    "Simulation",
    "Step",
    "Trace",
    "check_options",
    "check_scenario",
    "format_duration",
    "parse_duration",
    "run_scenario",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later look-ups do not come back here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
