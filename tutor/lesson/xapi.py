"""Learning records as xAPI 1.0.3 statements (`tutor progress --format xapi`), for a Learning Record Store.

Each recorded answer becomes an ``answered`` statement about the question (an activity whose parent is the
lesson); each finished test a ``passed`` or ``failed`` statement about the lesson, with its score; a
walkthrough followed to its last step a ``completed`` statement about the lesson. Verbs and activity types
are ADL's (``http://adlnet.gov/expapi/...``). Activity IRIs are stable (built from the lesson and question
ids under :data:`ACTIVITY_BASE`), and so are statement ids (a UUID derived from the actor and the record), so
sending the same export twice does not store anything twice.

Pure functions over the progress store's records: no Textual, no network.
"""

from __future__ import annotations

import getpass
import os
import re
import socket
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from tutor.lesson.course import PASS_PERCENTAGE

__all__ = [
    "ACTIVITY_BASE",
    "PASS_PERCENT",
    "VERSION",
    "ActorError",
    "account",
    "agent",
    "challenge_iri",
    "mbox",
    "statements",
]

#: The xAPI version these statements follow (send it as the X-Experience-API-Version header).
VERSION = "1.0.3"
ACTIVITY_BASE = "https://session-tutor.invalid/xapi/"
#: A test scored at least this percentage is ``passed``, else ``failed``: the course's own pass mark.
PASS_PERCENT = PASS_PERCENTAGE
VERBS = {
    name: f"http://adlnet.gov/expapi/verbs/{name}"
    for name in ("answered", "attempted", "completed", "passed", "failed")
}
CHALLENGE_TYPE = "http://adlnet.gov/expapi/activities/simulation"
LESSON_TYPE = "http://adlnet.gov/expapi/activities/lesson"
QUESTION_TYPE = "http://adlnet.gov/expapi/activities/cmi.interaction"
_EXT_MODE = f"{ACTIVITY_BASE}extensions/mode"
_EXT_HINTS = f"{ACTIVITY_BASE}extensions/hints-used"
_EXT_MOVES = f"{ACTIVITY_BASE}extensions/events"
_EXT_PAR = f"{ACTIVITY_BASE}extensions/par"
_EXT_STARS = f"{ACTIVITY_BASE}extensions/stars"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, ACTIVITY_BASE)
#: A ``mailto:`` IRI of one address (RFC 6068 §2 with RFC 5322 §3.2.3's dot-atom local part; a domain of
#: LDH labels, RFC 1034 §3.5), ASCII only: no controls, no spaces, no line break at the end. Matched whole
#: (``fullmatch``: ``$`` alone would let a final ``\n`` through).
_MAILTO = re.compile(
    r"mailto:[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*",
    re.ASCII,
)
#: An account's homePage (xAPI 1.0.3 §2.4.2.1: an IRL): http(s), a host, and no space or control character.
_HOMEPAGE = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[!-~]*)?", re.ASCII)
_MAX_ACTOR = 320


class ActorError(ValueError):
    """``--actor`` is not a ``mailto:`` IRI."""


def mbox(text: str) -> str:
    """``text`` if it is one well-formed ``mailto:`` IRI (:data:`_MAILTO`), else :class:`ActorError`."""
    if len(text) > _MAX_ACTOR or not _MAILTO.fullmatch(text):
        raise ActorError(f"{_shown(text)}: expected a mailto: address such as mailto:alice@example.org")
    return text


def account(home_page: str, name: str) -> dict[str, str]:
    """An xAPI account (§2.4.2.1): ``homePage`` an http(s) IRL, ``name`` the learner's login there (printable,
    no control characters, no line break); else :class:`ActorError`."""
    if len(home_page) > _MAX_ACTOR or not _HOMEPAGE.fullmatch(home_page):
        raise ActorError(f"{_shown(home_page)}: expected the account's home page, such as https://lms.example.org/")
    if not name or len(name) > _MAX_ACTOR or not name.isprintable() or name != name.strip():
        raise ActorError(f"{_shown(name)}: expected the account name, printable and without spaces around it")
    return {"homePage": home_page, "name": name}


def _shown(text: str) -> str:
    """``text`` as it may be printed in a one-line error: quoted, controls and line breaks escaped."""
    return repr(text[:80] + ("…" if len(text) > 80 else ""))


def agent(actor: str | None = None, actor_account: tuple[str, str] | None = None) -> dict[str, Any]:
    """The xAPI Agent: ``mailto:...`` as its mbox, or ``(homePage, name)`` as its account, else the
    JupyterHub user (``JUPYTERHUB_USER``) as an account on that hub, else this computer's user as an account. Raises :class:`ActorError` for a malformed one."""
    if actor is not None:
        return {"objectType": "Agent", "mbox": mbox(actor)}
    if actor_account is not None:
        return {"objectType": "Agent", "account": account(*actor_account)}
    host = socket.gethostname()
    if not re.fullmatch(r"[A-Za-z0-9.-]{1,253}", host or ""):
        host = "localhost"
    hub_user = os.environ.get("JUPYTERHUB_USER", "")
    if hub_user:  # a JupyterHub user's server: their hub account (xAPI 1.0.3 §2.4.2.1, the account form)
        hub = hub_home_page(os.environ, host)
        return {"objectType": "Agent", "name": hub_user, "account": account(hub, hub_user)}
    try:
        user = getpass.getuser()
    except Exception:  # no user name in the environment or the password database
        user = "learner"
    return {"objectType": "Agent", "name": user, "account": {"homePage": f"http://{host}/", "name": user}}


def hub_home_page(environ: Mapping[str, str], host: str) -> str:
    """The home page of the JupyterHub that spawned this server, for its users' xAPI accounts: the hub's
    public URL when it knows it (``JUPYTERHUB_PUBLIC_HUB_URL``, set by JupyterHub 5+ from
    ``c.JupyterHub.public_url``), else its public host (``JUPYTERHUB_HOST``, with subdomains) or this
    machine's ``host``, each with the hub's base URL (``JUPYTERHUB_BASE_URL``) and ``hub/``
    (jupyterhub/spawner.py ``get_env``). Never ``JUPYTERHUB_API_URL``: that is the hub's internal address."""
    public = environ.get("JUPYTERHUB_PUBLIC_HUB_URL", "")
    if public.startswith(("http://", "https://")):
        return public if public.endswith("/") else public + "/"
    base = "/" + environ.get("JUPYTERHUB_BASE_URL", "/").strip("/") + "/"
    base = base.replace("//", "/")
    origin = environ.get("JUPYTERHUB_HOST", "").rstrip("/")
    if not origin.startswith(("http://", "https://")):
        origin = f"http://{host}"
    return f"{origin}{base}hub/"


def lesson_iri(lesson_id: str) -> str:
    return f"{ACTIVITY_BASE}lessons/{quote(lesson_id, safe='')}"


def question_iri(lesson_id: str, question_id: str) -> str:
    return f"{lesson_iri(lesson_id)}/questions/{quote(question_id, safe='')}"


def _timestamp(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _lesson(lesson_id: str, title: str | None) -> dict[str, Any]:
    definition: dict[str, Any] = {"type": LESSON_TYPE}
    if title:
        definition["name"] = {"en": title}
    return {"objectType": "Activity", "id": lesson_iri(lesson_id), "definition": definition}


def _statement(actor: dict[str, Any], verb: str, obj: dict[str, Any], key: str, **parts: Any) -> dict[str, Any]:
    who = actor.get("mbox") or f"{actor['account']['homePage']}{actor['account']['name']}"
    statement = {
        "id": str(uuid.uuid5(_NAMESPACE, f"{who}|{verb}|{key}")),
        "actor": actor,
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": obj,
        **{k: v for k, v in parts.items() if v is not None},
    }
    return statement


def challenge_iri(lesson_id: str, challenge_id: str) -> str:
    return f"{lesson_iri(lesson_id)}/challenges/{quote(challenge_id, safe='')}"


def statements(
    actor: dict[str, Any],
    answers: Iterable[Any],
    tests: Iterable[Any],
    *,
    challenges: Iterable[Any] = (),
    titles: Mapping[str, str] | None = None,
    completed: Mapping[str, float | None] | None = None,
    pass_percent: float = PASS_PERCENT,
) -> list[dict[str, Any]]:
    """xAPI statements for ``answers`` (``AnswerRecord``; review answers are answers in mode ``review``),
    ``tests`` (``TestRecord``) and ``challenges`` (``ChallengeRecord``: each run is ``attempted``, and a
    solved one ``completed`` too, with its events, par and stars), plus a ``completed`` statement for each
    lesson id in ``completed`` (its value: when, or ``None`` if not known)."""
    titles = titles or {}
    out: list[dict[str, Any]] = []
    for lesson_id, at in sorted((completed or {}).items()):
        out.append(
            _statement(
                actor,
                "completed",
                _lesson(lesson_id, titles.get(lesson_id)),
                f"completed|{lesson_id}",
                result={"completion": True},
                context={"platform": "Session Tutor"},
                timestamp=_timestamp(at) if at is not None else None,
            )
        )
    for a in answers:
        question = {
            "objectType": "Activity",
            "id": question_iri(a.lesson_id, a.question_id),
            "definition": {"type": QUESTION_TYPE, "interactionType": "choice"},
        }
        out.append(
            _statement(
                actor,
                "answered",
                question,
                f"answered|{a.lesson_id}|{a.question_id}|{a.mode}|{a.at!r}",
                result={
                    "success": bool(a.correct),
                    "response": "[,]".join(f"choice-{i + 1}" for i in a.chosen),
                    "extensions": {_EXT_HINTS: int(a.hints_used)},
                },
                context={
                    "platform": "Session Tutor",
                    "contextActivities": {"parent": [_lesson(a.lesson_id, titles.get(a.lesson_id))]},
                    "extensions": {_EXT_MODE: a.mode},
                },
                timestamp=_timestamp(a.at),
            )
        )
    for t in tests:
        passed = t.score >= pass_percent
        score: dict[str, Any] = {"scaled": round(t.score / 100.0, 4)}
        if t.total > 0:
            score.update(raw=t.correct, min=0, max=t.total)
        out.append(
            _statement(
                actor,
                "passed" if passed else "failed",
                _lesson(t.lesson_id, titles.get(t.lesson_id)),
                f"test|{t.lesson_id}|{t.at!r}",
                result={"score": score, "success": passed, "completion": True},
                context={"platform": "Session Tutor"},
                timestamp=_timestamp(t.at),
            )
        )
    for c in challenges:
        challenge = {
            "objectType": "Activity",
            "id": challenge_iri(c.lesson_id, c.challenge_id),
            "definition": {"type": CHALLENGE_TYPE},
        }
        context = {
            "platform": "Session Tutor",
            "contextActivities": {"parent": [_lesson(c.lesson_id, titles.get(c.lesson_id))]},
        }
        extensions = {
            _EXT_MOVES: int(c.events),
            _EXT_PAR: int(c.par),
            _EXT_HINTS: int(c.hints_used),
            _EXT_STARS: int(c.stars),
        }
        key = f"{c.lesson_id}|{c.challenge_id}|{c.at!r}"
        out.append(
            _statement(
                actor,
                "attempted",
                challenge,
                f"attempted|{key}",
                result={"success": bool(c.solved), "completion": bool(c.solved), "extensions": extensions},
                context=context,
                timestamp=_timestamp(c.at),
            )
        )
        if c.solved:
            out.append(
                _statement(
                    actor,
                    "completed",
                    challenge,
                    f"completed|{key}",
                    result={"success": True, "completion": True, "extensions": extensions},
                    context=context,
                    timestamp=_timestamp(c.at),
                )
            )
    return out
