"""The attacker's events: ``tamper`` (change a cookie by hand), ``steal`` (copy cookies to another
browser) and ``xss`` (a page script reads ``document.cookie`` and sends it away).

Each is a function of the running :class:`~tutor.engine.simulation.Simulation` and the event, which the
simulation's ``play`` dispatches to by verb (``Simulation._play_<verb>``); each records exactly one step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from msgspec import UNSET

from tutor.engine.cookies import Cookie
from tutor.engine.ids import abbreviate
from tutor.engine.scenario import Event

if TYPE_CHECKING:
    from tutor.engine.simulation import Simulation


def token_view(sim: Simulation, value: str | None, event: Event | None = None) -> dict[str, Any] | None:
    """The decoded payload of ``value`` when the event's server (default: the first) uses jwt."""
    jwt = sim.target(event).jwt if event is not None else sim.jwt
    if not jwt or value is None:
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
    if cookie is None:
        sim._record(
            "tamper_cookie",
            b.name,
            f"Tamper with {name}",
            f"No {name} cookie in {b.name}: nothing changed",
            cookie_present=sim._has(b.name),
        )
        return
    if t.claims is not None:
        from tutor.engine.tokens import with_claims

        action = "Change token claims " + ", ".join(f"{k}={v!r}" for k, v in t.claims.items())
        new_value = with_claims(cookie.value, dict(t.claims))
        if new_value is None:
            sim._record(
                "tamper_cookie",
                b.name,
                action,
                f"{name} is not a JWT: nothing changed",
                cookie_present=sim._has(b.name),
                session_id=cookie.value,
            )
            return
        result = "Claims changed, old signature kept"
    else:
        new_value = t.value if t.value is not None else cookie.value
        action = f"Replace {name} value"
        result = f"Value now {abbreviate(new_value)}"
    b.jar.set_value(name, new_value, now, host=side.host)
    sim._dirty.add(b.name)
    sim._record(
        "tamper_cookie",
        b.name,
        action,
        result,
        cookie_present=sim._has(b.name),
        session_id=new_value,
        token=token_view(sim, new_value, event),
    )


def play_steal(sim: Simulation, event: Event) -> None:
    s = event.steal
    assert s is not UNSET  # run() dispatches on the verb that is set
    side = sim.target(event)
    name = s.cookie or side.cookie_name
    src, dst = sim.browser(s.from_), sim.browser(s.to)
    now = sim.clock.now
    # with several servers, only the cookies the event's server would be sent (its host's)
    taken = [c for c in src.jar.all(now) if c.name == name and (not sim.multi or src.jar.domain_ok(c, side.host))]
    for c in taken:
        dst.jar.put(c)
    sim._dirty.add(dst.name)
    action = f"Copy {name} from {src.name} to {dst.name}"
    value = taken[0].value if taken else None
    result = f"Copied {name}={abbreviate(value)}" if taken else f"No {name} cookie in {src.name}: nothing copied"
    sim._record(
        "steal_cookies",
        dst.name,
        action,
        result,
        cookie_present=sim._has(dst.name),
        session_id=value,
        token=token_view(sim, value, event),
    )


def play_xss(sim: Simulation, event: Event) -> None:
    assert event.xss is not UNSET  # run() dispatches on the verb that is set
    victim, dst = sim.browser(event.as_), sim.browser(event.xss.to)
    side = sim.target(event)
    now = sim.clock.now
    seen = victim.document_cookie(now, host=side.host)  # the page of the event's server
    copied = []
    for pair in seen.split("; ") if seen else []:
        name, _, value = pair.partition("=")
        dst.jar.put(Cookie(name=name, value=value, domain=side.host.lower(), path="/", created=now))
        copied.append(name)
    sim._dirty.add(dst.name)
    action = f"Script in {victim.name} reads document.cookie"
    if copied:
        result = f"Sent {', '.join(copied)} to {dst.name}"
    else:
        result = "document.cookie is empty (HttpOnly hides the session cookie): nothing sent"
    stolen = dst.jar.get(side.cookie_name, now, host=side.host) if side.cookie_name in copied else None
    sim._record(
        "xss",
        victim.name,
        action,
        result,
        cookie_present=sim._has(victim.name),
        session_id=stolen.value if stolen else None,
        token=token_view(sim, stolen.value if stolen else None, event),
    )


__all__ = ["play_steal", "play_tamper", "play_xss", "token_view"]
