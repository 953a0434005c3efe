"""The events a browser plays on its own jar: ``set_cookie`` (a hand-written response to ``GET /`` or the
request its ``answers:`` names), a ``request:`` with ``status:`` (a hand-written response without
Set-Cookie), ``document_cookie`` (a page script's write, by the jar's non-HTTP API rules),
``clear_cookies`` and ``close_browser``.

Each is a function of the running :class:`~tutor.engine.simulation.Simulation` and the event, which the
simulation's ``play`` dispatches to by verb (``Simulation._play_<verb>``), as the attacker's events in
:mod:`tutor.engine.attacks` are.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING

from tutor.engine.cookies import StoreOutcome
from tutor.engine.exchange import Exchange
from tutor.engine.scenario import Event, script_cookie_values, set_cookie_headers

if TYPE_CHECKING:
    from tutor.engine.simulation import Simulation


def play_set_cookie(sim: Simulation, event: Event) -> None:
    """The browser sends ``GET /`` (or the event's ``answers:``) and the server answers with exactly the
    event's ``Set-Cookie`` headers and status (200 unless ``status:``; none of its own session handling
    runs); the browser applies them in order."""
    method, _, target = (event.answers or "GET /").partition(" ")
    play_written_response(sim, event, method, target, set_cookie_headers(event), event.status or 200)


def play_written_response(
    sim: Simulation, event: Event, method: str, target: str, headers: list[str], status: int
) -> None:
    """The browser (``as:``) sends ``method target`` with the cookies it carries there, and the response is
    written by hand: ``status`` and exactly ``headers`` (none: no Set-Cookie), which the browser applies in
    order, as it would any. The server's routes and session handling do not run (``set_cookie:``, and a
    ``request:`` with ``status:``)."""
    name = event.as_
    now = sim.clock.now
    b, side, request = sim.sends(event, method, target)
    present = side.server.read_session_cookie(request.cookies) is not None
    ex = Exchange(request=request, cookie_store=dict(request.cookies), line=request.line)
    ex.session_id = side.server.read_session_cookie(request.cookies)
    add = sim._add
    count = (
        f"{len(headers)} hand-written Set-Cookie header{'s' if len(headers) != 1 else ''}"
        if headers
        else "no Set-Cookie"
    )
    line = f"{status} {status_phrase(status)}".rstrip()
    if event.status is None:
        said = f"The response is written by hand: {count}"
    else:  # a status the event gives is said first: the row that names the request shows the app's answer
        headers_said = f"{len(headers)} Set-Cookie header{'s' if len(headers) != 1 else ''}" if headers else count
        said = f"{line}, by hand: {headers_said}"
    add(
        "receive",
        name,
        f"Receive {request.line}",
        said,
        present,
        ex.session_id,
        None,
        ex,
        None,
    )
    for header in headers:
        ex.set_cookie = header
        add(
            "set_cookie",
            name,
            "Set-Cookie by hand",
            f"Set-Cookie: {header}",
            present,
            ex.session_id,
            None,
            ex,
            None,
        )
    ex.status = status
    add("send_response", name, f"Send {status}", f"{line} with {count}", present, ex.session_id, None, ex, None)
    if not headers:
        return
    outcomes = b.store_cookies(headers, request, now, host=side.host)
    sim._dirty.add(name)
    sim._record(
        "store_cookie",
        name,
        "Browser applies Set-Cookie",
        # a hand-written header's ignored attributes are part of the answer (the server's own have none)
        _outcomes(outcomes),
        cookie_present=b.has_cookie(side.cookie_name, now, host=side.host, chunked=side.server.chunked),
        session_id=ex.session_id,
        exchange=ex,
    )


def status_phrase(status: int) -> str:
    """The reason phrase of a status code (RFC 9110 §15: ``404`` → ``Not Found``), ``""`` for one it
    does not define."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _outcomes(outcomes: list[StoreOutcome]) -> str:
    return "; ".join(o.describe() + (f" [{'; '.join(o.notes)}]" if o.notes else "") for o in outcomes)


def play_document_cookie(sim: Simulation, event: Event) -> None:
    """A script on the page (the event's server's host, at ``/``) assigns each value to ``document.cookie``;
    the jar stores them by its non-HTTP API rules (:meth:`CookieJar.set_from_script`, RFC 6265bis §5.7:
    HttpOnly refused, a stored HttpOnly cookie not replaced)."""
    values = script_cookie_values(event)
    b = sim.browser(event.as_)
    now = sim.clock.now
    side = sim.target(event)
    outcomes = b.write_document_cookie(values, now, host=side.host, scheme=event.scheme)
    sim._dirty.add(b.name)
    several = f" ({len(values)} values)" if len(values) != 1 else ""
    sim._record(
        "script_cookie",
        b.name,
        f"Script writes document.cookie{several}",
        _outcomes(outcomes),
        cookie_present=b.has_cookie(side.cookie_name, now, host=side.host, chunked=side.server.chunked),
    )


def play_clear_cookies(sim: Simulation, event: Event) -> None:
    b = sim.browser(event.as_)
    count = b.jar.clear()
    sim._dirty.add(b.name)
    sim._record(
        "clear_cookies",
        b.name,
        f"Clear all cookies in {b.name}",
        f"{count} cookie{'s' if count != 1 else ''} deleted",
        cookie_present=False,
    )


def play_close_browser(sim: Simulation, event: Event) -> None:
    """The browser is closed (and opened again later): session cookies, which have no Max-Age or
    Expires, are gone; persistent cookies stay until they expire."""
    b = sim.browser(event.as_)
    dropped = b.jar.close_session()
    kept = len(b.jar.all(sim.clock.now))
    sim._dirty.add(b.name)
    result = (
        f"{dropped} session cookie{'s' if dropped != 1 else ''} dropped, "
        f"{kept} persistent cookie{'s' if kept != 1 else ''} kept"
    )
    sim._record("close_browser", b.name, f"Close {b.name}", result, cookie_present=sim._has(b.name))


# -- revocation (the rules live in tutor/engine/revocation.py) ---------------------------------


__all__ = [
    "play_clear_cookies",
    "play_close_browser",
    "play_document_cookie",
    "play_set_cookie",
    "play_written_response",
    "status_phrase",
]
