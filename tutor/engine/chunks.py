"""next-auth's session-cookie chunking: a value too long for one cookie is split over ``NAME.0``, ``NAME.1`` ….

The one home of the rule; the server writes and reads its session cookie through it
(:mod:`tutor.engine.session_cookie`), the simulation and the attacker's ``steal`` recognise the parts with
:func:`is_part`, and ``tamper`` writes a changed value back over the parts a browser holds with :func:`spread`.

Source: next-auth v4 (4.24.15, branch ``v4``) ``packages/next-auth/src/core/lib/cookie.ts``, class
``SessionStore``:

- ``CHUNK_SIZE = ALLOWED_COOKIE_SIZE - ESTIMATED_EMPTY_COOKIE_SIZE`` = 4096 − 163 = 3,933 characters of
  value per cookie (163: the estimated size of an empty ``__Secure-next-auth.session-token.0`` cookie with
  every attribute).
- ``#chunk``: ``ceil(len / CHUNK_SIZE)`` parts; one part keeps the plain name, more are named ``NAME.0``,
  ``NAME.1`` … (``substr(i * CHUNK_SIZE, CHUNK_SIZE)``).
- ``chunk(value)``: first every session-cookie part the request brought (and any written since) is
  "cleaned" (value ``""``, ``maxAge: 0``), then the new parts overwrite their names: a stale ``.1`` left
  over when a token shrinks, or the plain name when a token grows into chunks, is deleted in the same
  response. The headers come in that order (``Object.values`` of one record: cleaned names first, a
  name written again keeps its place).
- ``clean()`` (sign-out, an undecodable token): every part deleted.
- ``get value()``: the parts joined in the order of their numeric suffix.

What the model leaves out: next-auth reads *every* cookie whose name starts with the session cookie's
name (``name.startsWith(cookieName)``), so a stray ``next-auth.session-token-old`` would be folded into
the value too; the model takes only the plain name and ``NAME.<digits>``. When a request brings both the
plain name and numbered parts (next-auth itself never leaves both), its sort comparator compares ``NaN``
for the plain name and the order is the JS engine's; the model puts the plain name first. Lengths are
characters (JS UTF-16 code units); the model's values are ASCII, where the two agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

#: next-auth v4 ``core/lib/cookie.ts``: ``ALLOWED_COOKIE_SIZE`` (4096) − ``ESTIMATED_EMPTY_COOKIE_SIZE`` (163).
ALLOWED_COOKIE_SIZE = 4096
ESTIMATED_EMPTY_COOKIE_SIZE = 163
CHUNK_SIZE = ALLOWED_COOKIE_SIZE - ESTIMATED_EMPTY_COOKIE_SIZE


def part_index(cookie: str, name: str) -> int | None:
    """``-1`` for the plain ``name``, ``N`` for ``name.N``, ``None`` for any other cookie."""
    if cookie == name:
        return -1
    if cookie.startswith(name + "."):
        suffix = cookie[len(name) + 1 :]
        if suffix.isascii() and suffix.isdigit():
            return int(suffix)
    return None


def is_part(cookie: str, name: str) -> bool:
    """Is ``cookie`` the session cookie ``name`` or one of its chunks?"""
    return part_index(cookie, name) is not None


def parts(cookies: Iterable[str], name: str) -> list[str]:
    """The session cookie's parts among ``cookies`` (names), in the order next-auth joins them."""
    found = [(i, c) for c in cookies if (i := part_index(c, name)) is not None]
    return [c for _, c in sorted(found)]


def read(cookies: Mapping[str, str], name: str) -> str | None:
    """The session cookie's value as next-auth reads it from a request's cookies (name → value): its
    parts joined in index order; ``None`` when the request brings no part at all."""
    names = parts(cookies, name)
    if not names:
        return None
    return "".join(cookies[n] for n in names)


def split(name: str, value: str) -> list[tuple[str, str]]:
    """``value`` as the cookies that carry it: ``[(name, value)]`` when it fits in one, else
    ``[(name.0, …), (name.1, …), …]`` of at most :data:`CHUNK_SIZE` characters each."""
    count = -(-len(value) // CHUNK_SIZE)  # Math.ceil(value.length / CHUNK_SIZE)
    if count == 1:
        return [(name, value)]
    return [(f"{name}.{i}", value[i * CHUNK_SIZE : (i + 1) * CHUNK_SIZE]) for i in range(count)]


def spread(held: Iterable[str], name: str, value: str) -> list[tuple[str, str]]:
    """``value`` written by hand over the parts of the session cookie a browser already holds (``held``:
    names; a ``tamper``, which edits cookies there and adds none): :data:`CHUNK_SIZE` characters to each
    part in index order, the last part the rest, a part not needed ``""``; :func:`read` of the result
    gives ``value`` back."""
    names = parts(held, name)
    out = [(n, value[i * CHUNK_SIZE : (i + 1) * CHUNK_SIZE]) for i, n in enumerate(names[:-1])]
    if names:
        out.append((names[-1], value[(len(names) - 1) * CHUNK_SIZE :]))
    return out


def plan(held: Iterable[str], name: str, value: str | None, *, chunked: bool = True) -> list[tuple[str, str | None]]:
    """The Set-Cookie headers of one write, in next-auth's order: (cookie name, its value, or ``None`` to
    delete it). ``held``: the parts the browser holds as far as this response knows (the request's, or
    the last write's); ``value`` ``None``: delete every part (``clean()``). ``chunked=False``: an app's own
    cookie, one name whatever its length."""
    out: dict[str, str | None] = dict.fromkeys(held)
    if value is not None:
        out.update(split(name, value) if chunked else [(name, value)])
    return list(out.items())


__all__ = [
    "ALLOWED_COOKIE_SIZE",
    "CHUNK_SIZE",
    "ESTIMATED_EMPTY_COOKIE_SIZE",
    "is_part",
    "parts",
    "plan",
    "read",
    "split",
    "spread",
]
