"""Signed session tokens: HS256 JWTs made and checked with PyJWT.

(next-auth actually *encrypts* its JWT cookie as a JWE; the Next.js guide's stateless sessions are
signed HS256 JWTs. The tutor models the signed kind: the payload is readable, not secret.)

PyJWT is imported lazily, only when the jwt strategy is used. Its signature check is constant-time;
the expiry is checked here against the *virtual* clock (PyJWT's own ``exp`` check reads the wall clock,
so it is switched off).

Speed: PyJWT re-checks the key (``prepare_key``) and re-parses JSON on every ``encode``/``decode``. The
signer prepares the HMAC key once with PyJWT's ``HMACAlgorithm`` and signs the engine's own claims
itself, byte-for-byte as ``jwt.encode`` does (the header segment is taken from a real ``jwt.encode``);
a token it issued is verified by its signature alone (``HMACAlgorithm.verify``: constant-time), since
its payload is known. Every other token goes through ``jwt.decode`` exactly as before.
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


#: The claims the engine itself puts in a token. Tokens whose payload holds only these (with plain
#: ``str``/``int``/``None`` values) are signed on a fast path that produces the very bytes
#: ``jwt.encode`` would; anything else goes through ``jwt.encode`` / ``jwt.decode`` unchanged.
_ENGINE_CLAIMS = frozenset({"sub", "sid", "iat", "exp", "auth_time"})
_PLAIN_TYPES = (str, int, type(None))
#: How many issued tokens the signer remembers (for the fast verification path).
_ISSUED_MAX = 4096
#: ``json.dumps(payload, separators=(",", ":"))`` as PyJWT calls it, with the encoder made once.
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"))


class TokenSigner:
    def __init__(self, secret: str) -> None:
        if len(secret) < 32:
            raise ValueError("the jwt secret must be at least 32 characters")
        self._secret = secret
        # PyJWT's encode/decode are pure functions of their input and the secret; memoizing them
        # saves work when the same token is re-issued or re-checked (e.g. twice in one second).
        self._encode = lru_cache(maxsize=1024)(self._encode_items)
        self._decode = lru_cache(maxsize=1024)(self._decode_token)
        # Prepared once, on first use (so a bad key fails where it always did: in issue/verify).
        self._alg: Any = None
        self._key: bytes | None = None
        self._header = b""
        """The base64url header segment ``jwt.encode`` writes for HS256 (the same for every token)."""
        self._issued: dict[str, dict[str, Any]] = {}
        """Tokens signed on the fast path → their payload (what ``jwt.decode`` would return)."""

    def _prepare(self) -> None:
        import jwt
        from jwt.algorithms import HMACAlgorithm

        alg = HMACAlgorithm(HMACAlgorithm.SHA256)
        key = alg.prepare_key(self._secret)  # PyJWT's own key checks, once instead of per token
        # the header segment is taken from a real jwt.encode, so it is byte-for-byte PyJWT's
        header = jwt.encode({}, self._secret, algorithm=ALGORITHM).split(".", 1)[0].encode()
        self._alg, self._header, self._key = alg, header, key

    def issue(self, payload: dict[str, Any]) -> str:
        return self._encode(tuple(payload.items()))

    def _encode_items(self, items: tuple[tuple[str, Any], ...]) -> str:
        payload = dict(items)
        if not all(k in _ENGINE_CLAIMS and type(v) in _PLAIN_TYPES for k, v in items):
            import jwt

            return jwt.encode(payload, self._secret, algorithm=ALGORITHM)
        if self._key is None:
            self._prepare()
        from jwt.utils import base64url_encode

        # exactly PyJWT's steps: compact JSON payload, base64url segments, HMAC-SHA256 signature
        body = _COMPACT_JSON.encode(payload).encode("utf-8")
        signing_input = self._header + b"." + base64url_encode(body)
        signature = self._alg.sign(signing_input, self._key)
        token = (signing_input + b"." + base64url_encode(signature)).decode("utf-8")
        issued = self._issued
        if len(issued) >= _ISSUED_MAX:
            del issued[next(iter(issued))]
        issued[token] = payload
        return token

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
        payload = self._issued.get(token)
        if payload is not None and payload.get("iat") is not None and payload.get("sid") is not None:
            # a token this signer made: its payload is known, so only the signature is checked
            # (HMAC-SHA256, compared in constant time by PyJWT's HMACAlgorithm.verify)
            from jwt.utils import base64url_decode

            signing_input, _, signature = token.encode("utf-8").rpartition(b".")
            if self._alg.verify(signing_input, self._key, base64url_decode(signature)):
                return "valid", dict(payload)
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
    """The payload of a token *without* checking it (what anyone holding the cookie can read).

    Memoized per token string: the same token gives the same dict object, so treat it as read-only
    (trace variables share it)."""
    return _peek(token)


@lru_cache(maxsize=4096)
def _peek(token: str) -> dict[str, Any] | None:
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
    payload = {**payload, **claims}
    header, _, signature = token.split(".")
    body = _b64encode(json.dumps(payload, separators=(",", ":")).encode())
    return f"{header}.{body}.{signature}"


__all__ = ["ALGORITHM", "TokenSigner", "Verified", "peek", "with_claims"]
