"""Revoking sessions: sign out everywhere, the token-version check, rotating the secret.

The one home of these rules (the simulation plays the events through :func:`sign_out_everywhere` and
:func:`rotate_secret`; the server asks :func:`version_problem` when it verifies a token):

- **database strategy**: a session is a row, so revoking a user's sessions is deleting every row whose
  ``user`` is that user. next-auth has no "sign out everywhere" call of its own (its adapter's
  ``deleteSession(sessionToken)`` deletes one row: ``packages/core/src/adapters.ts``); an app deletes
  them itself, e.g. with the Prisma adapter's ``Session`` model: ``prisma.session.deleteMany({ where:
  { userId } })``. Why: OWASP ASVS 5.0 V7.4.3 (L2) asks for "the option to terminate all other active
  sessions after a successful change or removal of any authentication factor (including password
  change ...)", and V7.4.1 says how for self-contained tokens: "a list of terminated tokens, disallowing
  tokens produced before a per-user date and time or rotating a per-user signing key".
- **jwt strategy**: the session *is* the cookie; the server keeps nothing to delete, so a copied token
  stays valid until its ``exp`` (sessions.md: "Sign-out ... with JWT it only clears the cookie"). Two ways
  out: rotate the secret (every token signed with it fails), or an **app pattern, not a next-auth
  default**: a ``tokenVersion`` per user in the database, put in the token as ``ver`` when it is signed,
  and compared in the ``jwt`` callback (returning ``null`` there clears the session cookie:
  ``packages/core/src/lib/actions/session.ts``, ``if (token !== null) ... else sessionStore.clean()``). ``sign_out_everywhere``
  bumps the version (``engine.token_version: true``).
- **rotating the secret**: see :class:`tutor.engine.tokens.TokenSigner` (Auth.js v5 verifies with a list
  of secrets, next-auth v4 with one). A database session's cookie is a random ID, not signed with the
  secret, so rotating it leaves every database session valid.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from msgspec import UNSET

from tutor.engine.scenario import EngineOptions, Event, RotateSecret

if TYPE_CHECKING:
    from collections.abc import Callable

    from tutor.engine.simulation import Simulation
    from tutor.engine.tokens import TokenSigner

#: The trace variables this module keeps (every step has them; see tutor/engine/__init__.py).
SECRETS = "secrets"
"""jwt: the generations of the secrets the server verifies with, newest (the signing one) first, as
``["secret 2", "secret 1"]``; database: ``None``."""
TOKEN_VERSIONS = "token_versions"
"""jwt with ``engine.token_version``: each user's current version (``{"alice": 1}``; a user not listed
is at 0); else ``None``."""
VARIABLES = (SECRETS, TOKEN_VERSIONS)


def initial_versions(options: EngineOptions) -> dict[str, int] | None:
    """The token versions a server starts with: every user at 0 (``None`` when the check is off)."""
    if options.strategy != "jwt" or not options.token_version:
        return None
    return {user: 0 for user in sorted(options.users)}


def secrets_view(signer: TokenSigner | None) -> list[str] | None:
    """The ``secrets`` variable."""
    return None if signer is None else [f"secret {g}" for g in signer.generations]


def version_problem(payload: dict[str, Any], versions: dict[str, int] | None) -> str | None:
    """Why a verified token is revoked by the token-version check (app pattern), or ``None``."""
    user = payload.get("sub")
    if versions is None or not isinstance(user, str):
        return None
    current = versions.get(user, 0)
    ver = payload.get("ver", 0)
    if ver == current:
        return None
    return f"Token version {ver} but {user} is at {current}: revoked"


def next_secret(options: EngineOptions, generation: int) -> str:
    """The deterministic secret of a generation (the first is the scenario's own)."""
    return f"{options.secret}-rotated-{generation}"


def sign_out_everywhere(sim: Simulation, event: Event) -> None:
    """Revoke every session of ``event.sign_out_everywhere`` (one ``revoke_sessions`` step)."""
    user = event.sign_out_everywhere
    assert isinstance(user, str)  # the simulation dispatches on the verb that is set
    action = f"Sign {user} out everywhere"
    side = sim.target(event)
    store = side.store
    if store is not None:
        rows = [row.id for row in store.rows() if row.user == user]
        for sid in rows:
            store.delete(sid)
        result = f"Deleted {len(rows)} session row{'s' if len(rows) != 1 else ''} of {user}"
        others = len(store)
        if others:
            result += f"; {others} other session{'s' if others != 1 else ''} kept"
    elif side.server.token_versions is not None:
        versions = side.server.token_versions
        versions[user] = versions.get(user, 0) + 1
        sim.set_variable(side.versions_variable, dict(versions))
        result = f"{user}'s token version now {versions[user]}: older tokens are rejected"
    else:
        result = "No server-side sessions to delete: every token of the user stays valid until it expires"
    sim.record_server_step("revoke_sessions", action, result)


def rotate_secret(sim: Simulation, event: Event) -> None:
    """Replace the signing secret (one ``rotate_secret`` step)."""
    options = event.rotate_secret if isinstance(event.rotate_secret, RotateSecret) else RotateSecret()
    side = sim.target(event)
    signer = side.server.signer
    if signer is None:
        result = "Database session IDs are not signed with the secret: every session stays valid"
        sim.record_server_step("rotate_secret", "Rotate the secret", result)
        return
    generation = signer.generations[0] + 1
    signer.rotate(next_secret(side.options, generation), keep_old=options.keep_old)
    sim.set_variable(side.secrets_variable, secrets_view(signer))
    if options.keep_old:
        result = f"Signing with secret {generation}; secret {generation - 1} still verifies old tokens"
    else:
        result = f"Signing with secret {generation}; tokens signed with older secrets no longer verify"
    sim.record_server_step("rotate_secret", f"Rotate the secret (keep_old: {str(options.keep_old).lower()})", result)


def check_event(
    verb: str,
    event: Event,
    engine: EngineOptions,
    problem: Callable[[str | None, str], None],
    where: str = "engine",
) -> None:
    """The semantic checks of this module's events (``check_scenario`` calls it for every event);
    ``where`` is how the messages name the options (``servers.db`` for one of several servers)."""
    if verb == "sign_out_everywhere":
        user = event.sign_out_everywhere
        if user is not UNSET and user not in engine.users:
            known = ", ".join(sorted(engine.users)) or "none"
            problem("sign_out_everywhere", f"expected a user of {where}.users ({known}), found {user!r}")


def check_options(engine: EngineOptions, problem: Callable[[str, str], None]) -> None:
    """``engine.token_version`` needs the jwt strategy (a database session is revoked by deleting it)."""
    if engine.token_version and engine.strategy != "jwt":
        problem(
            "engine.token_version",
            "expected strategy: jwt with token_version (database sessions are revoked by deleting their rows), "
            f"found strategy: {engine.strategy}",
        )


__all__ = [
    "SECRETS",
    "TOKEN_VERSIONS",
    "VARIABLES",
    "check_event",
    "check_options",
    "initial_versions",
    "next_secret",
    "rotate_secret",
    "secrets_view",
    "sign_out_everywhere",
    "version_problem",
]
