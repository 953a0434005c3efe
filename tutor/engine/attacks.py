"""The attacker's events: ``tamper`` (change a cookie by hand), ``steal`` (copy cookies to another
browser) and ``xss`` (a page script reads ``document.cookie`` and sends it away).

Each is a function of the running :class:`~tutor.engine.simulation.Simulation` and the event, which the
simulation's ``play`` dispatches to by verb (``Simulation._play_<verb>``); each records exactly one step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from msgspec import UNSET

from tutor.engine import chunks
from tutor.engine.cookies import Cookie
from tutor.engine.ids import abbreviate
from tutor.engine.scenario import Event

if TYPE_CHECKING:
    from tutor.engine.simulation import Simulation


def token_view(sim: Simulation, value: str | None) -> dict[str, Any] | None:
    if not sim.jwt or value is None:
        return None
    from tutor.engine.tokens import peek

    return peek(value)


def play_tamper(sim: Simulation, event: Event) -> None:
    t = event.tamper
    assert t is not UNSET  # run() dispatches on the verb that is set
    name = t.cookie or sim.cookie_name
    b = sim.browser(event.as_)
    now = sim.clock.now
    cookie = b.jar.get(name, now, host=b.host)
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
    b.jar.set_value(name, new_value, now, host=b.host)
    sim._dirty.add(b.name)
    sim._record(
        "tamper_cookie",
        b.name,
        action,
        result,
        cookie_present=sim._has(b.name),
        session_id=new_value,
        token=token_view(sim, new_value),
    )


def play_steal(sim: Simulation, event: Event) -> None:
    s = event.steal
    assert s is not UNSET  # run() dispatches on the verb that is set
    name = s.cookie or sim.cookie_name
    src, dst = sim.browser(s.from_), sim.browser(s.to)
    now = sim.clock.now
    taken = [c for c in src.jar.all(now) if c.name == name]
    if not taken:  # a chunked session cookie: every part (next-auth's NAME.0, NAME.1 …; tutor/engine/chunks.py)
        taken = [c for c in src.jar.all(now) if chunks.is_part(c.name, name)]
    for c in taken:
        dst.jar.put(c)
    sim._dirty.add(dst.name)
    action = f"Copy {name} from {src.name} to {dst.name}"
    value = chunks.read({c.name: c.value for c in reversed(taken)}, name) if taken else None
    if not taken:
        result = f"No {name} cookie in {src.name}: nothing copied"
    elif len(taken) == 1:
        result = f"Copied {taken[0].name}={abbreviate(value)}"
    else:
        result = f"Copied {', '.join(chunks.parts([c.name for c in taken], name))} ({name}={abbreviate(value)})"
    sim._record(
        "steal_cookies",
        dst.name,
        action,
        result,
        cookie_present=sim._has(dst.name),
        session_id=value,
        token=token_view(sim, value),
    )


def play_xss(sim: Simulation, event: Event) -> None:
    assert event.xss is not UNSET  # run() dispatches on the verb that is set
    victim, dst = sim.browser(event.as_), sim.browser(event.xss.to)
    now = sim.clock.now
    seen = victim.document_cookie(now)
    copied = []
    for pair in seen.split("; ") if seen else []:
        name, _, value = pair.partition("=")
        dst.jar.put(Cookie(name=name, value=value, domain=dst.host.lower(), path="/", created=now))
        copied.append(name)
    sim._dirty.add(dst.name)
    action = f"Script in {victim.name} reads document.cookie"
    if copied:
        result = f"Sent {', '.join(copied)} to {dst.name}"
    else:
        result = "document.cookie is empty (HttpOnly hides the session cookie): nothing sent"
    # the session cookie as the thief's server would read it: its chunks joined (tutor/engine/chunks.py)
    held = {c.name: c.value for c in reversed(dst.jar.all(now)) if c.name in copied}
    stolen = sim.server.read_session_cookie(held)
    sim._record(
        "xss",
        victim.name,
        action,
        result,
        cookie_present=sim._has(victim.name),
        session_id=stolen,
        token=token_view(sim, stolen),
    )


__all__ = ["play_steal", "play_tamper", "play_xss", "token_view"]
