"""Sending xAPI statements to a Learning Record Store (``tutor progress --send ENDPOINT``).

xAPI 1.0.3, Communication §2.1 (Statement Resource): statements are POSTed to ``ENDPOINT/statements`` as
a JSON array, with the ``X-Experience-API-Version`` header and HTTP Basic credentials (the LRS's own,
from ``TUTOR_LRS_USERNAME`` / ``TUTOR_LRS_PASSWORD``: never on the command line, where other users of the
machine would see them in the process list).

Nothing is sent twice in effect: the statement ids are deterministic (:mod:`tutor.lesson.xapi`), and an LRS
answers ``409 Conflict`` to a batch holding an id it already has. Such a batch is sent again one statement
at a time with ``PUT ?statementId=ID`` (§2.1.1), where ``204`` (stored, or had already) and ``409`` (had it)
are both success. Any other answer, a network error or refused credentials raise :class:`SendError` with one
line; the progress file is only read, so a failed send loses nothing and can be repeated.
"""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tutor.lesson.xapi import VERSION

#: Statements per POST (an LRS may limit the size of a request; Ralph and others take this many easily).
BATCH = 50
TIMEOUT = 30.0
USERNAME_VARIABLE = "TUTOR_LRS_USERNAME"
PASSWORD_VARIABLE = "TUTOR_LRS_PASSWORD"


class SendError(Exception):
    """Sending failed; ``str()`` is one line naming what the LRS or the network said."""


@dataclass(frozen=True, slots=True)
class Sent:
    """What was sent. An LRS answers alike to a new statement and to one it already had with the same id
    and content (xAPI: it keeps the first), so how many were new is not known here."""

    statements: int
    batches: int
    one_by_one: int
    """Statements of batches the LRS answered 409 to, sent again one at a time with PUT."""


def endpoint_problem(endpoint: str) -> str | None:
    """Why ``endpoint`` cannot be an LRS's xAPI base (``None`` when it can)."""
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "expected the LRS's xAPI base URL, e.g. http://127.0.0.1:8100/xAPI/"
    if parts.query or parts.fragment or any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in endpoint):
        return "the xAPI base URL has no query, fragment, space or control character"
    if parts.username is not None or parts.password is not None:
        return f"credentials go in {USERNAME_VARIABLE} and {PASSWORD_VARIABLE}, not in the URL"
    return None


def credentials(environ: dict[str, str] | os._Environ[str] = os.environ) -> tuple[str, str] | None:
    """``(username, password)`` from the environment, ``None`` when neither is set; raises
    :class:`SendError` when only one is."""
    user, password = environ.get(USERNAME_VARIABLE), environ.get(PASSWORD_VARIABLE)
    if user is None and password is None:
        return None
    if user is None or password is None:
        raise SendError(f"set both {USERNAME_VARIABLE} and {PASSWORD_VARIABLE} (or neither)")
    return user, password


Opener = Callable[[urllib.request.Request, float], Any]


def _open(request: urllib.request.Request, timeout: float) -> Any:
    return urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 (http(s) only: endpoint_problem)


def send(
    endpoint: str,
    statements: Sequence[dict[str, Any]],
    auth: tuple[str, str] | None,
    *,
    opener: Opener = _open,
) -> Sent:
    """POST ``statements`` to ``endpoint`` in batches of :data:`BATCH` (see the module's doc)."""
    base = endpoint if endpoint.endswith("/") else endpoint + "/"
    url = urllib.parse.urljoin(base, "statements")
    headers = {"X-Experience-API-Version": VERSION, "Content-Type": "application/json"}
    if auth is not None:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    batches = one_by_one = 0
    for start in range(0, len(statements), BATCH):
        batch = list(statements[start : start + BATCH])
        status = _call(opener, urllib.request.Request(url, json.dumps(batch).encode(), headers, method="POST"))
        batches += 1
        if status in (200, 204):
            continue
        # 409: some of these are there already; one at a time, each PUT 204 or 409 (both fine)
        for statement in batch:
            one = f"{url}?{urllib.parse.urlencode({'statementId': statement['id']})}"
            _call(opener, urllib.request.Request(one, json.dumps(statement).encode(), headers, method="PUT"))
            one_by_one += 1
    return Sent(len(statements), batches, one_by_one)


def _call(opener: Opener, request: urllib.request.Request) -> int:
    """The response's status (2xx or 409); anything else is a :class:`SendError`."""
    try:
        with opener(request, TIMEOUT) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        if exc.code == 409:
            return 409
        if exc.code in (401, 403):
            raise SendError(
                f"the LRS refused the credentials ({exc.code}): check {USERNAME_VARIABLE} and {PASSWORD_VARIABLE}"
            ) from None
        raise SendError(
            f"the LRS answered {exc.code} {exc.reason} to {request.get_method()} {request.full_url}"
        ) from None
    except urllib.error.URLError as exc:
        raise SendError(f"cannot reach the LRS at {request.full_url}: {exc.reason}") from None
    except (OSError, ValueError) as exc:
        raise SendError(f"cannot reach the LRS at {request.full_url}: {exc}") from None


__all__ = [
    "BATCH",
    "PASSWORD_VARIABLE",
    "USERNAME_VARIABLE",
    "SendError",
    "Sent",
    "credentials",
    "endpoint_problem",
    "send",
]
