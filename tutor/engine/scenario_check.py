"""What the types cannot say about a scenario: :func:`check_options` (the ``engine:`` options) and
:func:`check_scenario` (the events: routes, users, headers, durations, which browser has acted, the
limits). Both return :class:`ScenarioProblem` values; empty when the scenario is fine. ``tutor check``,
the loader and the playground's options dialog all ask these functions, never a copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from msgspec import UNSET

from tutor.engine import revocation
from tutor.engine.clock import parse_duration, parse_optional_duration
from tutor.engine.exchange import ROUTE_METHODS, ROUTES, route_path
from tutor.engine.headers import attribute_problem, header_problem
from tutor.engine.limits import MAX_BROWSERS, MAX_EVENTS
from tutor.engine.scenario import (
    BARE_VERBS,
    DEFAULT_BROWSER,
    MODIFIER_DEFAULTS,
    SERVER_VERBS,
    VERB_MODIFIERS,
    VERBS,
    EngineOptions,
    Event,
    Scenario,
    named_browsers,
    normalise_event,
    script_cookie_values,
    set_cookie_headers,
)


@dataclass(frozen=True, slots=True)
class ScenarioProblem:
    """A semantic problem in a scenario: ``event`` is the 0-based index in ``events`` (``None`` for the
    ``engine:`` part); ``field`` is a dotted path of YAML keys inside that event (``steal.from``, ``as``)
    or, when ``event`` is ``None``, from the scenario root (``engine.cookie.same_site``)."""

    event: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = "engine" if self.event is None else f"event {self.event + 1}"
        return f"{where}{': ' + self.field if self.field else ''}: {self.message}"


def check_options(engine: EngineOptions) -> list[ScenarioProblem]:
    """Problems in a scenario's ``engine:`` options the types cannot catch (a 0s timeout, a bad host, a
    short secret). ``check_scenario`` and the playground's options dialog both ask this one function."""
    problems: list[ScenarioProblem] = []

    def engine_problem(field: str, message: str) -> None:
        problems.append(ScenarioProblem(None, field, message))

    for key in ("idle_timeout", "absolute_timeout", "update_age"):
        text = getattr(engine, key)
        try:
            value = parse_optional_duration(text)
        except ValueError as exc:
            engine_problem(f"engine.{key}", str(exc))
            continue
        if value == 0:
            engine_problem(f"engine.{key}", f"{key} must be longer than 0s (use none to switch it off)")
    try:
        max_age = parse_optional_duration(engine.cookie.max_age)
        if max_age == 0:
            engine_problem(
                "engine.cookie.max_age", "max_age 0s would delete the cookie at once (use none for a session cookie)"
            )
    except ValueError as exc:
        engine_problem("engine.cookie.max_age", str(exc))
    try:
        if parse_duration(engine.cookie.remember_max_age) == 0:
            engine_problem("engine.cookie.remember_max_age", "remember_max_age 0s would delete the cookie at once")
    except ValueError as exc:
        engine_problem("engine.cookie.remember_max_age", str(exc))
    # (same_site: none without secure is allowed: chromium and firefox reject the cookie, safari keeps
    # it, and the trace shows which)
    for key in ("name", "path"):
        found = attribute_problem(getattr(engine.cookie, key))
        if found is not None:
            engine_problem(f"engine.cookie.{key}", f"cookie.{key} must not contain {found}")
    if engine.strategy == "jwt" and engine.store != "memory":
        engine_problem(
            "engine.store", "the jwt strategy keeps no server-side sessions: store applies only to strategy: database"
        )
    host = engine.host
    if (
        not host
        or any(ch in host for ch in "/:@ ;")
        or attribute_problem(host) is not None
        or host.startswith(".")
        or host.endswith(".")
    ):
        engine_problem("engine.host", f"host {host!r} is not a host name (e.g. app.example)")
    if len(engine.secret) < 32:
        engine_problem("engine.secret", "secret must be at least 32 characters")
    revocation.check_options(engine, engine_problem)
    return problems


def check_servers(scenario: Scenario) -> list[ScenarioProblem]:
    """``servers:`` is instead of ``engine:``; each server's options are checked as ``engine:``'s are
    (:func:`check_options`, reported at ``servers.NAME.…``); two servers cannot share a host (the
    browser's jar keeps cookies per host: see tutor/engine/servers.py)."""
    problems: list[ScenarioProblem] = []
    if not scenario.servers:
        return problems
    if scenario.engine != EngineOptions():
        problems.append(
            ScenarioProblem(
                None, "engine", "expected either `engine:` or `servers:`, found both: give each server its options"
            )
        )
    hosts: dict[str, str] = {}
    for name, options in scenario.servers.items():
        for found in check_options(options):
            field = f"servers.{name}." + (found.field or "").removeprefix("engine.")
            problems.append(ScenarioProblem(None, field, f"server {name}: {found.message}"))
        host = options.host.lower()
        if host in hosts:
            problems.append(
                ScenarioProblem(
                    None,
                    f"servers.{name}.host",
                    f"expected a host of its own for server {name}, found {options.host!r}, the host of server "
                    f"{hosts[host]} (the browser keeps cookies per host: give each server its own, "
                    f"e.g. {name}.example)",
                )
            )
        else:
            hosts[host] = name
    return problems


def event_server(
    scenario: Scenario, event: Event, verb: str, problem: Callable[[str | None, str], None]
) -> EngineOptions | None:
    """The options of the server ``event`` goes to, for the checks of its arguments (``None``: its
    ``server:`` is wrong, and ``problem`` was told so)."""
    names = list(scenario.servers)
    if verb not in SERVER_VERBS:
        if event.server is not None:
            verbs = ", ".join(v for v in VERBS if v in SERVER_VERBS)
            problem("server", f"server applies to the events that go to a server ({verbs}), not to {verb}")
        return scenario.engine
    if not names:
        if event.server is not None:
            problem(
                "server",
                f"expected no `server:` (this scenario has one server, given by `engine:`), found {event.server!r}",
            )
            return None
        return scenario.engine
    if event.server is None:
        if len(names) > 1:
            problem(
                None,
                f"expected `server:` naming one of {', '.join(names)} (the scenario has {len(names)} servers), "
                "found none",
            )
            return None
        return scenario.servers[names[0]]
    if event.server not in scenario.servers:
        problem("server", f"expected one of the scenario's servers ({', '.join(names)}), found {event.server!r}")
        return None
    return scenario.servers[event.server]


def check_scenario(scenario: Scenario) -> list[ScenarioProblem]:
    """Problems the types cannot catch. Empty when the scenario is fine."""
    problems = check_options(scenario.engine) if not scenario.servers else []
    problems += check_servers(scenario)

    # browsers: declared ones must be used (a typo would silently leave the real one chromium)
    named = named_browsers(raw for raw in scenario.events if isinstance(raw, Event))
    for name in scenario.browsers:
        if name not in named:
            problems.append(
                ScenarioProblem(None, f"browsers.{name}", f"browser {name!r} is declared but no event uses it")
            )
    if len(scenario.events) > MAX_EVENTS:
        problems.append(
            ScenarioProblem(
                MAX_EVENTS,
                None,
                f"too many events: a scenario may have at most {MAX_EVENTS:,} (it has {len(scenario.events):,})",
            )
        )

    acted: set[str] = set()
    seen: set[str] = {DEFAULT_BROWSER}
    for index, raw in enumerate(scenario.events[:MAX_EVENTS]):
        if isinstance(raw, str):
            if raw not in BARE_VERBS:
                problems.append(ScenarioProblem(index, None, f"unknown event {raw!r}"))
                continue
            raw = normalise_event(raw)
        event = raw
        given = [v for v in VERBS if getattr(event, v) is not UNSET]
        if len(given) != 1:
            msg = (
                "an event needs exactly one verb"
                if not given
                else f"an event has one verb, not {len(given)} ({', '.join(given)})"
            )
            problems.append(ScenarioProblem(index, None, msg))
            continue
        verb = given[0]

        def problem(field: str | None, message: str, index: int = index) -> None:
            problems.append(ScenarioProblem(index, field, message))

        for modifier, verbs in VERB_MODIFIERS.items():
            if verb not in verbs and getattr(event, modifier) != MODIFIER_DEFAULTS[modifier]:
                problem(modifier, f"{modifier} applies only to {', '.join(sorted(verbs))}, not to {verb}")
        if event.as_ != DEFAULT_BROWSER and event.acting is None:
            problem("as", f"as applies to browser events, not to {verb}")
        server = event_server(scenario, event, verb, problem)
        engine = server if server is not None else scenario.engine

        if verb == "request":
            assert event.request is not UNSET  # verb is a field that is set
            method, _, target = event.request.partition(" ")
            path = route_path(target)
            if event.status is None and (method, path) not in ROUTES:  # status: the app's answer is given
                if path in ROUTE_METHODS:
                    problem(
                        "request", f"{method} {path} is not a route: {path} answers {', '.join(ROUTE_METHODS[path])}"
                    )
                else:
                    known = ", ".join(f"{m} {p}" for m, p in ROUTES)
                    problem("request", f"unknown route {path} (routes: {known}; another request needs `status:`)")
        elif verb == "login":
            if server is not None and event.login not in engine.users:
                problem("login", f"unknown user {event.login!r} (users: {', '.join(sorted(engine.users)) or 'none'})")
        elif verb in ("sign_out_everywhere", "rotate_secret") and server is not None:
            where = f"servers.{event.server or next(iter(scenario.servers))}" if scenario.servers else "engine"
            revocation.check_event(verb, event, engine, problem, where)
        elif verb in ("set_cookie", "document_cookie"):
            several = isinstance(getattr(event, verb), list)
            values = set_cookie_headers(event) if verb == "set_cookie" else script_cookie_values(event)
            what = "a Set-Cookie header" if verb == "set_cookie" else "a document.cookie value"
            for number, header in enumerate(values):
                found = header_problem(header)
                if found is not None:
                    problem(f"{verb}.{number}" if several else verb, f"not {what}: {found}")
        elif verb == "advance":
            assert event.advance is not UNSET  # verb is a field that is set
            try:
                parse_duration(event.advance)
            except ValueError as exc:
                problem("advance", str(exc))
        elif verb == "tamper":
            t = event.tamper
            assert t is not UNSET  # verb is a field that is set
            if t.value is None and t.claims is None:
                problem("tamper", "tamper needs value or claims")
            elif t.value is not None and t.claims is not None:
                problem("tamper", "tamper takes value or claims, not both")
            if t.claims is not None and server is not None and engine.strategy != "jwt":
                problem(
                    "tamper.claims", "claims can only be changed in a jwt token (this scenario uses strategy: database)"
                )
            if event.as_ not in acted:
                problem("as", f"browser {event.as_!r} has no cookies yet: it has not acted before this event")
        elif verb == "steal":
            s = event.steal
            assert s is not UNSET  # verb is a field that is set
            if s.from_ == s.to:
                problem("steal.to", f"steal from and to are the same browser ({s.to})")
            if s.from_ not in acted:
                problem(
                    "steal.from", f"browser {s.from_!r} has not acted before this event, so it has nothing to steal"
                )
        elif verb == "xss":
            assert event.xss is not UNSET  # verb is a field that is set
            if event.xss.to == event.as_:
                problem("xss.to", f"xss sends cookies to another browser, not back to {event.as_}")
            if event.as_ not in acted:
                problem("as", f"browser {event.as_!r} has not acted before this event, so there is no page to attack")

        for field_name, name in event.browsers():
            if name not in seen:
                seen.add(name)
                if len(seen) == MAX_BROWSERS + 1:
                    problem(
                        field_name,
                        f"too many browsers: a scenario may use at most {MAX_BROWSERS:,} ({name!r} would be one more)",
                    )
        if verb == "close_browser" and event.as_ not in acted:
            problem("as", f"browser {event.as_!r} has not acted before this event, so there is nothing to close")

        # the browsers whose jar now holds something: the acting one and those cookies were copied to
        acted.update(name for field_name, name in event.browsers() if field_name != "steal.from")
    return problems


__all__ = ["ScenarioProblem", "check_options", "check_scenario", "check_servers", "event_server"]
