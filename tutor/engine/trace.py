"""The trace: every phase of every event, recorded as a numbered step.

A :class:`Step` is what one row of the execution table and one column of the variable tracker show.
Everything a learner sees about a run — the table, the tracker, the answers of trace questions — is
read from these objects, so they are the contract between the engine and the layers above it.
"""

from __future__ import annotations

import json
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from itertools import islice
from typing import Any, overload

#: The phases a step can record, in the order they happen inside one request.
#: Lessons refer to them by these names (``table.phases``, flow ``phases``, code ``lines``).
PHASES: tuple[str, ...] = (
    # one request, as the server handles it
    "receive",  # the request arrives (method, path, which cookies came with it)
    "read_cookie",  # the handler reads the session cookie: `(await cookies()).get(name)?.value`
    "check_credentials",  # POST /login: the password is checked
    "validate",  # the session ID / token is checked: unknown, expired, tampered or valid
    "create_session",  # a new (anonymous or authenticated) session is made
    "rotate_session",  # login: the old ID is replaced by a fresh one
    "destroy_session",  # expiry, logout or an invalid ID: the server-side session is deleted
    "load_user",  # the signed-in user is read from the session
    "set_cookie",  # the response carries Set-Cookie with a (new) value
    "clear_cookie",  # the response carries Set-Cookie that deletes the cookie (Max-Age=0)
    "send_response",  # the response leaves the server (status, redirect, body)
    "store_cookie",  # the browser applies the response's Set-Cookie headers to its jar
    # events that are not requests
    "advance_clock",
    "tamper_cookie",
    "steal_cookies",
    "xss",
    "clear_cookies",
    "restart_server",
    "close_browser",  # a browser closes: its session cookies are gone, persistent ones stay
    "script_cookie",  # a page script writes document.cookie (the jar's non-HTTP API rules)
    "revoke_sessions",  # sign out everywhere: every session of one user is revoked (or cannot be)
    "rotate_secret",  # the server's signing secret is replaced
    "end",  # the last step of every trace: the scenario is over
)

#: Each browser's variables: ``jar.<browser>`` (its cookies) and ``document.cookie.<browser>`` (what a page
#: script reads). The one place their names are made and read back.
JAR_PREFIX = "jar."
#: The variable naming the server a step goes to (present only in a run of several servers; ``None`` for
#: the clock and the jar-only events): see :mod:`tutor.engine.servers`.
SERVER_VARIABLE = "server"
DOCUMENT_COOKIE_PREFIX = "document.cookie."
BROWSER_VARIABLE_PREFIXES: tuple[str, ...] = (JAR_PREFIX, DOCUMENT_COOKIE_PREFIX)


def jar_variable(browser: str) -> str:
    return JAR_PREFIX + browser


def document_cookie_variable(browser: str) -> str:
    return DOCUMENT_COOKIE_PREFIX + browser


def jar_browser(variable: str) -> str | None:
    """The browser a ``jar.<browser>`` variable belongs to (None for any other variable)."""
    return variable[len(JAR_PREFIX) :] if variable.startswith(JAR_PREFIX) else None


def spell(value: Any) -> str:
    """A trace value in the one spelling trace answers and goals compare: ``null``, ``true``/``false``
    (JavaScript's, as in the code samples), text as-is, numbers as digits, other values as compact JSON.
    (The views show an empty string as ``""``: :func:`tutor.lesson.loader.format_value`.)"""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class Deferred:
    """A variable value worked out only when it is read (the ``store`` view: see
    :meth:`tutor.engine.store.SessionStore.view`); :class:`StepVariables` returns ``value()``."""

    __slots__ = ()

    def value(self) -> Any:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError


class VariableLog:
    """Every tracked variable of one run, recorded as *changes*: for each variable, the positions
    (0-based step indexes) where its value changed and the new values. A step's variables are then a
    :class:`StepVariables` view (the log, its position, how many variables existed), so memory grows
    with steps × what changed, not with steps × variables (a run with 1,000 browsers has 2,000+ jar
    variables, and a step changes at most a few of them)."""

    __slots__ = ("names", "_slots", "_positions", "_values")

    def __init__(self) -> None:
        self.names: list[str] = []
        """Variable names in the order they first appeared: the key order of every step's view."""
        self._slots: dict[str, int] = {}
        self._positions: list[array[int]] = []
        self._values: list[list[Any]] = []

    def set(self, position: int, name: str, value: Any) -> None:
        """``name`` has ``value`` from step ``position`` on (nothing is stored when it is the very
        object it already had). Positions only grow."""
        slot = self._slots.get(name)
        if slot is None:
            self._slots[name] = len(self.names)
            self.names.append(name)
            self._positions.append(array("q", (position,)))
            self._values.append([value])
            return
        values = self._values[slot]
        if values[-1] is value:
            return
        positions = self._positions[slot]
        if positions[-1] == position:  # changed again within the same step: the last value counts
            values[-1] = value
            return
        positions.append(position)
        values.append(value)

    def changes(self) -> int:
        """How many values the log holds (for tests: it grows with what changed)."""
        return sum(len(v) for v in self._values)

    def export(self) -> Iterator[tuple[str, list[int], Iterator[Any]]]:
        """Each variable as plain data, for storing a run (the lesson cache): its name, the positions
        where it changed and, lazily, its values there (a :class:`Deferred` worked out when reached, so
        a caller can stop early). :meth:`restore` rebuilds an equal log."""
        for name, positions, values in zip(self.names, self._positions, self._values, strict=False):
            yield name, list(positions), (v.value() if isinstance(v, Deferred) else v for v in values)

    @classmethod
    def restore(cls, variables: Iterable[tuple[str, Sequence[int], Sequence[Any]]]) -> VariableLog:
        """A log from :meth:`export`'s data; raises ValueError when it cannot be one (positions not
        increasing, a value count that differs, a name twice)."""
        log = cls()
        for name, positions, values in variables:
            if name in log._slots or len(positions) != len(values) or not positions:
                raise ValueError(f"variable {name!r}: not a recorded log")
            if any(b <= a for a, b in zip(positions, positions[1:], strict=False)) or positions[0] < 0:
                raise ValueError(f"variable {name!r}: positions must increase")
            log._slots[name] = len(log.names)
            log.names.append(name)
            log._positions.append(array("q", positions))
            log._values.append(list(values))
        return log

    def lookup(self, name: str, position: int, count: int) -> Any:
        """The value of ``name`` at step ``position``, where ``count`` variables existed; raises
        :class:`KeyError` when it did not exist yet."""
        slot = self._slots.get(name)
        if slot is None or slot >= count:
            raise KeyError(name)
        index = bisect_right(self._positions[slot], position) - 1
        value = self._values[slot][index]
        return value.value() if isinstance(value, Deferred) else value


class StepVariables(Mapping[str, Any]):
    """The variables after one step, read from the run's :class:`VariableLog`: a read-only mapping
    that looks and compares like the plain dict it stands for (``dict(view)`` gives that dict)."""

    __slots__ = ("_log", "_position", "_count")

    def __init__(self, log: VariableLog, position: int, count: int) -> None:
        self._log = log
        self._position = position
        self._count = count

    def __getitem__(self, name: str) -> Any:
        return self._log.lookup(name, self._position, self._count)

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return self._log.lookup(name, self._position, self._count)
        except KeyError:
            return default

    def __contains__(self, name: object) -> bool:
        slot = self._log._slots.get(name) if isinstance(name, str) else None
        return slot is not None and slot < self._count

    def __iter__(self) -> Iterator[str]:
        return islice(self._log.names, self._count)

    def __len__(self) -> int:
        return self._count

    def __repr__(self) -> str:
        return repr(dict(self))

    @property
    def log(self) -> VariableLog:
        """The run's log this view reads."""
        return self._log

    @property
    def position(self) -> int:
        """The 0-based step index this view shows."""
        return self._position

    @property
    def count(self) -> int:
        """How many variables existed after this step."""
        return self._count


@dataclass(frozen=True, slots=True)
class Step:
    """One phase of one event."""

    step: int
    """1-based position in the trace."""
    event: int
    """1-based index of the scenario event that produced this step (0 for none)."""
    actor: str
    """The browser whose event this is."""
    phase: str
    """One of :data:`PHASES`."""
    action: str
    """What happens, in words: ``Receive GET /dashboard``."""
    cookie_present: bool
    """Did the acting browser's request carry the session cookie (or does its jar hold one)? With several
    servers: the cookie of the server the step goes to; on a step that goes to none (``advance``, a
    jar-only event, ``end``), the cookie of any server."""
    session_id: str | None
    """The session ID (database) or token (jwt) this step is about, if any."""
    user: str | None
    """The signed-in user of that session, if any."""
    result: str
    """The outcome, in words: ``Create new session ID``, ``302 → /login``."""
    variables: Mapping[str, Any]
    """Tracked variables after this step, JSON-compatible values (read-only; the engine gives a
    :class:`StepVariables`). Keys (see DESIGN in engine/__init__): ``clock``, ``request``,
    ``cookieStore``, ``session``, ``status``, ``set_cookie``, ``store``, ``token``, ``same_site``,
    ``jar.<browser>``, ``document.cookie.<browser>``."""

    def get(self, name: str) -> Any:
        """A step field (``session_id``) or a tracked variable (``cookieStore``) by name."""
        if name in STEP_FIELDS:
            return getattr(self, name)
        return self.variables.get(name)

    def summary(self) -> str:
        """``action → result`` in one line, without saying a status twice: ``Send 307 → /login`` (the
        result ``307 → /login`` repeats the action's status), ``Send 200 OK``, ``Receive GET / → …``."""
        status = self.action.rsplit(" ", 1)[-1]
        result = self.result
        if status.isdigit() and (result == status or result.startswith(status + " ")):
            rest = result[len(status) :].strip()
            return f"{self.action} {rest}" if rest else self.action
        return f"{self.action} → {result}"

    def to_json(self) -> dict[str, Any]:
        """Every field in the class's order, ``variables`` last as a plain dict."""
        return {**{name: getattr(self, name) for name in STEP_FIELDS}, "variables": dict(self.variables)}


#: Fields of a step that lessons may show as table columns or track as variables: the class's fields, in
#: its order, but ``variables`` (one list of them: the class).
STEP_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Step) if f.name != "variables")


@dataclass(frozen=True, slots=True)
class Trace(Sequence[Step]):
    """The steps of one run, in order."""

    steps: tuple[Step, ...]

    def __len__(self) -> int:
        return len(self.steps)

    @overload
    def __getitem__(self, index: int) -> Step: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Step, ...]: ...
    def __getitem__(self, index: int | slice) -> Step | tuple[Step, ...]:
        return self.steps[index]

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def step(self, number: int) -> Step:
        """The step with this 1-based number."""
        return self.steps[number - 1]

    def to_json(self) -> list[dict[str, Any]]:
        return [s.to_json() for s in self.steps]
