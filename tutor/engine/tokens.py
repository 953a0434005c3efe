"""Signed session tokens: HS256 JWTs made and checked with PyJWT.

(next-auth actually *encrypts* its JWT cookie as a JWE; the Next.js guide's stateless sessions are
signed HS256 JWTs. The tutor models the signed kind: the payload is readable, not secret.)

PyJWT is imported lazily, only when the jwt strategy is used. Tokens are made with ``jwt.encode`` and
checked with ``jwt.decode`` (its signature check is constant-time); the expiry is checked here against
the *virtual* clock (PyJWT's own ``exp`` check reads the wall clock, so it is switched off).
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

ALGORITHM = "HS256"


@dataclass(frozen=True, slots=True)
class Verified:
    """The outcome of checking a token."""

    ok: bool
    reason: str
    """``valid``, ``expired``, ``tampered`` (bad signature), ``malformed``."""
    payload: dict[str, Any] | None = None
    """The verified payload (also set for an expired token, whose signature was fine)."""


if TYPE_CHECKING:
    from jwt.types import Options

#: What ``jwt.decode`` checks: the signature and that ``iat`` and ``sid`` are there. ``exp`` is checked
#: against the virtual clock by :meth:`TokenSigner.verify`; ``sub`` may be null (an anonymous session).
_DECODE_OPTIONS: Options = {
    "verify_exp": False,
    "verify_iat": False,
    "verify_nbf": False,
    "verify_sub": False,
    "require": ["iat", "sid"],
}


class TokenSigner:
    """Signs with the newest secret and verifies with every secret it still keeps.

    Secret rotation follows Auth.js: in @auth/core (next-auth v5) ``secret`` may be a list
    (``packages/core/src/jwt.ts``: ``encode`` uses ``secrets[0]``, ``decode`` tries each secret in turn
    and fails with "no matching decryption secret"; ``packages/core/src/lib/utils/env.ts`` pushes
    ``AUTH_SECRET`` and then puts ``AUTH_SECRET_1`` .. ``AUTH_SECRET_3`` in front of it, so the highest
    numbered one signs and the others still verify; ``packages/core/src/lib/actions/session.ts`` re-encodes
    a token it read, so a token signed with an old secret is re-signed with the new one). next-auth
    v4 takes one ``secret: string`` (``packages/next-auth/src/jwt/index.ts``): replacing it makes every
    token signed with the old one fail. :meth:`rotate` models both (``keep_old``).
    """

    def __init__(self, secret: str) -> None:
        if len(secret) < 32:
            raise ValueError("the jwt secret must be at least 32 characters")
        self._secrets = [secret]
        self._generations = [1]

    @property
    def generations(self) -> list[int]:
        """The generation of each secret it verifies with, newest (the signing one) first."""
        return list(self._generations)

    def rotate(self, secret: str, *, keep_old: bool) -> None:
        """Sign with ``secret`` from now on; ``keep_old`` keeps the previous secrets for verifying (Auth.js's
        list), else only the new one verifies (v4's single secret)."""
        if len(secret) < 32:
            raise ValueError("the jwt secret must be at least 32 characters")
        generation = self._generations[0] + 1
        if keep_old:
            self._secrets.insert(0, secret)
            self._generations.insert(0, generation)
        else:
            self._secrets, self._generations = [secret], [generation]

    def issue(self, payload: dict[str, Any]) -> str:
        import jwt

        return jwt.encode(payload, self._secrets[0], algorithm=ALGORITHM)

    def verify(self, token: str, now: int) -> Verified:
        import jwt

        payload: dict[str, Any] | None = None
        for secret in self._secrets:  # the first secret that verifies wins (Auth.js's decode loop)
            try:
                payload = jwt.decode(token, secret, algorithms=[ALGORITHM], options=_DECODE_OPTIONS)
                break
            except jwt.InvalidSignatureError:
                continue
            except jwt.InvalidTokenError:
                return Verified(False, "malformed")
        if payload is None:
            return Verified(False, "tampered")
        if not isinstance(payload.get("sub"), (str, type(None))):
            return Verified(False, "malformed")
        exp = payload.get("exp")
        if exp is not None and not (isinstance(exp, int) and now < exp):
            return Verified(False, "expired", payload)
        return Verified(True, "valid", payload)

    def same_token(self, a: str, b: str) -> bool:
        """Compare two tokens without leaking timing."""
        return hmac.compare_digest(a.encode(), b.encode())


def peek(token: str) -> dict[str, Any] | None:
    """The payload of a token *without* checking it (what anyone holding the cookie can read), read
    with ``jwt.decode(..., options={"verify_signature": False})``; ``None`` when it is not a JWT."""
    import jwt

    try:
        return jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return None


def with_claims(token: str, claims: dict[str, Any]) -> str | None:
    """The token with these payload claims changed but the *old* signature kept (a forgery attempt)."""
    payload = peek(token)
    if payload is None:
        return None
    from jwt.utils import base64url_encode

    payload = {**payload, **claims}
    header, _, signature = token.split(".")
    body = base64url_encode(json.dumps(payload, separators=(",", ":")).encode()).decode()
    return f"{header}.{body}.{signature}"


__all__ = ["ALGORITHM", "TokenSigner", "Verified", "peek", "with_claims"]
