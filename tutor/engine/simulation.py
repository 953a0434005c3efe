"""Playing scenarios: :class:`Simulation` plays events one at a time and records the trace.

Each phase of a request is one :class:`~tutor.engine.trace.Step`; every other event is one step; a
finished run ends with an ``end`` step. Step variables (see ``tutor/engine/__init__.py``) are plain JSON
values; unchanged values (the store view, the jars) are *shared* between steps, never copied, so memory
grows linearly with the trace. Treat them as read-only.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from typing import Any

from msgspec import UNSET

from tutor.engine import revocation
from tutor.engine.attacks import play_steal, play_tamper, play_xss
from tutor.engine.browser import Browser, Request
from tutor.engine.clock import VirtualClock, format_duration, parse_duration
from tutor.engine.exchange import Exchange
from tutor.engine.jar_events import (
    play_clear_cookies,
    play_close_browser,
    play_document_cookie,
    play_set_cookie,
    play_written_response,
)
from tutor.engine.limits import MAX_BROWSERS, MAX_EVENTS, MAX_STEPS, LimitExceeded
from tutor.engine.scenario import (
    BARE_VERBS,
    BROWSER_KINDS,
    DEFAULT_BROWSER,
    THIRD_PARTY_POLICY_NAMES,
    BrowserOptions,
    EngineOptions,
    Event,
    Scenario,
    event_verb,
    normalise_event,
)
from tutor.engine.servers import SERVER_VARIABLE, ServerSide, build_sides, restart_server, scenario_servers, target_name
from tutor.engine.trace import Step, StepVariables, Trace, VariableLog, document_cookie_variable, jar_variable

#: The variables every step has, in the order they are listed (``jar.<browser>`` and
#: ``document.cookie.<browser>`` follow as browsers appear).
_VARIABLES = (
    "clock",
    "request",
    "cookieStore",
    "session",
    "status",
    "set_cookie",
    "store",
    "token",
    "same_site",
    *revocation.VARIABLES,
)
#: The ones each step sets (the rest change with the store and the jars).
_PER_STEP = ("clock", "request", "cookieStore", "session", "status", "set_cookie", "token", "same_site")


class Simulation:
    """A running model: browsers, one server or several (tutor/engine/servers.py) and a virtual clock."""

    def __init__(
        self,
        options: EngineOptions | None = None,
        browsers: Mapping[str, str | BrowserOptions] | None = None,
        *,
        servers: Mapping[str, EngineOptions] | None = None,
    ) -> None:
        """``browsers``: browser name → kind (``chromium``, ``firefox``, ``safari``) or the
        :class:`BrowserOptions` a scenario's top-level ``browsers:`` declares (kind and third-party
        policy); every other browser is chromium with chromium's default policy. ``servers``: a
        scenario's ``servers:`` (name → options), instead of ``options``."""
        self.sides: dict[str, ServerSide] = build_sides(options or EngineOptions(), servers)
        """The run's servers by name (one, named ``""``, for a scenario's ``engine:``)."""
        self.multi = len(self.sides) > 1
        first = next(iter(self.sides.values()))
        #: the first server's (the only one's) parts, as every caller of a one-server run reads them
        self.options = first.options
        self._kinds: dict[str, str] = {}
        self._third_party: dict[str, str] = {}
        self.browsers: dict[str, Browser] = {}
        for name, declared in (browsers or {}).items():
            if isinstance(declared, BrowserOptions):
                self.set_browser_kind(name, declared.kind)
                if declared.third_party is not None:
                    self.set_browser_third_party(name, declared.third_party)
            else:
                self.set_browser_kind(name, declared)
        self.settings, self.ids, self.jwt = first.settings, first.ids, first.jwt
        self.store, self.server, self.cookie_name = first.store, first.server, first.cookie_name
        self._first = first
        self._stores = [side for side in self.sides.values() if side.store is not None]
        self._target: ServerSide = first
        """The server the event being played goes to (the first for events that go to none)."""
        self.clock = VirtualClock()
        self._jar_versions: dict[str, int] = {}
        self._steps: list[Step] = []
        self._trace: Trace | None = None
        self._event_no = 0
        self._purged_at = 0
        self._dirty: set[str] = set()
        """Browsers whose jar may have changed since the last step."""
        self._expiring: list[tuple[int, str]] = []
        """A heap of (no cookie expires before this second, browser): which jars to purge when the
        clock moves, without looking at every browser."""
        self._log = VariableLog()
        """Every variable's changes (see tutor/engine/trace.py): a step stores only what changed."""
        server_variables: dict[str, object] = {}
        for side in self.sides.values():
            server_variables.update(side.initial_variables())
        for name in _VARIABLES:
            if name in ("store", *revocation.VARIABLES) and self.multi:  # one per server: store.NAME ...
                prefix = name + "."
                for key in server_variables:
                    if key.startswith(prefix):
                        self._log.set(0, key, server_variables[key])
            else:
                self._log.set(0, name, server_variables.get(name))
        if self.multi:
            self._log.set(0, SERVER_VARIABLE, None)
        self._server_name: str | None = None
        """The ``server`` variable's value for the event being played (several servers only)."""
        self._last_values: tuple[Any, ...] = (None,) * len(_PER_STEP)
        """The values of :data:`_PER_STEP` at the last step (only the ones that differ are logged)."""
        self.closed = False
        self.browser(DEFAULT_BROWSER)

    # -- lifecycle ------------------------------------------------------------------------------
    def close(self) -> None:
        if not self.closed:
            self.closed = True
            for side in self.sides.values():
                side.close()

    def __enter__(self) -> Simulation:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def trace(self) -> Trace:
        if self._trace is None or len(self._trace) != len(self._steps):
            self._trace = Trace(tuple(self._steps))
        return self._trace

    def browser(self, name: str) -> Browser:
        """The browser of this name, created (with an empty jar) on first use."""
        found = self.browsers.get(name)
        if found is None:
            if len(self.browsers) >= MAX_BROWSERS:
                raise LimitExceeded(
                    f"too many browsers: a run may use at most {MAX_BROWSERS:,} ({name!r} would be one more)",
                    self._event_no - 1 if self._event_no else None,
                )
            found = self.browsers[name] = Browser(
                name, self._first.host, self._kinds.get(name, "chromium"), self._third_party.get(name)
            )
            self._jar_versions[name] = -1
            self._dirty.add(name)
        return found

    def set_browser_kind(self, name: str, kind: str) -> None:
        """Make browser ``name`` follow ``kind``'s cookie rules (``chromium``, ``firefox`` or ``safari``)
        from now on; the browser is created on its first event as usual. Records no step. Raises
        :class:`ValueError` for an unknown kind."""
        if kind not in BROWSER_KINDS:
            raise ValueError(f"unknown browser kind {kind!r}: expected {', '.join(BROWSER_KINDS)}")
        self._kinds[name] = kind
        found = self.browsers.get(name)
        if found is not None:
            found.kind = kind

    def set_browser_third_party(self, name: str, policy: str | None) -> None:
        """Browser ``name``'s third-party policy (``allow``, ``block``, ``partition``; ``None``: its
        kind's default) from now on. Records no step. Raises :class:`ValueError` for an unknown one."""
        if policy is not None and policy not in THIRD_PARTY_POLICY_NAMES:
            raise ValueError(f"unknown third-party policy {policy!r}: expected {', '.join(THIRD_PARTY_POLICY_NAMES)}")
        if policy is None:
            self._third_party.pop(name, None)
        else:
            self._third_party[name] = policy
        found = self.browsers.get(name)
        if found is not None:
            found.third_party = policy

    def browser_kind(self, name: str) -> str:
        """The kind browser ``name`` follows (``chromium`` unless set)."""
        return self._kinds.get(name, "chromium")

    @property
    def browser_kinds(self) -> dict[str, str]:
        """Every browser that exists and is not chromium → its kind: what a scenario's top-level
        ``browsers:`` needs to replay this run (the playground's export writes it)."""
        return {name: b.kind for name, b in self.browsers.items() if b.kind != "chromium"}

    # -- recording ------------------------------------------------------------------------------
    def _sync(self, position: int) -> None:
        """Record the shared views (store, jars) that changed since the last step, at ``position``."""
        log = self._log
        for side in self._stores:
            store = side.store
            assert store is not None  # _stores holds the sides with one
            if store.version != side.store_version:
                log.set(position, side.store_variable, store.view())
                side.store_version = store.version
        now = self.clock.now
        if now != self._purged_at:  # cookies expire only when the clock moves
            self._purged_at = now
            expiring = self._expiring
            while expiring and expiring[0][0] < now:
                _, name = heapq.heappop(expiring)
                self.browsers[name].jar.purge(now)
                self._dirty.add(name)
        if self._dirty:
            for name in sorted(self._dirty):
                jar = self.browsers[name].jar
                if jar.version != self._jar_versions[name]:
                    log.set(position, jar_variable(name), jar.describe(now, hosts=self.multi))
                    log.set(position, document_cookie_variable(name), self.browsers[name].document_cookie(now))
                    self._jar_versions[name] = jar.version
                soonest = jar.soonest
                if soonest is not None:
                    heapq.heappush(self._expiring, (soonest, name))
            self._dirty.clear()

    def _record(
        self,
        phase: str,
        actor: str,
        action: str,
        result: str,
        *,
        cookie_present: bool,
        session_id: str | None = None,
        user: str | None = None,
        exchange: Exchange | None = None,
        token: dict[str, Any] | None = None,
    ) -> Step:
        return self._add(phase, actor, action, result, cookie_present, session_id, user, exchange, token)

    def _add(
        self,
        phase: str,
        actor: str,
        action: str,
        result: str,
        cookie_present: bool,
        session_id: str | None,
        user: str | None,
        exchange: Exchange | None,
        token: dict[str, Any] | None,
    ) -> Step:
        """:meth:`_record` with positional arguments (the hot path: one call per step)."""
        steps = self._steps
        position = len(steps)
        if position >= MAX_STEPS:
            raise LimitExceeded(
                f"too many steps: a trace may have at most {MAX_STEPS:,}",
                self._event_no - 1 if self._event_no else None,
            )
        if (
            self._dirty
            or self.clock.now != self._purged_at
            or any(side.store.version != side.store_version for side in self._stores if side.store is not None)
        ):
            self._sync(position)
        log = self._log
        if self.multi:
            log.set(position, SERVER_VARIABLE, self._server_name)
        values: tuple[Any, ...]  # one value per _PER_STEP name
        if exchange is not None:
            values = (
                self.clock.display,
                exchange.line,
                exchange.cookie_store,
                exchange.session,
                exchange.status,
                exchange.set_cookie,
                exchange.token,
                exchange.request.same_site_rule,
            )
        else:
            values = (self.clock.display, None, None, None, None, None, token, None)
        last = self._last_values
        for name, value, before in zip(_PER_STEP, values, last, strict=False):
            if value is not before:
                log.set(position, name, value)
        self._last_values = values
        step = Step(
            step=position + 1,
            event=self._event_no,
            actor=actor,
            phase=phase,
            action=action,
            cookie_present=cookie_present,
            session_id=session_id,
            user=user,
            result=result,
            variables=StepVariables(log, position, len(log.names)),
        )
        steps.append(step)
        return step

    # -- playing events -------------------------------------------------------------------------
    # the attacker's events live in tutor/engine/attacks.py
    _play_tamper = play_tamper
    _play_steal = play_steal
    _play_xss = play_xss

    def play(self, event: Event | str) -> list[Step]:
        """Play one event; returns the steps it added to :attr:`trace`."""
        if self.closed:
            raise RuntimeError("the simulation is closed")
        if isinstance(event, str):
            if event not in BARE_VERBS:
                raise ValueError(f"unknown event {event!r}: a bare event is one of {', '.join(sorted(BARE_VERBS))}")
            event = normalise_event(event)
        verb = event_verb(event)
        if self._event_no >= MAX_EVENTS:
            raise LimitExceeded(f"too many events: a run may play at most {MAX_EVENTS:,}", self._event_no)
        name = target_name(self.sides, event, verb)  # (raises ValueError for a wrong or missing server)
        self._event_no += 1
        start = len(self._steps)
        self._target = self.sides[name] if name is not None else self._first
        self._server_name = name if self.multi else None
        try:
            getattr(self, "_play_" + verb)(event)
        finally:
            self._target, self._server_name = self._first, None
        return self._steps[start:]

    def target(self, event: Event | None) -> ServerSide:
        """The server the event being played goes to (the first one for an event that goes to none, and
        between events)."""
        return self._target

    def end(self) -> Trace:
        """Add the final ``end`` step and return the whole trace."""
        saved, self._event_no = self._event_no, 0
        self._record(
            "end",
            "scenario",
            "Scenario over",
            f"Clock at {self.clock.display}",
            cookie_present=self._has(DEFAULT_BROWSER),  # (it goes to no server: any server's cookie)
        )
        self._event_no = saved
        return self.trace

    def sends(self, event: Event, method: str, target: str) -> tuple[Browser, ServerSide, Request]:
        """The request the event's browser (``as:``) sends now to the event's server: the one home of how an
        event's modifiers (``scheme``, ``cross_site``, ``top_level``) and its server make a request (the
        server's routes, and a response written by hand, ``jar_events.play_written_response``)."""
        b = self.browser(event.as_)
        side = self._target
        request = b.build_request(
            method,
            target,
            now=self.clock.now,
            scheme=event.scheme,
            cross_site=event.cross_site,
            top_level=event.top_level,
            watch=side.cookie_name,
            host=side.host,
        )
        return b, side, request

    def _request(self, event: Event, method: str, target: str, credentials: tuple[str, str] | None = None) -> None:
        name = event.as_
        now = self.clock.now
        b, side, request = self.sends(event, method, target)
        present = side.server.read_session_cookie(request.cookies) is not None

        add = self._add

        def emit(phase: str, action: str, result: str, ex: Exchange) -> None:
            add(phase, name, action, result, present, ex.session_id, ex.user, ex, None)

        ex = side.server.handle(request, now, emit, credentials, remember=event.remember)
        if ex.set_cookies:
            outcomes = b.store_cookies(list(ex.set_cookies.values()), request, now, host=side.host)
            self._dirty.add(name)
            result = "; ".join(o.describe() for o in outcomes)
            self._record(
                "store_cookie",
                name,
                "Browser applies Set-Cookie",
                result,
                cookie_present=b.has_cookie(side.cookie_name, now, host=side.host, chunked=side.server.chunked),
                session_id=ex.session_id,
                user=ex.user,
                exchange=ex,
            )

    def _play_request(self, event: Event) -> None:
        assert event.request is not UNSET  # run() dispatches on the verb that is set
        method, _, target = event.request.partition(" ")
        if event.status is not None:  # the app's answer is given: the server's routes do not run
            play_written_response(self, event, method, target, [], event.status)
        else:
            self._request(event, method, target)

    def _play_login(self, event: Event) -> None:
        user = event.login
        assert user is not UNSET  # run() dispatches on the verb that is set
        password = event.password if event.password is not None else self._target.options.users.get(user, "")
        self._request(event, "POST", "/login", (user, password))

    def _play_logout(self, event: Event) -> None:
        self._request(event, "POST", "/logout")

    def _play_advance(self, event: Event) -> None:
        assert event.advance is not UNSET  # run() dispatches on the verb that is set
        seconds = parse_duration(event.advance)
        self.clock.advance(seconds)
        self._record(
            "advance_clock",
            "clock",
            f"Advance the clock {format_duration(seconds)}",
            f"Clock now {self.clock.display}",
            cookie_present=self._has(DEFAULT_BROWSER),
        )

    def _has(self, name: str) -> bool:
        """A step's ``cookie_present`` when no request decides it: does browser ``name`` hold the session
        cookie of the server the event goes to? With several servers, a step that goes to none (the
        clock's ``advance``, a jar-only event, the run's ``end``) asks every server: does it hold the
        session cookie of any of them (each its own name, on its own host)?"""
        b = self.browser(name)
        now = self.clock.now
        sides = self.sides.values() if self.multi and self._server_name is None else (self._target,)
        return any(b.has_cookie(s.cookie_name, now, host=s.host, chunked=s.server.chunked) for s in sides)

    def set_variable(self, name: str, value: Any) -> None:
        """``name`` has ``value`` from the next step on (for the variables other modules keep)."""
        self._log.set(len(self._steps), name, value)

    def record_server_step(self, phase: str, action: str, result: str) -> None:
        """One step the server plays (no request)."""
        self._record(phase, "server", action, result, cookie_present=self._has(DEFAULT_BROWSER))

    def _play_sign_out_everywhere(self, event: Event) -> None:
        revocation.sign_out_everywhere(self, event)

    def _play_rotate_secret(self, event: Event) -> None:
        revocation.rotate_secret(self, event)

    _play_restart_server = restart_server  # (tutor/engine/servers.py)
    # the jar's own events (tutor/engine/jar_events.py)
    _play_set_cookie = play_set_cookie
    _play_clear_cookies = play_clear_cookies
    _play_close_browser = play_close_browser
    _play_document_cookie = play_document_cookie


def run_scenario(scenario: Scenario) -> Trace:
    """Play every event and add the final ``end`` step. Deterministic for the same scenario."""
    with Simulation(scenario.engine, scenario.browsers, servers=scenario_servers(scenario)) as sim:
        for event in scenario.events:
            sim.play(event)
        return sim.end()


__all__ = ["Simulation", "run_scenario"]
