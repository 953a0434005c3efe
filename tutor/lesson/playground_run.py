"""The playground's run, without a screen: who acts and how, the events played, restarts and replays,
and what an export writes. :class:`~tutor.ui.widgets.playground.PlaygroundView` drives one and shows it.

The rules of a run, in one place:

- **Events are the engine's.** Every key builds one :class:`~tutor.engine.scenario.Event` (acting as the
  chosen browser; a request also carries the chosen scheme and same-site/cross-site) and plays it on the
  run's :class:`~tutor.engine.simulation.Simulation`; the steps are the engine's trace, never a copy kept
  beside it. A challenge's run plays through its :class:`~tutor.lesson.challenges.ChallengeRun` instead
  (the ``player``), which judges the goal after each event.
- **Browsers are the engine's too.** The browsers offered are the default one, those added by name
  (:meth:`PlaygroundRun.add_browser`) and every browser the engine has created (an attacker receiving
  stolen cookies joins as it appears). Whether a browser has *acted* is the engine's rule,
  :meth:`Event.touches <tutor.engine.scenario.Event.touches>`, asked of the run's events.
- **A browser's kind holds from the run's first event** (as a scenario's top-level ``browsers:`` declares
  it): changing the kind of a browser that has not acted just changes it; changing one that has plays the
  run again from the start with the new kind (:meth:`PlaygroundRun.next_kind`), and the run as it was
  becomes :attr:`PlaygroundRun.previous_run` (still exportable).
- **New options start a new run** (:meth:`PlaygroundRun.restart`): the run so far becomes the previous run.
- **An export** (:attr:`PlaygroundRun.current_run`) holds the options, the events and the kinds of the
  browsers those events used: exactly what ``tutor simulate`` needs to replay it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, cast

import msgspec

from tutor.engine.clock import format_clock
from tutor.engine.scenario import (
    BROWSER_KINDS,
    BROWSER_NAME_PATTERN,
    DEFAULT_BROWSER,
    SERVER_VERBS,
    BrowserKind,
    BrowserOptions,
    EngineOptions,
    Event,
    Steal,
    Tamper,
    ThirdPartyPolicy,
    Xss,
)
from tutor.engine.servers import SERVER_VARIABLE
from tutor.engine.simulation import Simulation
from tutor.engine.trace import Step, document_cookie_variable, jar_variable
from tutor.lesson.loader import format_value
from tutor.lesson.model import Tracked

#: The password sent by "log in with a wrong password".
WRONG_PASSWORD = "not-the-password"
#: Who receives what a steal or an xss takes (the default browser when the attacker is the one acting).
ATTACKER = "attacker"


class Player(Protocol):
    """What plays a challenge's events: its engine, and a ``play`` that judges the goal (ChallengeRun)."""

    sim: Simulation

    def play(self, event: str | Event) -> list[Step]: ...


def count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class Run:
    """What a run was: its options, its browsers' kinds and the events played (what an export writes)."""

    options: EngineOptions
    events: tuple[Event, ...]
    browsers: dict[str, str] = field(default_factory=dict)
    """Browser name → kind, for the browsers that are not chromium."""
    servers: dict[str, EngineOptions] = field(default_factory=dict)
    """A run of several servers side by side: name → options (an export writes `servers:`)."""

    def describe(self) -> str:
        if self.servers:
            return f"{count(len(self.events), 'event')}, {count(len(self.servers), 'server')}"
        return f"{count(len(self.events), 'event')}, {self.options.strategy}"


def tracked_variables(
    strategy: str,
    browsers: Sequence[str],
    *,
    same_site: bool = False,
    servers: Mapping[str, EngineOptions] | None = None,
) -> list[Tracked]:
    """The tracker's rows: what the server and each browser hold (and, once a request went cross-site,
    which SameSite rule decided whether its cookie went along). With several ``servers``: which one a
    step goes to, each database server's store, and the token when one of them uses jwt."""
    rows = [
        Tracked(variable="clock"),
        Tracked(variable="status"),
        Tracked(variable="session"),
        Tracked(variable="cookieStore"),
    ]
    if servers and len(servers) > 1:
        rows.insert(1, Tracked(variable=SERVER_VARIABLE))
        rows += [Tracked(variable=f"store.{n}") for n, o in servers.items() if o.strategy == "database"]
        if any(o.strategy == "jwt" for o in servers.values()):
            rows.append(Tracked(variable="token"))
    else:
        rows.append(Tracked(variable="store") if strategy == "database" else Tracked(variable="token"))
    if same_site:
        rows.append(Tracked(variable="same_site"))
    for name in browsers:
        rows.append(Tracked(variable=jar_variable(name)))
        rows.append(Tracked(variable=document_cookie_variable(name), label=f"document.cookie ({name})"))
    return rows


def describe_options(options: EngineOptions) -> str:
    """One line naming the options in force."""
    c = options.cookie
    parts = [
        options.strategy,
        f"{options.store} store",
        "rotate on login" if options.rotate_on_login else "no rotation",
        *(["token version"] if options.token_version else []),
        f"idle {options.idle_timeout}",
        f"absolute {options.absolute_timeout}",
    ]
    flags = [f"cookie {c.name}:"]
    if c.http_only:
        flags.append("HttpOnly")
    if c.secure:
        flags.append("Secure")
    if c.same_site != "unset":
        flags.append(f"SameSite={c.same_site.capitalize()}")
    if c.max_age != "none":
        flags.append(f"Max-Age={c.max_age}")
    return " · ".join(parts) + " · " + " ".join(flags)


def claim_value(raw: str) -> str | int | bool | None:
    """``"42"`` → 42, ``"true"`` → True, ``"null"`` → None, anything else stays text."""
    if raw in ("true", "false"):
        return raw == "true"
    if raw in ("null", "none"):
        return None
    try:
        return int(raw)
    except ValueError:
        return raw


def tamper_problem(text: str) -> str | None:
    """Why ``text`` cannot be a tampered cookie value (``None``: it can)."""
    if not text:
        return "type a value"
    if any(ch in text for ch in ";, \t"):
        return "a cookie value cannot contain ';', ',' or spaces"
    return None


class PlaygroundRun:
    """One playground run: the engine, the events played on it, and the choices the next event uses."""

    def __init__(
        self,
        options: EngineOptions | None = None,
        kinds: Mapping[str, str | BrowserOptions] | None = None,
        *,
        player: Player | None = None,
        setup: Sequence[Event] = (),
        servers: Mapping[str, EngineOptions] | None = None,
    ) -> None:
        """``options`` and ``kinds`` (browser name → chromium|firefox|safari, or the declaration a
        scenario's top-level ``browsers:`` makes) are where the run starts. ``player``: a challenge's run,
        which owns the engine (its ``setup`` events already played on it) and plays every event.
        ``servers``: a scenario's ``servers:`` (instead of ``options``); a challenge's come from its engine."""
        if player is not None and player.sim.multi:
            servers = {name: side.options for name, side in player.sim.sides.items()}
        self.servers: dict[str, EngineOptions] = dict(servers or {})
        """Several servers side by side (name → options); empty for one server."""
        if self.servers:
            options = next(iter(self.servers.values()))
        self.options = options if options is not None else EngineOptions()
        declared = {name: k if isinstance(k, BrowserOptions) else _declare(k) for name, k in (kinds or {}).items()}
        self.kinds: dict[str, str] = {name: b.kind for name, b in declared.items() if b.kind != "chromium"}
        """Browser name → kind for browsers that are not chromium; kept when the run restarts."""
        self.third_party: dict[str, ThirdPartyPolicy] = {
            name: b.third_party for name, b in declared.items() if b.third_party
        }
        """Browser name → third-party policy, where a lesson or challenge declared one (kept on restarts)."""
        self.player = player
        self.sim: Simulation = player.sim if player is not None else self._new_simulation()
        self.events: list[Event] = list(setup)
        self.previous_run: Run | None = None
        """The run before the last restart or replay, kept so that it can still be exported."""
        self.server_names: list[str] = list(self.servers) if len(self.servers) > 1 else []
        """The servers an event may go to (empty for one server: every event goes to it)."""
        self.server = self.server_names[0] if self.server_names else ""
        """The server the next request, login or server event goes to (several servers only)."""
        self.user = self.users[0] if self.users else ""
        """Who the next login (and sign-out everywhere) names: one of :attr:`users`."""
        self.browsers: list[str] = [DEFAULT_BROWSER]
        self.browser = DEFAULT_BROWSER
        self.cross_site = False
        self.scheme: Literal["https", "http"] = "https"
        self.same_site_seen = False
        """Has a request of this run gone cross-site (so the tracker shows the ``same_site`` row)?"""
        self._sync(self.steps)

    # -- the engine -----------------------------------------------------------------------------
    def _new_simulation(self) -> Simulation:
        browsers: dict[str, str | BrowserOptions] = dict(self.kinds)
        for name, policy in self.third_party.items():
            browsers[name] = BrowserOptions(kind=_kind(self.kind_of(name)), third_party=policy)
        return Simulation(self.options, browsers=browsers, servers=self.servers or None)

    @property
    def steps(self) -> list[Step]:
        """The engine's steps so far (a new list each time)."""
        return list(self.sim.trace)

    def close(self) -> None:
        self.sim.close()

    def play(self, event: Event) -> list[Step]:
        """Play ``event`` (through the player, when there is one) and remember it; the engine's errors
        (``ValueError``, ``LookupError``) pass through with nothing changed. With several servers, an
        event that goes to a server and names none goes to the chosen one (:attr:`server`)."""
        if self.server_names and event.server is None and event.verb in SERVER_VERBS:
            event = msgspec.structs.replace(event, server=self.server)
        new = self.player.play(event) if self.player is not None else self.sim.play(event)
        self.events.append(event)
        self._sync(new)
        return new

    def _sync(self, new: Sequence[Step]) -> bool:
        """Take in the browsers the engine created and whether a request went cross-site; True when the
        tracker's rows change."""
        known = self.browsers + [name for name in self.sim.browsers if name not in self.browsers]
        same_site = self.same_site_seen or any(s.variables.get("same_site") is not None for s in new)
        changed = known != self.browsers or same_site != self.same_site_seen
        self.browsers, self.same_site_seen = known, same_site
        return changed

    def tracked(self) -> list[Tracked]:
        """The tracker's rows for this run."""
        return tracked_variables(
            self.options.strategy, self.browsers, same_site=self.same_site_seen, servers=self.servers
        )

    @property
    def server_options(self) -> EngineOptions:
        """The options of the chosen server (the one server's, with one)."""
        return self.servers.get(self.server, self.options)

    @property
    def users(self) -> list[str]:
        """The accounts a login can sign in to: the chosen server's (each server has its own ``users``)."""
        return list(self.server_options.users)

    # -- building events ------------------------------------------------------------------------
    def browser_event(self, **verb: Any) -> Event:
        """An event played as the chosen browser."""
        return Event(**verb, as_=self.browser)

    def request_event(self, **verb: Any) -> Event:
        """A request as the chosen browser, over the chosen scheme, same-site or cross-site as chosen."""
        return Event(**verb, as_=self.browser, cross_site=self.cross_site, scheme=self.scheme)

    def login_event(self, right_password: bool, remember: bool = False) -> Event:
        return self.request_event(
            login=self.user, password=None if right_password else WRONG_PASSWORD, remember=remember
        )

    def tamper_event(self, text: str) -> Event:
        """jwt: ``claim=value`` changes one claim and keeps the signature; anything else is a new value."""
        if self.server_options.strategy == "jwt" and "=" in text and "." not in text:
            claim, _, raw = text.partition("=")
            return self.browser_event(tamper=Tamper(claims={claim: claim_value(raw)}))
        return self.browser_event(tamper=Tamper(value=text))

    def other_browser(self) -> str:
        """Where a steal or an xss sends what it takes: the attacker (the default browser for the attacker)."""
        return ATTACKER if self.browser != ATTACKER else DEFAULT_BROWSER

    def steal_event(self) -> Event:
        return Event(steal=Steal(from_=self.browser, to=self.other_browser()))

    def xss_event(self) -> Event:
        return self.browser_event(xss=Xss(to=self.other_browser()))

    # -- choosing who acts ----------------------------------------------------------------------
    def next_browser(self) -> str:
        self.browser = self.browsers[(self.browsers.index(self.browser) + 1) % len(self.browsers)]
        return self.browser

    def next_server(self) -> str:
        """The next server gets the requests, logins and server events (several servers only). The users
        offered become that server's: the chosen user stays when it has one of that name, else its first."""
        if self.server_names:
            self.server = self.server_names[(self.server_names.index(self.server) + 1) % len(self.server_names)]
            self._keep_user()
        return self.server

    def _keep_user(self) -> None:
        """After the users changed (another server, new options): the chosen user stays when there is still
        one of that name, else the first (none: ``""``)."""
        users = self.users
        if self.user not in users:
            self.user = users[0] if users else ""

    def next_user(self) -> str:
        if self.users:
            self.user = self.users[(self.users.index(self.user) + 1) % len(self.users)]
        return self.user

    def browser_name_problem(self, name: str) -> str | None:
        """Why ``name`` cannot be a new browser (``None``: it can)."""
        if not re.fullmatch(BROWSER_NAME_PATTERN, name):
            return "a name starts with a letter: letters, digits, - and _ (at most 32)"
        if name in self.browsers:
            return f"there is already a browser called {name}"
        return None

    def add_browser(self, name: str) -> None:
        """A new browser, chosen at once (the engine creates it on its first event)."""
        self.browsers = [*self.browsers, name]
        self.browser = name

    def kind_of(self, browser: str) -> str:
        return self.kinds.get(browser, "chromium")

    def used(self, name: str) -> bool:
        """Has any event of this run acted as ``name`` or put cookies into its jar? (the engine's rule)"""
        return any(event.touches(name) for event in self.events)

    def next_kind(self) -> tuple[str, bool]:
        """The chosen browser follows the next kind's cookie rules; a browser that has acted makes the run
        play again from the start. Returns what happened in words, and whether the run was replayed."""
        name = self.browser
        kind = BROWSER_KINDS[(BROWSER_KINDS.index(self.kind_of(name)) + 1) % len(BROWSER_KINDS)]
        before = self.current_run
        if kind == "chromium":
            self.kinds.pop(name, None)
        else:
            self.kinds[name] = kind
        if not self.used(name):
            self.sim.set_browser_kind(name, kind)
            return f"{name} is {kind} now", False
        self.replay(before)
        return f"{name} is {kind} now: {count(len(self.events), 'event')} replayed", True

    # -- restarts -------------------------------------------------------------------------------
    @property
    def current_run(self) -> Run:
        """This run as an export writes it (the kinds of the browsers its events used)."""
        kinds = {name: kind for name, kind in self.kinds.items() if self.used(name)}
        return Run(self.options, tuple(self.events), kinds, dict(self.servers))

    def _start(self, events: Sequence[Event]) -> None:
        """A fresh engine with the current options and kinds, ``events`` played on it again."""
        if self.player is not None:
            raise RuntimeError("a challenge's run does not restart: start the challenge again")
        self.sim.close()
        self.sim = self._new_simulation()
        self.events = []
        for event in events:
            self.sim.play(event)
            self.events.append(event)
        self.same_site_seen = False
        self._sync(self.steps)

    def restart(self, options: EngineOptions) -> None:
        """Start again with ``options`` (the default browser acting): the run so far becomes the previous one."""
        if self.events:
            self.previous_run = self.current_run
        self.options = options
        self.browsers, self.browser = [DEFAULT_BROWSER], DEFAULT_BROWSER
        self._keep_user()
        self._start(())

    def replay(self, before: Run) -> None:
        """Play this run's events again in a fresh engine (after a kind changed); ``before``, the run as it
        was, becomes the previous one. The browsers and the choices stay."""
        self.previous_run = before
        self._start(list(self.events))

    # -- what the controls say ------------------------------------------------------------------
    @property
    def can_export(self) -> bool:
        return bool(self.events or self.previous_run)

    def exportable(self) -> list[Run]:
        """The runs an export may write: this one (once it has events), then the previous one."""
        return [run for run in (self.current_run if self.events else None, self.previous_run) if run is not None]

    def mode_line(self) -> str:
        site = "cross-site" if self.cross_site else "same-site"
        strategy = self.server_options.strategy
        where = f"server {self.server} ({strategy})" if self.server_names else strategy
        return f"{self.kind_of(self.browser)} · {where} · {self.scheme} · {site}"

    def status_line(self, last: str | None = None, *, alone: bool = False) -> str:
        """The status line: the clock and the counts, then ``last`` (what just happened); ``last`` alone
        when ``alone`` or when the run has no events yet."""
        if last and (alone or not self.events):
            return last  # a new run or a replay: what happened matters more than the counters
        trace = self.sim.trace
        clock = trace[-1].variables.get("clock") if len(trace) else None
        if isinstance(clock, int):
            clock_text = format_clock(clock)
        elif isinstance(clock, str):
            clock_text = clock
        else:
            clock_text = "+0s" if clock is None else format_value(clock)
        status = f"clock {clock_text} · {count(len(self.events), 'event')}, {count(len(trace), 'step')}"
        if last:
            status += f" · {last}"
        elif not self.events:
            status += " · press g to send GET /, l to log in"
        return status


def _kind(kind: str) -> BrowserKind:
    if kind not in BROWSER_KINDS:
        raise ValueError(f"unknown browser kind {kind!r}: expected {', '.join(BROWSER_KINDS)}")
    return cast(BrowserKind, kind)  # checked against the Literal's values just above


def _declare(kind: str) -> BrowserOptions:
    return BrowserOptions(kind=_kind(kind))


__all__ = [
    "ATTACKER",
    "WRONG_PASSWORD",
    "Player",
    "PlaygroundRun",
    "Run",
    "claim_value",
    "describe_options",
    "tamper_problem",
    "tracked_variables",
]
