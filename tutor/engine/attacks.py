"""The attacker's events: ``tamper`` (change a cookie by hand), ``steal`` (copy cookies to another
browser) and ``xss`` (a page script reads ``document.cookie`` and sends it away).

Each is a function of the running :class:`~tutor.engine.simulation.Simulation` and the event, which the
simulation's ``play`` dispatches to by verb (``Simulation._play_<verb>``); each records exactly one step.
``steal`` and ``xss`` differ only in what leaves the victim's browser; what happens to it is one rule,
:func:`carry_off`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from msgspec import UNSET

from tutor.engine import chunks
from tutor.engine.cookie_send import domain_ok
from tutor.engine.cookies import Cookie
from tutor.engine.ids import abbreviate
from tutor.engine.scenario import Event

if TYPE_CHECKING:
    from tutor.engine.browser import Browser
    from tutor.engine.simulation import Simulation


def token_view(sim: Simulation, value: str | None) -> dict[str, Any] | None:
    """The decoded payload of ``value`` when the server the event goes to uses jwt."""
    if not sim.target(None).jwt or value is None:
        return None
    from tutor.engine.tokens import peek

    return peek(value)


def play_tamper(sim: Simulation, event: Event) -> None:
    t = event.tamper
    assert t is not UNSET  # run() dispatches on the verb that is set
    side = sim.target(event)
    name = t.cookie or side.cookie_name
    b = sim.browser(event.as_)
    now = sim.clock.now
    cookie = b.jar.get(name, now, host=side.host)
    held = [] if cookie is not None or t.cookie is not None else _held_parts(b, name, now, side.host)
    if cookie is None and not (held and side.server.chunked):
        in_parts = f" (only {', '.join(held)}, chunks this server does not join)" if held else ""
        sim._record(
            "tamper_cookie",
            b.name,
            f"Tamper with {name}",
            f"No {name} cookie in {b.name}{in_parts}: nothing changed",
            cookie_present=sim._has(b.name),
        )
        return
    # the session cookie in next-auth's chunks: the value tampered with is the joined one, as the server reads it
    old_value = cookie.value if cookie is not None else chunks.read(_values(b, held, now, side.host), name)
    assert old_value is not None  # held is not empty
    where = f" ({', '.join(held)} joined)" if held else ""
    if t.claims is not None:
        from tutor.engine.tokens import with_claims

        action = "Change token claims " + ", ".join(f"{k}={v!r}" for k, v in t.claims.items()) + where
        new_value = with_claims(old_value, dict(t.claims))
        if new_value is None:
            sim._record(
                "tamper_cookie",
                b.name,
                action,
                f"{name} is not a JWT: nothing changed",
                cookie_present=sim._has(b.name),
                session_id=old_value,
            )
            return
        result = "Claims changed, old signature kept"
    else:
        new_value = t.value if t.value is not None else old_value
        action = f"Replace {name} value{where}"
        result = f"Value now {abbreviate(new_value)}"
    if held:
        for part, value in chunks.spread(held, name, new_value):
            b.jar.set_value(part, value, now, host=side.host)
        result += f", written over {', '.join(held)}"
    else:
        b.jar.set_value(name, new_value, now, host=side.host)
    _changed(sim, "tamper_cookie", jar=b, row=b, action=action, result=result, session=new_value)


def _held_parts(b: Browser, name: str, now: int, host: str) -> list[str]:
    """The chunks of session cookie ``name`` (``NAME.0`` …, no plain ``NAME``) browser ``b`` holds for
    ``host``, in the order next-auth joins them (tutor/engine/chunks.py)."""
    names = {c.name for c in b.jar.all(now) if chunks.is_part(c.name, name) and c.name != name}
    return [n for n in chunks.parts(names, name) if b.jar.get(n, now, host=host) is not None]


def _values(b: Browser, names: list[str], now: int, host: str) -> dict[str, str]:
    found = {n: b.jar.get(n, now, host=host) for n in names}
    return {n: c.value for n, c in found.items() if c is not None}


def carry_off(
    sim: Simulation,
    phase: str,
    *,
    row: Browser,
    to: Browser,
    cookies: list[Cookie],
    action: str,
    result: str,
    session: Callable[[], str | None],
) -> None:
    """The one rule of ``steal`` and ``xss``: cookies that leave a victim's browser are put, as they are, in
    the attacker's jar (``to``; :meth:`CookieJar.put` replaces one with the same key), which then counts as
    changed, and one step is recorded in ``row``'s browser with the session ID ``session()`` reads once they
    are there (and its token, with jwt)."""
    for cookie in cookies:
        to.jar.put(cookie)
    _changed(sim, phase, jar=to, row=row, action=action, result=result, session=session())


def _changed(
    sim: Simulation, phase: str, *, jar: Browser, row: Browser, action: str, result: str, session: str | None
) -> None:
    """What every attack that changed a jar does next: the jar's browser counts as changed (its variables
    are read again), and one step is recorded in ``row``'s browser with the session ID it names now and,
    with jwt, that token's claims."""
    sim._dirty.add(jar.name)
    sim._record(
        phase,
        row.name,
        action,
        result,
        cookie_present=sim._has(row.name),
        session_id=session,
        token=token_view(sim, session),
    )


def play_steal(sim: Simulation, event: Event) -> None:
    """A copy of the victim's cookies of one name, every attribute kept (the row is the attacker's)."""
    s = event.steal
    assert s is not UNSET  # run() dispatches on the verb that is set
    side = sim.target(event)
    name = s.cookie or side.cookie_name
    src, dst = sim.browser(s.from_), sim.browser(s.to)
    here = [c for c in src.jar.all(sim.clock.now) if not sim.multi or domain_ok(c, side.host)]
    # (with several servers, only the cookies the event's server would be sent: its host's)
    taken = [c for c in here if c.name == name]
    if not taken:  # a chunked session cookie: every part (next-auth's NAME.0, NAME.1 …; tutor/engine/chunks.py)
        taken = [c for c in here if chunks.is_part(c.name, name)]
    value = chunks.read({c.name: c.value for c in reversed(taken)}, name) if taken else None
    if not taken:
        result = f"No {name} cookie in {src.name}: nothing copied"
    elif len(taken) == 1:
        result = f"Copied {taken[0].name}={abbreviate(value)}"
    else:
        result = f"Copied {', '.join(chunks.parts([c.name for c in taken], name))} ({name}={abbreviate(value)})"
    carry_off(
        sim,
        "steal_cookies",
        row=dst,
        to=dst,
        cookies=taken,
        action=f"Copy {name} from {src.name} to {dst.name}",
        result=result,
        session=lambda: value,
    )


def play_xss(sim: Simulation, event: Event) -> None:
    """A page script's ``document.cookie`` (no HttpOnly cookie), sent to the attacker as plain ``name=value``
    pairs: each becomes a cookie of the page's host, path ``/`` (the row is the victim's, where it ran)."""
    assert event.xss is not UNSET  # run() dispatches on the verb that is set
    victim, dst = sim.browser(event.as_), sim.browser(event.xss.to)
    side = sim.target(event)
    now = sim.clock.now
    seen = victim.document_cookie(now, host=side.host)  # the page of the event's server
    pairs = [pair.partition("=") for pair in seen.split("; ")] if seen else []
    copied = [name for name, _, _ in pairs]

    def stolen() -> str | None:
        # the session cookie as the thief's server would read it: its chunks joined (tutor/engine/chunks.py)
        held = {n: c.value for n in copied if (c := dst.jar.get(n, now, host=side.host)) is not None}
        return side.server.read_session_cookie(held)

    carry_off(
        sim,
        "xss",
        row=victim,
        to=dst,
        cookies=[Cookie(name=n, value=v, domain=side.host.lower(), path="/", created=now) for n, _, v in pairs],
        action=f"Script in {victim.name} reads document.cookie",
        result=f"Sent {', '.join(copied)} to {dst.name}"
        if copied
        else "document.cookie is empty (HttpOnly hides the session cookie): nothing sent",
        session=stolen,
    )


__all__ = ["carry_off", "play_steal", "play_tamper", "play_xss", "token_view"]
