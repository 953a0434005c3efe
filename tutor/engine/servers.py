"""The servers of a run: one (a scenario's ``engine:``) or several side by side (its ``servers:``).

A :class:`ServerSide` is everything one modelled server keeps: its options, its :class:`Server` (the
routes), its session store (database) or signer (jwt), its seeded IDs and the names of the trace
variables that show its state. The clock and the browsers are shared: every server sees the same
virtual time, and a browser has one jar for every host, as a real one does (cookies are kept per host,
RFC 6265 §5.3 step 6 / §5.4 step 1: a host-only cookie goes back only to the host that set it). That is
why two servers of one scenario need two hosts (``check_servers``): on one host their cookies would
collide, which the model does not route.

Variable names: a run with one server keeps the names it always had (``store``, ``secrets``,
``token_versions``); with several, each server's are suffixed with its name (``store.db``,
``secrets.jwt``, ``token_versions.jwt``), and a ``server`` variable names the server the current step
goes to or acts on (``None`` for the clock and the jar-only events).

This module also plays ``restart_server`` (the one server event that is neither an attack nor a
revocation: those live in :mod:`tutor.engine.attacks` and :mod:`tutor.engine.revocation`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from tutor.engine import revocation
from tutor.engine.exchange import Settings
from tutor.engine.ids import IdGenerator
from tutor.engine.scenario import SERVER_VERBS, EngineOptions, Event, Scenario
from tutor.engine.server import Server
from tutor.engine.store import SessionStore, open_store
from tutor.engine.trace import SERVER_VARIABLE

__all__ = ["SERVER_VARIABLE", "ServerSide", "build_sides", "restart_server", "scenario_servers", "target_name"]

if TYPE_CHECKING:
    from tutor.engine.simulation import Simulation

#: The variables each server has; with several servers each is ``NAME.<server>`` (``store.db``).
PER_SERVER_VARIABLES: tuple[str, ...] = ("store", revocation.SECRETS, revocation.TOKEN_VERSIONS)


class ServerSide:
    """One modelled server of a run: options, routes, store or signer, IDs and variable names."""

    def __init__(self, name: str, options: EngineOptions, *, suffixed: bool) -> None:
        self.name = name
        """The key of the scenario's ``servers:`` (``""`` for a scenario's one ``engine:``)."""
        self.options = options
        self.settings = Settings.from_options(options)
        self.ids = IdGenerator(options.seed)
        self.jwt = options.strategy == "jwt"
        self.store: SessionStore | None = None if self.jwt else open_store(options.store)
        signer = None
        if self.jwt:
            from tutor.engine.tokens import TokenSigner  # pyjwt: loaded only for the jwt strategy

            signer = TokenSigner(options.secret)
        self.server = Server(self.settings, self.ids, self.store, signer)
        self.host = options.host
        self.cookie_name = options.cookie.name
        suffix = f".{name}" if suffixed else ""
        self.store_variable, self.secrets_variable, self.versions_variable = (
            variable + suffix for variable in PER_SERVER_VARIABLES
        )
        self.store_version = -1
        """The store's version when its view was last recorded."""

    def initial_variables(self) -> dict[str, object]:
        """This server's variables before the first step (the store's view is recorded at the first)."""
        versions = self.server.token_versions
        return {
            self.store_variable: None,
            self.secrets_variable: revocation.secrets_view(self.server.signer),
            self.versions_variable: None if versions is None else dict(versions),
        }

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


def scenario_servers(scenario: Scenario) -> dict[str, EngineOptions] | None:
    """The scenario's ``servers:`` (``None`` when it has only ``engine:``): what a Simulation is given."""
    return dict(scenario.servers) if scenario.servers else None


def build_sides(options: EngineOptions, servers: Mapping[str, EngineOptions] | None) -> dict[str, ServerSide]:
    """The run's servers: ``servers`` when given (several: suffixed variable names), else ``options``."""
    if not servers:
        return {"": ServerSide("", options, suffixed=False)}
    several = len(servers) > 1
    return {name: ServerSide(name, opts, suffixed=several) for name, opts in servers.items()}


def target_name(sides: Mapping[str, ServerSide], event: Event, verb: str) -> str | None:
    """The server ``event`` goes to (``None`` for a verb that goes to none); raises ValueError for an
    unknown ``server:`` or a missing one with several servers (``check_servers`` says so with a position)."""
    if verb not in SERVER_VERBS:
        return None
    name = event.server
    if name is None:
        if len(sides) > 1:
            raise ValueError(f"with several servers, a {verb} event names its server: server: {' | '.join(sides)}")
        return next(iter(sides))
    if name not in sides:
        known = ", ".join(n for n in sides if n) or "none: this run has one server, given by engine:"
        raise ValueError(f"unknown server {name!r} (servers: {known})")
    return name


def restart_server(sim: Simulation, event: Event) -> None:
    """The server process restarts. A memory store loses every row. A persistent (sqlite) store keeps
    them, and the new process's start-up cleanup deletes the rows that have already expired
    (``expires <= now``; see ``tutor/engine/store.py``): valid sessions all survive."""
    store = sim.target(event).store
    if store is None:
        result = "Tokens live in the cookies: nothing lost"
    elif store.persistent:
        store.restart()
        swept = store.sweep(sim.clock.now)
        kept = len(store)
        result = f"SQLite file kept: {kept} session{' survives' if kept == 1 else 's survive'}"
        if swept:
            result += f"; start-up cleanup deleted {swept} expired row{'s' if swept != 1 else ''}"
    else:
        lost = store.restart()
        result = f"In-memory store lost {lost} session{'s' if lost != 1 else ''}"
    sim.record_server_step("restart_server", "Restart the server", result)


__all__ = [
    "PER_SERVER_VARIABLES",
    "SERVER_VARIABLE",
    "ServerSide",
    "build_sides",
    "restart_server",
    "scenario_servers",
    "target_name",
]
