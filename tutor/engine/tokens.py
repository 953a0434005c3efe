"""Signed session tokens: HS256 JWTs made and checked with PyJWT.

(next-auth actually *encrypts* its JWT cookie as a JWE; the Next.js guide's stateless sessions are
signed HS256 JWTs. The tutor models the signed kind: the payload is readable, not secret.)

PyJWT is imported lazily, only when the jwt strategy is used. Its signature check is constant-time;
the expiry is checked here against the *virtual* clock (PyJWT's own ``exp`` check reads the wall clock,
so it is switched off).
"""

from __future__ import annotations

import base64
import hmac
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

ALGORITHM = "HS256"


@dataclass(frozen=True, slots=True)
class Verified:
    """The outcome of checking a token."""

    ok: bool
    reason: str
    """``valid``, ``expired``, ``tampered`` (bad signature), ``malformed``."""
    payload: dict[str, Any] | None = None
    """The verified payload (also set for an expired token, whose signature was fine)."""


class TokenSigner:
    def __init__(self, secret: str) -> None:
        if len(secret) < 32:
            raise ValueError("the jwt secret must be at least 32 characters")
        self._secret = secret
        # PyJWT's encode/decode are pure functions of their input and the secret; memoizing them
        # saves work when the same token is re-issued or re-checked (e.g. twice in one second).
        self._encode = lru_cache(maxsize=1024)(self._encode_items)
        self._decode = lru_cache(maxsize=1024)(self._decode_token)

    def issue(self, payload: dict[str, Any]) -> str:
        return self._encode(tuple(payload.items()))

    def _encode_items(self, items: tuple[tuple[str, Any], ...]) -> str:
        import jwt

        return jwt.encode(dict(items), self._secret, algorithm=ALGORITHM)

    def verify(self, token: str, now: int) -> Verified:
        reason, payload = self._decode(token)
        if payload is None:
            return Verified(False, reason)
        payload = dict(payload)
        exp = payload.get("exp")
        if exp is not None and not (isinstance(exp, int) and now < exp):
            return Verified(False, "expired", payload)
        return Verified(True, "valid", payload)

    def _decode_token(self, token: str) -> tuple[str, dict[str, Any] | None]:
        """PyJWT's verdict on the signature and the claims' shape (not on expiry)."""
        import jwt

        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                # exp is checked below against the virtual clock; sub may be null (anonymous)
                options={
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                    "verify_sub": False,
                    "require": ["iat", "sid"],
                },
            )
        except jwt.InvalidSignatureError:
            return "tampered", None
        except jwt.InvalidTokenError:
            return "malformed", None
        if not isinstance(payload.get("sub"), (str, type(None))):
            return "malformed", None
        return "valid", payload

    def same_token(self, a: str, b: str) -> bool:
        """Compare two tokens without leaking timing."""
        return hmac.compare_digest(a.encode(), b.encode())


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def peek(token: str) -> dict[str, Any] | None:
    """The payload of a token *without* checking it (what anyone holding the cookie can read)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(_b64decode(parts[1]))
    except (ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


def with_claims(token: str, claims: dict[str, Any]) -> str | None:
    """The token with these payload claims changed but the *old* signature kept (a forgery attempt)."""
    payload = peek(token)
    if payload is None:
        return None
    payload.update(claims)
    header, _, signature = token.split(".")
    body = _b64encode(json.dumps(payload, separators=(",", ":")).encode())
    return f"{header}.{body}.{signature}"


__all__ = ["ALGORITHM", "TokenSigner", "Verified", "peek", "with_claims"]
